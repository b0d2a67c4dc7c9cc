"""The one export layer (workshop/reports/logic.py): formulas neutralised in
every export, byte-order mark, the separator and language the reader expects,
typed XLSX cells read back with openpyxl; the orphan exports go through it."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from workshop.extensions import db
from workshop.orphans import logic as orphans
from workshop.reports.logic import INTERCHANGE, Layout, export_layout, to_csv, write_xlsx
from workshop.voting.models import Project

PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"clic\")", "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
FRENCH = Layout(";", "fr")
FRENCH_EXCEL = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}


@pytest.mark.parametrize("layout", [INTERCHANGE, FRENCH, Layout(",", "en")])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_export_cell_starts_a_formula(app, layout, payload):
    with app.test_request_context():
        text = to_csv(["text", "comment"], [[payload, "ok"]], layout)
    assert text.startswith("\ufeff")
    value = list(csv.reader(io.StringIO(text[1:]), delimiter=layout.separator))[1][0]
    assert value == "'" + payload and not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    with app.test_request_context():
        book = load_workbook(io.BytesIO(write_xlsx([("t", ["text"], [[payload]])], layout)))
    cell = book.active["A2"]
    assert cell.data_type == "s" and cell.value.replace("\r\n", "\r") in (payload, payload.replace("\r", "\n"))


@pytest.mark.parametrize("accept, args, reader, expected", [
    ("fr-CA,fr;q=0.9", {}, "fr", Layout(";", "fr")),  # Excel set to French Canada splits on semicolons
    ("en-CA,en;q=0.9", {}, "fr", Layout(",", "fr")),  # an English system, a French reader
    ("fr-CA", {}, "en", Layout(";", "en")),
    ("", {}, "fr", INTERCHANGE),  # a script declares no locale: codes and commas
    ("fr-CA", {"sep": "comma", "lang": "codes"}, "fr", INTERCHANGE),  # the reader's choice wins
    ("", {"lang": "fr"}, "en", Layout(";", "fr")),
    ("en", {"sep": "tab"}, "en", Layout("\t", "en")),
])
def test_the_layout_follows_the_reader(accept, args, reader, expected):
    assert export_layout(args, accept, reader) == expected


def test_french_headers_values_and_decimal_commas(app):
    header = ["hat", "hidden", "round_kind", "stage", "kind", "score", "created_at"]
    rows = [["white", "yes", "impact_feasibility", "realised", "municipality", 3.5, "2027-03-15 10:00:00"]]
    with app.test_request_context():
        text = to_csv(header, rows, FRENCH)
    lines = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert lines[0] == ["Chapeau", "Masqué", "Type de vote", "Étape", "Type", "Score", "Date"]
    assert lines[1] == ["Chapeau blanc", "oui", "Impact × faisabilité", "réalisé", "municipalité / MRC", "3,5",
                        "2027-03-15 10:00:00"]
    assert "\r\n" in text and "False" not in text


def test_xlsx_types_numbers_and_dates(app):
    header = ["round", "score", "created_at", "next_follow_up", "text"]
    with app.test_request_context():
        data = write_xlsx([("t", header, [[1, 3.25, "2027-03-15 10:00:00", "2027-04-01", "42 idées"]])], FRENCH)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == 1 and sheet["A2"].data_type == "n"
    assert sheet["B2"].value == 3.25
    assert sheet["C2"].value == datetime(2027, 3, 15, 10, 0) and sheet["C2"].is_date
    assert sheet["D2"].is_date and sheet["D2"].value.date() == date(2027, 4, 1)
    assert sheet["E2"].value == "42 idées"  # text stays text


@pytest.fixture
def offer(workshop):
    project = Project(workshop_id=workshop.id, title='=HYPERLINK("http://evil.example","Projet")',
                      status="orphan_candidate")
    db.session.add(project)
    db.session.commit()
    partner = orphans.save_organisation(None, {"name": "@Cégep de Jonquière", "kind": "education",
                                               "territory": "Saguenay", "contact_email": "sai@example.org"})
    adoption = orphans.offer(project, partner, "coord@example.org")
    orphans.log_contact(adoption, "call", "-rappeler en mars", "coord@example.org")
    return adoption


def test_the_pipeline_csv_is_what_a_french_excel_expects(coordinator_client, offer, workshop):
    response = coordinator_client.get("/orphans/pipeline.csv", headers=FRENCH_EXCEL)
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0]["Projet"].startswith("'=HYPERLINK") and rows[0]["Organisation"] == "'@Cégep de Jonquière"
    assert rows[0]["Étape"] == "proposé" and rows[0]["Atelier"] == workshop.title
    assert rows[0]["Dernière note"] == "'-rappeler en mars"


def test_the_pipeline_xlsx_is_typed(coordinator_client, offer):
    response = coordinator_client.get("/orphans/pipeline.csv?format=xlsx", headers=FRENCH_EXCEL)
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    follow_up = sheet.cell(row=2, column=header.index("Prochaine relance") + 1)
    assert follow_up.is_date and follow_up.value.date() == offer.next_follow_up
    project = sheet.cell(row=2, column=1)
    assert project.data_type == "s" and project.value.startswith("=HYPERLINK")


def test_the_organisations_export_re_imports_in_french(coordinator_client, offer):
    exported = coordinator_client.get("/orphans/organisations.csv", headers=FRENCH_EXCEL).data
    assert exported.startswith("\ufeff".encode()) and b";" in exported.splitlines()[0]
    db.session.query(type(offer.organisation)).update({"territory": "ailleurs"})
    db.session.commit()
    assert orphans.import_organisations(exported.decode("utf-8-sig").replace("'@", "@").encode("cp1252")) == 1
    db.session.expire_all()
    organisation = db.session.get(type(offer.organisation), offer.organisation_id)
    assert (organisation.territory, organisation.kind) == ("Saguenay", "education")


def test_the_report_workbook_holds_every_table_for_a_reader(facilitator_client, workshop):
    facilitator_client.get("/")
    response = facilitator_client.get(f"/w/{workshop.id}/export/workshop.xlsx", headers=FRENCH_EXCEL)
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Idées", "Votes", "Six chapeaux", "Projets", "Résultats par groupe", "Adoption",
                               "Cellules"]
    assert [c.value for c in book["Idées"][1]][:3] == ["Idée", "Activité", "Texte"]
    program = facilitator_client.get(f"/w/{workshop.id}/export/workshop.xlsx")  # a script: the three CSVs
    assert load_workbook(io.BytesIO(program.data)).sheetnames == ["ideas", "votes", "hats"]


def test_report_csv_in_french_for_a_french_browser(facilitator_client, workshop):
    from workshop.ideas.models import Idea
    from workshop.participants.models import Participant

    person = Participant(workshop_id=workshop.id, group_id=workshop.groups[0].id)
    db.session.add(person)
    db.session.flush()
    db.session.add(Idea(activity_id=workshop.activities[0].id, participant_id=person.id,
                        text="+33 1 23 45 67 89", original_text="+33 1 23 45 67 89", submission_key="k-000000001"))
    db.session.commit()
    text = facilitator_client.get(f"/w/{workshop.id}/export/ideas.csv", headers=FRENCH_EXCEL).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0]["Texte"] == "'+33 1 23 45 67 89" and rows[0]["Masqué"] == "non"


@pytest.mark.parametrize("language", ["fr-CA,fr;q=0.9", "en-CA,en;q=0.9"])
def test_the_organisations_export_imports_back_whole_in_both_languages(coordinator_client, offer, language):
    organisation = offer.organisation
    organisation.contact_name, organisation.contact_email = "Julie Gagnon", "julie@example.org"
    organisation.name, organisation.sector = "Coop du Fjord", "=1+1"  # neutralised in the export, itself on import
    db.session.commit()
    exported = coordinator_client.get("/orphans/organisations.csv", headers={"Accept-Language": language}).data
    renamed = exported.decode("utf-8-sig").replace("Coop du Fjord", "Transfert Org")
    assert orphans.import_organisations(renamed.encode("utf-8")) == 1
    db.session.expire_all()
    moved = db.session.query(type(organisation)).filter_by(name="Transfert Org").one()
    assert (moved.contact_name, moved.contact_email, moved.sector) == ("Julie Gagnon", "julie@example.org", "=1+1")


def test_times_are_read_on_quebec_s_clock_not_the_server_s(app, coordinator_client, offer):
    """Stored in UTC; shown, exported and counted in America/Toronto: a call logged at
    20:30 in Chicoutimi (01:30 UTC the next day) is dated the day it was made."""
    from zoneinfo import ZoneInfo

    from flask_babel import force_locale

    from workshop import dates
    from workshop.templating import day

    evening = datetime(2026, 12, 4, 1, 30)  # UTC: 3 December, 20:30 in Québec
    assert dates.local(evening) == datetime(2026, 12, 3, 20, 30)
    with app.test_request_context("/"), force_locale("fr"):
        assert day(evening) == "3 déc. 2026"
    assert dates.today() == datetime.now(ZoneInfo("America/Toronto")).date()
    for event in offer.events:  # made now by the fixture: the evening is the last change
        event.at = evening - timedelta(days=2)
    offer.events[-1].at = evening
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(
        coordinator_client.get("/orphans/pipeline.csv", headers=FRENCH_EXCEL).get_data(as_text=True)[1:]),
        delimiter=";"))
    assert rows[0]["Dernier changement"] == "2026-12-03 20:30:00"
    # Summer time too (UTC-4), and another zone when the install says so.
    assert dates.local(datetime(2027, 7, 1, 3, 0)) == datetime(2027, 6, 30, 23, 0)
    app.config["TIMEZONE"] = "America/Vancouver"
    assert dates.local(evening) == evening - timedelta(hours=8)


def test_a_time_zone_the_database_does_not_know_stops_the_start(monkeypatch):
    from workshop.config import _timezone

    monkeypatch.setenv("TIMEZONE", "Chicoutimi/Centre-ville")
    with pytest.raises(SystemExit, match="TIMEZONE"):
        _timezone()
    monkeypatch.setenv("TIMEZONE", "Europe/Paris")
    assert _timezone() == "Europe/Paris"

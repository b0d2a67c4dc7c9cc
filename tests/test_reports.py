"""Session report, exports (CSV, XLSX, JSON), import and the program view."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from babel.dates import format_date

from tests.conftest import join, make_user, open_first_activity, sign_in
from workshop.extensions import db
from workshop.ideas import logic as ideas
from workshop.participants.models import Participant
from workshop.themes.models import Theme
from workshop.voting import logic as voting
from workshop.workshops.logic import close_activity, open_activity

HATS_COLUMNS = ["activity", "subject", "hat", "comment", "hidden", "participant", "group", "created_at"]

IDEAS = [
    "Jumelage étudiant·e–employeur dès la première session",
    "Une foire de l'emploi bilingue à Saguenay",
    "Des stages rémunérés dans les PME de la région",
    "Un guichet unique pour les permis de travail",
    "Du mentorat par des diplômé·e·s internationaux·ales",
    "Des cours de français en milieu de travail",
    "=HYPERLINK(\"http://example.org\",\"click\")",  # a spreadsheet must show it as text
]


def build_session(workshop, texts=IDEAS, people=9, theme_labels=("Emploi", "Accueil"), themed_share=0.8,
                  theme_of=None, first_source="ideas"):
    """A realistic finished session: ideas (one hidden, one edited, one merged), themes
    (some ideas unsorted, or as `theme_of` says: a label index per text, None for
    unsorted), a dots round over the ideas (or the themes), a ranking round over its
    top, priorities retained. Returns the rounds."""
    activity = open_first_activity(workshop)
    group_ids = [g.id for g in workshop.groups]
    crowd = [Participant(workshop_id=workshop.id, nickname=f"Nick{n}", group_id=group_ids[n % len(group_ids)])
             for n in range(people)]
    crowd.append(Participant(workshop_id=workshop.id, nickname=None, group_id=None))  # no group, no nickname
    db.session.add_all(crowd)
    db.session.commit()
    sent = [ideas.submit_idea(crowd[n % len(crowd)], activity, text, f"key-{n:08d}")[0]
            for n, text in enumerate(texts)]
    duplicate = ideas.submit_idea(crowd[1], activity, texts[0] + " !", "key-duplicate")[0]
    ideas.merge(sent[0], [duplicate])
    ideas.edit_text(sent[1], texts[1] + " (édité)")
    ideas.hide(sent[2])
    themes = [Theme(activity_id=activity.id, label=label, position=i) for i, label in enumerate(theme_labels)]
    db.session.add_all(themes)
    db.session.flush()
    themed = int(len(sent) * themed_share)
    for n, idea in enumerate(sent):
        index = (n % len(themes) if n < themed else None) if theme_of is None else theme_of[n]
        idea.theme_id = themes[index].id if index is not None else None
        idea.theme_position = n
    db.session.commit()
    close_activity(workshop, activity)

    first = voting.create_round(workshop, "Premier tri", "dots", voting.candidates(workshop, first_source),
                                dots=3, max_per_item=2)
    open_activity(workshop, first.activity)
    items = [item.project_id for item in first.items]
    for n, person in enumerate(crowd):
        voting.move_dots(first, person, items[n % 3], +1)
        voting.move_dots(first, person, items[(n + 1) % 4], +1)
    close_activity(workshop, first.activity)

    second = voting.create_round(workshop, "Choix final", "ranking", voting.candidates(workshop, "shortlist", first, 3),
                                 top_k=2, previous=first)
    open_activity(workshop, second.activity)
    finalists = [item.project_id for item in second.items]
    for n, person in enumerate(crowd[:6]):
        order = [finalists[n % len(finalists)], finalists[(n + 1) % len(finalists)]]
        voting.save_ballot(second, person, lambda _current, order=order: order)
    close_activity(workshop, second.activity)
    voting.retain(workshop, finalists[:2])
    return first, second


@pytest.fixture
def session(workshop):
    return build_session(workshop)


def routes(workshop_id):
    return [f"/w/{workshop_id}/report", f"/w/{workshop_id}/export/ideas.csv", f"/w/{workshop_id}/export/votes.csv",
            f"/w/{workshop_id}/export/hats.csv", f"/w/{workshop_id}/export/workshop.json",
            f"/w/{workshop_id}/export/workshop.xlsx"]


def read_csv(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


# --------------------------------------------------------------------------- who may see it

def test_anonymous_people_and_phones_are_sent_to_sign_in(app, client, workshop):
    phone = app.test_client()
    join(phone, workshop)
    for url in routes(workshop.id) + ["/program", "/workshops/import"]:
        for visitor in (client, phone):
            response = visitor.get(url)
            assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_another_facilitator_is_refused(app, workshop, session):
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    for url in routes(workshop.id):
        assert other.get(url).status_code == 403, url
    assert other.get("/w/99999/report").status_code == 404


def test_the_program_is_for_coordinators_and_admins(app, facilitator_client, workshop, session):
    assert facilitator_client.get("/program").status_code == 403
    for role in ("coordinator", "admin"):
        make_user(f"{role}@example.org", role=role)
        client = app.test_client()
        sign_in(client, f"{role}@example.org")
        client.post("/lang/en")
        page = client.get("/program")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert workshop.title in html and "<svg" in html
        assert re.search(r"<td>2</td>\s*<td>\d+</td>\s*</tr>", html)  # 2 priorities, then the orphan count


# --------------------------------------------------------------------------- the report page

def test_rounds_that_do_not_narrow_are_not_drawn_as_a_funnel(facilitator_client, workshop):
    """A round on 8 themes, its shortlist of 3, then a round on every idea: "40 → 8 → 3 → 40"
    would read as a funnel that widens. Each step is listed with what it held instead."""
    texts = [f"Idée {n} : un service d'accueil de plus pour les personnes arrivées en {2000 + n}" for n in range(42)]
    labels = ("Emploi", "Accueil", "Logement", "Transport", "Francisation", "Santé", "Démarches", "Intégration")
    build_session(workshop, texts=texts, people=30, theme_labels=labels, themed_share=1.0, first_source="themes")
    facilitator_client.post("/lang/en")
    narrowing = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    assert "Voting funnel" in narrowing and re.search(r"\d+ → 8 → 3 → 2", narrowing)
    every_idea = voting.create_round(workshop, "Toutes les idées", "approval", voting.candidates(workshop, "ideas"),
                                     top_k=5)
    html = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    section = html[html.index('id="funnel"'):html.index('id="rounds"')]
    assert "Votes, step by step" in section and "Voting funnel" not in section and " → " not in section
    assert "Round 1 · Premier tri: 8" in section and "Round 2 · Choix final: 3" in section
    assert f"Round 3 · Toutes les idées: {len(every_idea.items)}" in section and "Priorities: 2" in section



def test_the_report_shows_every_section(facilitator_client, workshop, session):
    facilitator_client.post("/lang/en")
    response = facilitator_client.get(f"/w/{workshop.id}/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in ("Agenda", "Participation by stakeholder group", "Ideas by theme", "Voting funnel",
                    "Voting results", "Six thinking hats comments", "Retained priorities",
                    "Candidate orphan projects"):
        assert heading in html, heading
    assert "No hats comments recorded in this report." in html
    # Visible ideas by theme, unsorted last; the hidden one and the merged duplicate are not shown.
    assert html.index("Emploi") < html.index("Accueil") < html.index("Unsorted ideas")
    assert IDEAS[2] not in html and IDEAS[0] + " !" not in html
    assert "=HYPERLINK(&#34;" in html or "=HYPERLINK(&quot;" in html  # escaped, shown as text
    # The funnel: 6 visible ideas, 6 candidates, 3 finalists, 2 priorities.
    assert "6 → 6 → 3 → 2" in html
    assert html.count("<svg") >= 2 and 'role="img"' in html
    # The content-security policy: no inline script or style.
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    # Pseudonymous: no nickname anywhere in the report.
    assert "Nick1" not in html
    assert "By stakeholder group" in html


def test_the_report_of_an_empty_workshop(facilitator_client, workshop):
    facilitator_client.post("/lang/en")
    html = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    assert "No voting round." in html and "No priority retained yet." in html
    assert "<svg" in html


# --------------------------------------------------------------------------- CSV and XLSX

def test_ideas_csv_has_the_record_without_nicknames(facilitator_client, workshop, session):
    response = facilitator_client.get(f"/w/{workshop.id}/export/ideas.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == ["idea", "activity", "text", "original_text", "theme", "hidden", "merged_into",
                             "participant", "group", "created_at"]
    assert len(rows) == len(IDEAS) + 1  # the merged duplicate stays in the record
    by_text = {r["original_text"]: r for r in rows}
    edited = by_text[IDEAS[1]]
    assert edited["text"] == IDEAS[1] + " (édité)"
    assert by_text[IDEAS[2]]["hidden"] == "yes"
    assert by_text[IDEAS[0] + " !"]["merged_into"] == by_text[IDEAS[0]]["idea"] == "I1"
    assert by_text[IDEAS[0]]["theme"] == "Emploi" and by_text[IDEAS[1]]["theme"] == "Accueil"
    assert by_text[IDEAS[0]]["group"] == "Étudiant·e international·e"
    assert all(re.fullmatch(r"P\d+", r["participant"]) for r in rows)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0]["created_at"])
    # A formula typed as an idea stays text in a spreadsheet.
    assert by_text["'" + IDEAS[6]]["text"].startswith("'=")
    body = response.get_data(as_text=True)
    assert "Nick" not in body

    named = read_csv(facilitator_client.get(f"/w/{workshop.id}/export/ideas.csv?names=1"))
    assert named[0]["nickname"] == "Nick0"


def test_votes_csv_has_one_row_per_ballot_and_item(facilitator_client, workshop, session):
    first, second = session
    rows = read_csv(facilitator_client.get(f"/w/{workshop.id}/export/votes.csv"))
    assert list(rows[0]) == ["round", "round_title", "round_kind", "item", "item_title", "participant", "group",
                             "content"]
    dots = [r for r in rows if r["round"] == "1"]
    assert {r["round_kind"] for r in dots} == {"dots"} and dots[0]["round_title"] == "Premier tri"
    assert sum(int(r["content"]) for r in dots) == 2 * 10  # ten people, two dots each
    ranking = [r for r in rows if r["round"] == "2"]
    assert len(ranking) == 6 * 2 and {r["content"] for r in ranking} == {"1", "2"}
    assert all(re.fullmatch(r"J\d+", r["item"]) and re.fullmatch(r"P\d+", r["participant"]) for r in rows)
    assert any(r["group"] == "" for r in dots)  # the participant without a group


def test_the_workbook_has_one_sheet_per_csv(facilitator_client, workshop, session):
    from openpyxl import load_workbook

    response = facilitator_client.get(f"/w/{workshop.id}/export/workshop.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["ideas", "votes", "hats"]
    csv_ideas = read_csv(facilitator_client.get(f"/w/{workshop.id}/export/ideas.csv"))
    sheet = list(book["ideas"].values)
    assert list(sheet[0]) == list(csv_ideas[0])
    assert len(sheet) == len(csv_ideas) + 1
    texts = [row[2] for row in sheet[1:]]
    assert IDEAS[6] in texts  # kept as text, not turned into a formula
    cell = next(c for c in book["ideas"]["C"] if c.value == IDEAS[6])
    assert cell.data_type == "s"
    assert len(list(book["votes"].values)) == len(read_csv(facilitator_client.get(
        f"/w/{workshop.id}/export/votes.csv"))) + 1
    assert list(book["hats"].values) == [tuple(HATS_COLUMNS)]  # no hats activity: the header only


# --------------------------------------------------------------------------- JSON round trip

def export(client, workshop_id, names=False):
    response = client.get(f"/w/{workshop_id}/export/workshop.json" + ("?names=1" if names else ""))
    assert response.status_code == 200
    return response.get_json(force=True)


def upload(client, document):
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post("/workshops/import", data={"file": (io.BytesIO(raw), "workshop.json")},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("names", [False, True])
def test_json_export_and_import_round_trip(facilitator_client, workshop, session, names):
    from workshop.reports.archive import round_trip_view
    from workshop.workshops.models import Workshop

    first = export(facilitator_client, workshop.id, names)
    assert first["format"] == "atelier-workshop" and first["version"] == 2
    assert len(first["ideas"]) == len(IDEAS) + 1 and len(first["activities"]) == 3
    assert (first["participants"][0]["nickname"] == "Nick0") is names
    response = upload(facilitator_client, first)
    assert response.status_code == 302
    new_id = int(re.search(r"/w/(\d+)/report", response.headers["Location"]).group(1))
    assert new_id != workshop.id
    restored = db.session.get(Workshop, new_id)
    assert restored.owner_id == workshop.owner_id and restored.join_code != workshop.join_code
    second = export(facilitator_client, new_id, names)
    assert second["source"]["workshop_id"] == new_id
    assert round_trip_view(second) == round_trip_view(first)
    # The restored workshop works: same results, same report.
    facilitator_client.post("/lang/en")
    old = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    new = facilitator_client.get(f"/w/{new_id}/report").get_data(as_text=True)
    def article(html):
        return re.sub(r"/(w|cell)/\d+", r"/\1/N", html[html.index("<article"):html.index("</article>")])

    assert article(old) == article(new)


def test_the_importer_owns_the_restored_workshop(app, facilitator_client, workshop, session):
    document = export(facilitator_client, workshop.id)
    other_user = make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    response = upload(other, document)
    assert response.status_code == 302
    new_id = int(re.search(r"/w/(\d+)/report", response.headers["Location"]).group(1))
    assert other.get(f"/w/{new_id}/report").status_code == 200
    assert facilitator_client.get(f"/w/{new_id}/report").status_code == 403
    from workshop.workshops.models import Workshop

    assert db.session.get(Workshop, new_id).owner_id == other_user.id


@pytest.mark.parametrize("damage", ["not json", "wrong format", "bad ref", "overspent ballot", "bad kind"])
def test_a_damaged_file_is_refused_and_nothing_is_stored(facilitator_client, workshop, session, damage):
    from workshop.workshops.models import Workshop

    document = export(facilitator_client, workshop.id)
    if damage == "not json":
        document = b"{not json"
    elif damage == "wrong format":
        document["format"] = "something-else"
    elif damage == "bad ref":
        document["ideas"][0]["participant"] = "P999"
    elif damage == "overspent ballot":
        ballot = document["activities"][1]["round"]["ballots"][0]
        ballot["content"] = {ref: 2 for ref in document["activities"][1]["round"]["items"]}
    elif damage == "bad kind":
        document["activities"][0]["kind"] = "unknown"
    before = db.session.query(Workshop).count()
    response = upload(facilitator_client, document)
    assert response.status_code == 400
    assert db.session.query(Workshop).count() == before


def test_an_import_without_a_file_says_so(facilitator_client):
    facilitator_client.post("/lang/en")
    assert facilitator_client.get("/workshops/import").status_code == 200
    response = facilitator_client.post("/workshops/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a JSON file" in response.get_data(as_text=True)


def test_charts_are_black_and_white_readable():
    from workshop.reports.charts import Bar, bar_chart, funnel_chart
    from workshop.reports.logic import FunnelStep

    svg = str(funnel_chart([FunnelStep("Ideas", 58, "ideas"), FunnelStep("Round 1", 8, "round"),
                            FunnelStep("Priorities", 3, "priorities")], "Funnel"))
    for number in ("58", "8", "3"):
        assert f">{number}</text>" in svg
    assert "url(#funnel-hatch)" in svg and "url(#funnel-dots)" in svg
    assert "style" not in svg
    escaped = str(bar_chart([Bar("<script>x</script>", 1)], "<b>", "x"))
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped
    assert ">0</text>" in str(bar_chart([Bar("none", 0)], "t", "z"))


# --------------------------------------------------------------------------- six hats and orphan adoption

HAT_NOTES = [  # (hat, text, hidden)
    ("white", "Il manque des chiffres sur les stages en PME", False),
    ("white", "Combien d'étudiant·e·s restent après leurs études ?", False),
    ("black", "Le financement risque de manquer", False),
    ("green", "=SUM(A1:A9) à masquer", True),
    ("yellow", "Une région plus attirante", False),
]


def add_hats_comments(workshop, notes=HAT_NOTES):
    """A six-hats activity on two subjects; comments on the first, none on the second."""
    from workshop.hats import logic as hats_logic
    from workshop.hats.models import HatComment

    hats = hats_logic.create(workshop, ["Le jumelage étudiant·e–employeur", "Un sujet sans commentaire"], [],
                             "balanced")
    people = db.session.query(Participant).filter_by(workshop_id=workshop.id).order_by(Participant.id).all()
    if not people:
        people = [Participant(workshop_id=workshop.id, nickname="Nick0", group_id=workshop.groups[0].id)]
        db.session.add_all(people)
        db.session.flush()
    subject = hats.subjects[0]
    for n, (hat, text, hidden) in enumerate(notes):
        db.session.add(HatComment(subject_id=subject.id, participant_id=people[n % len(people)].id, hat=hat,
                                  text=text, submission_key=f"hat-{n:08d}", hidden=hidden))
    db.session.commit()
    return hats


def hats_section(html):
    return html[html.index('id="hats"'):html.index('id="priorities"')]


def test_the_report_shows_hats_comments_under_their_hat(facilitator_client, workshop, session):
    add_hats_comments(workshop)
    facilitator_client.post("/lang/en")
    html = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    section = hats_section(html)
    assert "No hats comments recorded in this report." not in section
    assert "Le jumelage étudiant·e–employeur" in section and "Un sujet sans commentaire" in section
    # Each comment sits under its hat, named and with its symbol (not colour alone).
    blocks = dict(re.findall(r'<div class="report-hat" data-hat="(\w+)">(.*?)</div>', section, re.S))
    assert set(blocks) == {"white", "black", "yellow"}  # green's only comment is hidden
    assert "White hat" in blocks["white"] and "≡" in blocks["white"] and "(2)" in blocks["white"]
    assert "Il manque des chiffres sur les stages en PME" in blocks["white"]
    assert "Le financement risque de manquer" in blocks["black"] and "Black hat" in blocks["black"]
    assert "▲" in blocks["black"]
    # The hidden comment is nowhere in the report; the counts leave it out too.
    assert "à masquer" not in html
    counts = re.search(r'<table class="report-table report-hat-counts">(.*?)</table>', section, re.S).group(1)
    heads = re.findall(r'<th scope="col" data-hat="(\w+)">.*?</th>', counts)
    cells = [int(n) for n in re.findall(r"<td>(\d+)</td>", counts)]
    assert dict(zip(heads, cells)) == {"white": 2, "red": 0, "black": 1, "yellow": 1, "green": 0, "blue": 0}
    assert "Green hat" in counts and "✦" in counts
    assert "4 comments" in section and "No comment on this subject." in section
    assert "Nick0" not in html and "style=" not in html


def test_the_orphan_section_shows_where_adoption_stands(facilitator_client, workshop, session):
    from workshop.orphans import logic as orphans
    from workshop.voting.models import Project

    projects = db.session.query(Project).filter_by(workshop_id=workshop.id).order_by(Project.id).all()
    orphan = next(p for p in projects if p.status == "orphan_candidate")
    priority = next(p for p in projects if p.status == "priority")
    partner = orphans.save_organisation(None, {"name": "Carrefour jeunesse-emploi", "kind": "community",
                                               "territory": "MRC du Fjord-du-Saguenay"})
    college = orphans.save_organisation(None, {"name": "Cégep de Jonquière", "kind": "education"})
    adoption = orphans.offer(orphan, partner, "coord@example.org")
    orphans.move(adoption, "interested", "Appel le 2 décembre", "coord@example.org")
    realised = orphans.offer(priority, college, "coord@example.org")
    orphans.move(realised, "adopted", "", "coord@example.org")
    orphans.move(realised, "realised", "", "coord@example.org")

    facilitator_client.post("/lang/en")
    html = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    section = html[html.index('id="orphans"'):]
    assert "No adoption follow-up recorded yet." not in section
    row = re.search(r"<tr><th scope=\"row\">Carrefour jeunesse-emploi</th>(.*?)</tr>", section, re.S).group(1)
    assert "community organisation" in row and "MRC du Fjord-du-Saguenay" in row and "interested" in row
    # an open adoption: its next follow-up, as the page's language writes a date
    assert format_date(adoption.next_follow_up, "medium", locale="en") in row
    done = re.search(r"<tr><th scope=\"row\">Cégep de Jonquière</th>(.*?)</tr>", section, re.S).group(1)
    assert "realised" in done and "educational institution" in done
    # The orphan candidates come first, then the retained priorities; other projects are not offered yet.
    assert section.index("Carrefour jeunesse-emploi") < section.index("Retained priorities")
    assert section.index("Retained priorities") < section.index("Cégep de Jonquière")
    others = [p for p in projects if p.status == "orphan_candidate" and p.id != orphan.id]
    assert ("Not offered to any organisation yet." in section) is bool(others)


def test_the_orphan_section_without_any_offer(facilitator_client, workshop, session):
    facilitator_client.post("/lang/en")
    html = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    section = html[html.index('id="orphans"'):]
    assert "No adoption follow-up recorded yet." in section
    assert "Not offered to any organisation yet." in section


def test_hats_csv_has_every_comment_without_nicknames(app, facilitator_client, workshop, session):
    add_hats_comments(workshop)
    response = facilitator_client.get(f"/w/{workshop.id}/export/hats.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == HATS_COLUMNS
    assert [(r["hat"], r["comment"].lstrip("'"), r["hidden"] == "yes") for r in rows] == HAT_NOTES
    first = rows[0]
    assert first["subject"] == "Le jumelage étudiant·e–employeur"
    assert first["activity"] == "Le jumelage étudiant·e–employeur"  # the activity's prompt
    assert first["group"] == "Étudiant·e international·e"
    assert re.fullmatch(r"P\d+", first["participant"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", first["created_at"])
    # The hidden comment stays in the record, marked; a formula stays text.
    assert rows[3]["hidden"] == "yes" and rows[3]["comment"].startswith("'=")
    assert "Nick" not in response.get_data(as_text=True)
    # Six hats promise "group only" by default: no nickname even when names are asked...
    named = read_csv(facilitator_client.get(f"/w/{workshop.id}/export/hats.csv?names=1"))
    assert named[0]["nickname"] == "" and named[0]["group"] == "Étudiant·e international·e"
    # ...until the facilitator chooses nicknames for the activity.
    from workshop.hats.models import HatsActivity

    hats_activity = db.session.query(HatsActivity).one().activity
    hats_activity.anonymity = "nickname"
    db.session.commit()
    named = read_csv(facilitator_client.get(f"/w/{workshop.id}/export/hats.csv?names=1"))
    assert named[0]["nickname"] == "Nick0"

    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    assert other.get(f"/w/{workshop.id}/export/hats.csv").status_code == 403
    phone = app.test_client()
    join(phone, workshop, nickname="Curious")
    refused = phone.get(f"/w/{workshop.id}/export/hats.csv")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_the_workbook_has_a_hats_sheet(facilitator_client, workshop, session):
    from openpyxl import load_workbook

    add_hats_comments(workshop)
    book = load_workbook(io.BytesIO(facilitator_client.get(f"/w/{workshop.id}/export/workshop.xlsx").data))
    assert book.sheetnames == ["ideas", "votes", "hats"]
    sheet = list(book["hats"].values)
    csv_rows = read_csv(facilitator_client.get(f"/w/{workshop.id}/export/hats.csv"))
    assert list(sheet[0]) == HATS_COLUMNS and len(sheet) == len(csv_rows) + 1
    assert [row[3] for row in sheet[1:]] == [text for _hat, text, _hidden in HAT_NOTES]
    cell = next(c for c in book["hats"]["D"] if str(c.value).startswith("=SUM"))
    assert cell.data_type == "s"  # text, not a formula
    assert not any("Nick" in str(v) for row in sheet for v in row)


def test_the_program_shows_adoption_figures(app, facilitator, workshop, session):
    from tests.conftest import make_workshop
    from workshop.orphans import logic as orphans
    from workshop.voting.models import Project

    projects = db.session.query(Project).filter_by(workshop_id=workshop.id).order_by(Project.id).all()
    orphan = next(p for p in projects if p.status == "orphan_candidate")
    partners = [orphans.save_organisation(None, {"name": name, "kind": "business"})
                for name in ("Alpha inc.", "Bêta coop", "Gamma")]
    first = orphans.offer(orphan, partners[0], "coord@example.org")
    orphans.offer(orphan, partners[1], "coord@example.org")
    orphans.move(first, "adopted", "", "coord@example.org")  # declines the other offer
    orphans.move(first, "realised", "", "coord@example.org")
    elsewhere = make_workshop(facilitator, title="Second atelier")
    other_project = Project(workshop_id=elsewhere.id, title="Un projet d'un autre atelier", status="orphan_candidate")
    db.session.add(other_project)
    db.session.commit()
    later = orphans.offer(other_project, partners[2], "coord@example.org")
    orphans.move(later, "interested", "", "coord@example.org")

    make_user("coordinator@example.org", role="coordinator")
    client = app.test_client()
    sign_in(client, "coordinator@example.org")
    client.post("/lang/en")
    html = client.get("/program").get_data(as_text=True)
    section = html[html.index('id="adoption-title"'):]
    assert "No adoption follow-up recorded yet." not in section
    figures = dict((label.strip(), int(value)) for value, label in
                   re.findall(r'<span class="figure-value">(\d+)</span>([^<]+)</li>', section))
    # The adopted offer skipped "interested": it counts as interest all the same.
    assert figures["offers"] == 3 and figures["with interest"] == 2
    assert figures["adopted"] == 1 and figures["realised"] == 1
    table = section[section.index("<tbody>"):section.index("</tbody>")]
    assert re.search(re.escape(workshop.title) + r"</th>\s*<td>2</td><td>1</td><td>1</td><td>1</td>", table)
    assert re.search(r"Second atelier</th>\s*<td>1</td><td>1</td><td>0</td><td>0</td>", table)
    assert re.search(r"<td>3</td><td>2</td><td>1</td><td>1</td></tr></tfoot>", section)


# --------------------------------------------------------------------------- JSON v2: hats and cells too

def add_hats_and_cells(workshop):
    """After the session: a six-hats activity on a priority and a typed subject, with hats
    handed out and comments (one hidden); a ranked cell sign-up, assigned, with a contact
    shared by consent and a log entry; a description on a priority."""
    from workshop.cells import logic as cells_logic
    from workshop.hats import logic as hats_logic
    from workshop.hats.models import HatComment
    from workshop.voting.models import Project

    priorities = db.session.query(Project).filter_by(workshop_id=workshop.id, status="priority").all()
    priorities[0].description = "Un jumelage suivi pendant toute la première année."
    priorities[0].needs = "Des employeurs volontaires"
    hats = hats_logic.create(workshop, ["Un sujet tapé"], [priorities[0].id], "balanced")
    hats_logic.hand_out(hats)
    people = db.session.query(Participant).filter_by(workshop_id=workshop.id).order_by(Participant.id).all()
    worn = hats_logic.assignment(hats)
    for n, person in enumerate(people[:4]):
        db.session.add(HatComment(subject_id=hats.current_subject_id, participant_id=person.id, hat=worn[person.id],
                                  text=f"Commentaire {n}", submission_key=f"hat-{n:08d}", hidden=n == 3))
    db.session.commit()
    signup = cells_logic.create(workshop, "ranked", capacity=3)
    open_activity(workshop, signup.activity)
    cell_ids = [c.id for c in signup.cells]
    for n, person in enumerate(people[:5]):
        consent = n == 0
        cells_logic.prefer(signup, person, cell_ids[n % 2:] + cell_ids[:n % 2], consent=consent,
                           name="Ada Lovelace" if consent else "", email="ada@example.org" if consent else "")
    cells_logic.run_assignment(signup)
    cells_logic.add_log(signup.cells[0], "Ada", "Première rencontre le 3 décembre")
    close_activity(workshop, signup.activity)
    return hats, signup


def activity_of(document, kind):
    return next(a for a in document["activities"] if a["kind"] == kind)


@pytest.mark.parametrize("names", [False, True])
def test_json_round_trip_keeps_hats_and_cells(facilitator_client, workshop, session, names):
    from workshop.cells.models import Cell, CellSignup
    from workshop.reports.archive import round_trip_view
    from workshop.workshops.models import Activity

    _hats, signup = add_hats_and_cells(workshop)
    first = export(facilitator_client, workshop.id, names)
    assert first["version"] == 2 and "omitted" not in first
    assert [a["kind"] for a in first["activities"]] == ["ideas", "vote", "vote", "hats", "cells"]
    hats = activity_of(first, "hats")["hats"]
    assert [s["title"] for s in hats["subjects"]][1] == "Un sujet tapé"
    assert hats["subjects"][0]["project"] is not None and hats["current_subject"] == hats["subjects"][0]["ref"]
    assert len(hats["subjects"][0]["hats_worn"]) == len(first["participants"])
    assert [c["hidden"] for c in hats["subjects"][0]["comments"]] == [False, False, False, True]
    cells = activity_of(first, "cells")["cells"]
    assert cells["assigned"] and sum(len(c["members"]) for c in cells["cells"]) == 5
    shared = [m for c in cells["cells"] for m in c["members"] if m["contact_consent"]]
    assert len(shared) == 1 and (shared[0]["contact_email"] == "ada@example.org") is names
    assert (cells["cells"][0]["log"][0]["author"] == "Ada") is names
    assert "Ada" not in json.dumps(first) or names  # no name, no contact without asking
    assert any(p["description"].startswith("Un jumelage") for p in first["projects"])

    response = upload(facilitator_client, first)
    assert response.status_code == 302
    new_id = int(re.search(r"/w/(\d+)/report", response.headers["Location"]).group(1))
    second = export(facilitator_client, new_id, names)
    assert round_trip_view(second) == round_trip_view(first)
    # A copy gets its own private log links: an old link never opens it.
    restored_activity = db.session.query(Activity).filter_by(workshop_id=new_id, kind="cells").one()
    restored = db.session.query(CellSignup).filter_by(activity_id=restored_activity.id).one()
    old_tokens = {c.log_token for c in signup.cells}
    assert old_tokens.isdisjoint(c.log_token for c in db.session.query(Cell).filter_by(signup_id=restored.id))
    # The restored report reads the same, hats comments included.
    facilitator_client.post("/lang/en")

    def article(html):
        return re.sub(r"/(w|cell)/\d+", r"/\1/N", html[html.index("<article"):html.index("</article>")])

    old = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    new = facilitator_client.get(f"/w/{new_id}/report").get_data(as_text=True)
    assert "Commentaire 0" in new and "Commentaire 3" not in new
    assert not re.search(r"</span>\s*cells\s*<span", new)  # the sign-up's internal prompt stays internal
    assert article(old) == article(new)


def test_a_version_1_document_still_imports(facilitator_client, workshop, session):
    document = export(facilitator_client, workshop.id)
    document["version"] = 1
    for project in document["projects"]:
        del project["description"], project["needs"]
    response = upload(facilitator_client, document)
    assert response.status_code == 302


@pytest.mark.parametrize("damage", ["forged hat", "hats on an ideas activity", "cell over capacity",
                                    "member twice", "unknown cell in a ranking"])
def test_damaged_hats_or_cells_are_refused_and_nothing_is_stored(facilitator_client, workshop, session, damage):
    from workshop.workshops.models import Workshop

    add_hats_and_cells(workshop)
    document = export(facilitator_client, workshop.id)
    hats = activity_of(document, "hats")["hats"]
    cells = activity_of(document, "cells")["cells"]
    if damage == "forged hat":
        hats["subjects"][0]["comments"][0]["hat"] = "purple"
    elif damage == "hats on an ideas activity":
        activity_of(document, "ideas")["hats"] = hats
    elif damage == "cell over capacity":
        cells["cells"][0]["capacity"] = 1
        cells["cells"][0]["members"] = cells["cells"][0]["members"] + cells["cells"][1]["members"]
        cells["cells"][1]["members"] = []
    elif damage == "member twice":
        cells["cells"][1]["members"].append(cells["cells"][0]["members"][0])
    elif damage == "unknown cell in a ranking":
        cells["preferences"][0]["ranking"] = ["C99"]
    before = db.session.query(Workshop).count()
    response = upload(facilitator_client, document)
    assert response.status_code == 400
    assert db.session.query(Workshop).count() == before


# --- three questions: the funnel counts what went through ----------------------------

@pytest.fixture
def questions(facilitator):
    from tests.test_voting import three_questions

    return three_questions(facilitator)


def test_the_funnel_counts_only_the_ideas_put_to_a_vote(app, facilitator_client, questions):
    from tests.test_voting import group
    from workshop.reports.logic import funnel, ideas_put_to_vote

    first, second, third = questions.activities[:3]
    themes = group(first, 4, together=[second])  # 40 ideas in 4 themes
    hidden = ideas.wall(third)[0]
    ideas.hide(hidden)
    # Round 1: the shared grouping's themes plus two single ideas of the third question.
    picked = [("theme", t.id) for t in themes] + [("idea", i.id) for i in ideas.wall(third)[:2]]
    first_round = voting.create_round(questions, "Tour 1", "dots", voting.candidates(questions, "picked",
                                                                                  picked=picked))
    voter = Participant(workshop_id=questions.id, nickname="V", group_id=questions.groups[0].id)
    db.session.add(voter)
    db.session.commit()
    open_activity(questions, first_round.activity)
    for item, dots in zip(first_round.items, (2, 2, 1)):
        for _ in range(dots):
            voting.move_dots(first_round, voter, item.project_id, +1)
    close_activity(questions, first_round.activity)
    second_round = voting.create_round(questions, "Tour 2", "ranking", voting.candidates(
        questions, "shortlist", previous=first_round, carry=3), top_k=2, previous=first_round)
    voting.retain(questions, [second_round.items[0].project_id, second_round.items[1].project_id])

    assert len(ideas_put_to_vote(questions)) == 40 + 2
    with app.test_request_context("/"):
        steps = funnel(questions)
    assert [(s.kind, s.count) for s in steps] == [("ideas", 42), ("round", 6), ("round", 3), ("priorities", 2)]
    html = facilitator_client.get(f"/w/{questions.id}/report").get_data(as_text=True)
    assert "42 → 6 → 3 → 2" in html
    # The header counts every visible idea sent; the funnel says how many never went to a vote.
    assert "59 idées" in html or "59 ideas" in html
    assert "17 idées envoyées n'ont jamais été soumises au vote" in html or \
        "17 ideas sent were never put to a vote" in html
    # The shared grouping is one section of the report, under both questions.
    assert html.count('class="report-activity"') == 2


def test_a_funnel_with_no_round_counts_every_visible_idea(app, questions):
    from workshop.reports.logic import funnel

    with app.test_request_context("/"):
        assert [(s.kind, s.count) for s in funnel(questions)] == [("ideas", 60)]


def test_a_grouping_over_two_questions_survives_export_and_import(facilitator_client, questions):
    from tests.test_voting import group
    from workshop.reports.archive import round_trip_view
    from workshop.workshops.models import Workshop

    first, second, _third = questions.activities[:3]
    group(first, 4, together=[second])
    document = export(facilitator_client, questions.id)
    assert document["activities"][1]["grouped_into"] == document["activities"][0]["ref"]
    response = upload(facilitator_client, document)
    assert response.status_code == 302, response.get_data(as_text=True)
    new_id = int(re.search(r"/w/(\d+)/report", response.headers["Location"]).group(1))
    restored = db.session.get(Workshop, new_id)
    assert restored.activities[1].grouped_into_id == restored.activities[0].id
    assert round_trip_view(export(facilitator_client, new_id)) == round_trip_view(document)


# --------------------------------------------------------------------------- every CSV through the one layer

FORMULA_PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"clic\")", "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1",
                    "\r=1+1"]
FRENCH_EXCEL = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}


def spreadsheet_cells(response, separator):
    """What a spreadsheet reads: the byte-order mark first, then rows split on the separator."""
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "accents need the byte-order mark in Excel"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


def assert_no_formula(value, payload):
    assert value == "'" + payload, (value, payload)
    assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_the_six_hats_subject_csv_neutralises_formulas(facilitator_client, workshop, payload):
    hats = add_hats_comments(workshop, notes=[("white", payload, False), ("black", "Un risque réel", True)])
    url = f"/w/{workshop.id}/hats/{hats.id}/subjects/{hats.subjects[0].id}.csv"
    # A French Excel: semicolons, French headers and values.
    lines = spreadsheet_cells(facilitator_client.get(url, headers=FRENCH_EXCEL), ";")
    assert lines[0] == ["Sujet", "Chapeau", "Commentaire", "Groupe de parties prenantes", "Date", "Masqué"]
    assert lines[1][1] == "Chapeau blanc" and lines[1][5] == "non"
    assert_no_formula(lines[1][2], payload)
    assert lines[2][1:3] == ["Chapeau noir", "Un risque réel"] and lines[2][5] == "oui"
    # A script (no locale): codes and commas, the formula still text.
    codes = spreadsheet_cells(facilitator_client.get(url), ",")
    assert codes[0] == ["subject", "hat", "comment", "group", "created_at", "hidden"]
    assert codes[1][1] == "white" and codes[2][5] == "yes"
    assert_no_formula(codes[1][2], payload)
    # The reader's choice: English headers, tab-separated.
    english = spreadsheet_cells(facilitator_client.get(url + "?lang=en&sep=tab", headers=FRENCH_EXCEL), "\t")
    assert english[0][:3] == ["Subject", "Hat", "Comment"] and english[1][1] == "White hat"
    assert_no_formula(english[1][2], payload)


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_the_cell_contacts_csv_neutralises_formulas(facilitator_client, workshop, payload):
    from workshop.cells import logic as cells
    from workshop.cells.models import CellMember
    from workshop.voting.models import Project

    project = Project(workshop_id=workshop.id, title="-Jumelage étudiant·e–employeur", status="priority")
    db.session.add(project)
    db.session.commit()
    cell = cells.create(workshop, "first_come", None).cells[0]
    people = [Participant(workshop_id=workshop.id, nickname=f"N{n}", group_id=workshop.groups[n].id)
              for n in range(2)]
    db.session.add_all(people)
    db.session.flush()
    # Names reach the table typed on a phone, or from an imported workshop: never trusted.
    db.session.add_all([
        CellMember(signup_id=cell.signup_id, cell_id=cell.id, participant_id=people[0].id, contact_consent=True,
                   contact_name=payload, contact_email="@amina@example.org"),
        CellMember(signup_id=cell.signup_id, cell_id=cell.id, participant_id=people[1].id, contact_consent=False)])
    db.session.commit()
    url = f"/w/{workshop.id}/cell/{cell.id}/contacts.csv"
    lines = spreadsheet_cells(facilitator_client.get(url, headers=FRENCH_EXCEL), ";")
    assert lines[0] == ["Cellule", "Personne-ressource", "Courriel de contact", "Groupe de parties prenantes"]
    assert len(lines) == 2  # only the member who consented
    assert_no_formula(lines[1][0], "-Jumelage étudiant·e–employeur")
    assert_no_formula(lines[1][1], payload)
    assert_no_formula(lines[1][2], "@amina@example.org")
    assert lines[1][3] == "Étudiant·e international·e"
    codes = spreadsheet_cells(facilitator_client.get(url + "?sep=comma&lang=codes", headers=FRENCH_EXCEL), ",")
    assert codes[0] == ["cell", "contact_name", "contact_email", "group"]
    assert_no_formula(codes[1][1], payload)


def test_an_archived_workshop_leaves_the_program_totals(app, facilitator, workshop, session):
    from tests.conftest import make_workshop
    from workshop.reports.logic import program
    from workshop.workshops.logic import archive

    test_run = make_workshop(facilitator, title="Essai du projecteur")
    db.session.add_all([Participant(workshop_id=test_run.id, nickname=f"T{n}") for n in range(25)])
    db.session.commit()
    assert [row.workshop.title for row in program()] == [workshop.title, "Essai du projecteur"]
    archive(test_run)
    rows = program()
    assert [row.workshop.title for row in rows] == [workshop.title]
    assert sum(row.participants for row in rows) == 10  # the session's 10, not the test's 25
    coordinator = app.test_client()
    make_user("coordination@example.org", role="coordinator")
    sign_in(coordinator, "coordination@example.org")
    html = coordinator.get("/program").get_data(as_text=True)
    assert "Essai du projecteur" not in html and workshop.title in html
    archive(test_run, archived=False)
    assert len(program()) == 2


def test_the_report_offers_the_separator_and_language_of_its_exports(facilitator_client, workshop, session):
    url = f"/w/{workshop.id}/report"
    html = facilitator_client.get(url, headers=FRENCH_EXCEL).get_data(as_text=True)
    choice = html[html.index('class="export-choice'):html.index("</div>", html.index('class="export-choice'))]
    # A French Excel gets semicolons and French by default: the page says so.
    assert re.search(r'sep=semicolon"\s+aria-current="true"', choice)
    assert re.search(r'lang=fr"\s+aria-current="true"', choice)
    for sep in ("semicolon", "comma", "tab"):
        assert f"sep={sep}" in choice
    # Chosen, the choice travels with every spreadsheet export link.
    chosen = facilitator_client.get(url + "?sep=tab&lang=en", headers=FRENCH_EXCEL).get_data(as_text=True)
    links = re.findall(r'href="([^"]+/export/[^"]+)"', chosen)
    spreadsheets = [link.replace("&amp;", "&") for link in links if ".json" not in link]
    assert len(spreadsheets) == 4 and all("sep=tab" in link and "lang=en" in link for link in spreadsheets)
    assert re.search(r'sep=tab[^"]*"\s+aria-current="true"', chosen)
    ideas_csv = facilitator_client.get(spreadsheets[0], headers=FRENCH_EXCEL).get_data(as_text=True)
    assert ideas_csv.startswith("\ufeffIdea\tActivity\t")  # English headers, tab-separated
    # An unknown value is ignored: the reader's default stays.
    odd = facilitator_client.get(url + "?sep=pipe&lang=de", headers=FRENCH_EXCEL).get_data(as_text=True)
    offered = re.findall(r'href="([^"]+/(?:export/[^"]+|report\?[^"]+))"', odd)
    assert len(offered) == 5 + 6 and not any("pipe" in link or "lang=de" in link for link in offered)
    assert re.search(r'sep=semicolon"\s+aria-current="true"', odd)


def test_the_report_page_reads_everything_before_it_renders(app, facilitator_client, workshop, session, monkeypatch):
    """reports.logic.report reads what the page shows (tallies, the questions a
    grouping spans, the rounds' projects): its template runs no query."""
    from tests.test_stage_views import counted_statements
    from workshop.reports import views

    rendered = []
    render = views.render_template

    def counting(template, **context):
        with counted_statements() as statements:
            html = render(template, **context)
        rendered.append((template, statements))
        return html

    monkeypatch.setattr(views, "render_template", counting)
    db.session.expire_all()
    page = facilitator_client.get(f"/w/{workshop.id}/report")
    assert page.status_code == 200
    assert rendered == [("reports/report.html", [])]

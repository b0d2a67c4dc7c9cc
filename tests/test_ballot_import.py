"""Bringing existing items into a round: a pasted list or a CSV/XLSX file,
with a preview first, as a facilitator would from the control view."""

import io
import re

import pytest

from tests.conftest import join
from workshop.extensions import db
from workshop.voting import items_import
from workshop.voting.models import Project


def test_a_pasted_list_is_one_item_per_line_bullets_and_blanks_aside():
    found = items_import.from_text("- Passe d'autobus\n\n• Jumelage étudiant·e–employeur\n3. Cours de français\n"
                                   "- Passe d'autobus\n")
    assert [item.title for item in found.items] == ["Passe d'autobus", "Jumelage étudiant·e–employeur",
                                                    "3. Cours de français"]
    assert found.duplicates == 1 and not found.header


def test_cells_pasted_from_a_spreadsheet_keep_their_columns_by_header():
    text = "Thème\tTitre\tDescription\nMobilité\tPasse d'autobus\tPour la première session\n" \
           "Emploi\tJumelage\t\nTransport\t\tUne ligne sans titre\n"
    found = items_import.from_text(text)
    assert found.header
    assert found.items == [items_import.ImportedItem("Passe d'autobus", "Mobilité", "Pour la première session"),
                           items_import.ImportedItem("Jumelage", "Emploi", "")]
    assert found.themes == ["Mobilité", "Emploi"] and found.empty_rows == 1


def test_a_csv_saved_by_excel_in_french_is_read():
    data = "Projet;Catégorie;Résumé\r\nRéfection du parc Rivière-du-Moulin;Parcs;Bancs, éclairage\r\n" \
           "Piste cyclable rue Racine;Mobilité active;\"2 km; séparée\"\r\n".encode("cp1252")
    found = items_import.from_upload("projets.csv", data)
    assert [(i.title, i.theme, i.description) for i in found.items] == [
        ("Réfection du parc Rivière-du-Moulin", "Parcs", "Bancs, éclairage"),
        ("Piste cyclable rue Racine", "Mobilité active", "2 km; séparée")]


def test_a_csv_without_header_in_utf8_with_commas():
    data = "\ufeffJumelage,Emploi,Des duos\nLogement,Accueil,\n".encode("utf-8")
    found = items_import.from_upload("x.csv", data)
    assert not found.header and [i.theme for i in found.items] == ["Emploi", "Accueil"]


def workbook(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_first_sheet_is_read_with_numbers_and_blank_rows():
    data = workbook([["Title", "Theme", "Description"], ["Bus pass", "Mobility", 2027], [None, None, None],
                     ["Mentoring", None, "Employers"]])
    found = items_import.from_upload("items.xlsx", data)
    assert [(i.title, i.theme, i.description) for i in found.items] == [("Bus pass", "Mobility", "2027"),
                                                                        ("Mentoring", "", "Employers")]


def test_what_cannot_be_read_is_refused_with_a_reason():
    with pytest.raises(items_import.ImportRefused, match="nothing_given"):
        items_import.read("\n \n")
    with pytest.raises(items_import.ImportRefused, match="no_items"):
        items_import.read("", "empty.csv", b";;\n;;\n")
    with pytest.raises(items_import.ImportRefused, match="unreadable_file"):
        items_import.from_upload("broken.xlsx", b"PK\x03\x04 not a workbook")
    with pytest.raises(items_import.ImportRefused, match="old_excel"):
        items_import.from_upload("old.xls", b"\xd0\xcf\x11\xe0")
    long = items_import.from_text("\n".join(f"Item {n}" for n in range(items_import.MAX_ITEMS + 3)))
    assert len(long.items) == items_import.MAX_ITEMS and long.over_limit == 3


# --- from the control view -----------------------------------------------------------

CSV_199 = ("Titre;Arrondissement;Description\r\n" + "".join(
    f"Projet {n};Secteur {n % 8};Budget de {n} 000 $\r\n" for n in range(199))).encode("cp1252")


def test_a_preview_says_what_would_be_added(facilitator_client, workshop):
    response = facilitator_client.post(f"/w/{workshop.id}/rounds/items-preview", data={
        "source": "list", "items_file": (io.BytesIO(CSV_199), "budget.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "199 éléments seront ajoutés" in page and "dans 8 thèmes" in page
    assert "Projet 11" in page and "Projet 12" not in page  # the first rows, then a count
    assert "… et 187 autres éléments." in page
    assert db.session.query(Project).count() == 0  # a preview adds nothing
    empty = facilitator_client.post(f"/w/{workshop.id}/rounds/items-preview", data={"items_text": "  "})
    assert empty.status_code == 422 and "Collez une liste" in empty.get_data(as_text=True)
    titleless = facilitator_client.post(f"/w/{workshop.id}/rounds/items-preview", data={
        "items_file": (io.BytesIO(b"Titre;Theme\r\n;Parcs\r\n"), "vide.csv")}, content_type="multipart/form-data")
    assert titleless.status_code == 422 and "Aucun élément trouvé" in titleless.get_data(as_text=True)


def test_a_round_over_an_imported_file_then_phones_see_themes_and_descriptions(app, facilitator_client, workshop):
    response = facilitator_client.post(f"/w/{workshop.id}/rounds", data={
        "title": "Budget participatif", "source": "list", "kind": "approval", "top_k": "5",
        "items_file": (io.BytesIO(CSV_199), "budget.csv"), "items_text": "ignored: the file wins"},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    [activity] = [a for a in workshop.activities if a.kind == "vote"]
    round_ = activity.round
    assert len(round_.items) == 199
    assert round_.items[3].project.theme_name == "Secteur 3"
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    phone = app.test_client()
    join(phone, workshop)
    ballot = phone.get(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot").get_data(as_text=True)
    assert ballot.count('class="ballot-group-name"') == 8  # grouped by the file's themes
    # Numbered down the ballot, theme by theme, as a phone reads it (the file mixes its themes).
    assert [int(n) for n in re.findall(r'class="ballot-number">(\d+)\.', ballot)] == list(range(1, 200))
    assert "Budget de 42\u202f000\u00a0$" in ballot and "data-ballot-search" in ballot  # kept on one line


def test_a_pasted_list_becomes_a_round(facilitator_client, workshop):
    response = facilitator_client.post(f"/w/{workshop.id}/rounds", data={
        "source": "list", "kind": "dots", "dots": "3", "max_per_item": "2",
        "items_text": "Passe d'autobus\nJumelage\nCours de français\n"})
    assert response.status_code == 200
    assert sorted(p.title for p in db.session.query(Project)) == ["Cours de français", "Jumelage", "Passe d'autobus"]
    nothing = facilitator_client.post(f"/w/{workshop.id}/rounds", data={"source": "list", "kind": "dots"})
    assert nothing.status_code == 422 and "Collez une liste" in nothing.get_data(as_text=True).replace("&#39;", "'")


def test_only_the_facilitator_may_import(app, workshop):
    from tests.conftest import make_user, sign_in

    other = app.test_client()
    make_user("other@example.org")
    sign_in(other, "other@example.org")
    for client in (app.test_client(), other):
        response = client.post(f"/w/{workshop.id}/rounds/items-preview", data={"items_text": "Un\nDeux"})
        assert response.status_code in (302, 401, 403)
        response = client.post(f"/w/{workshop.id}/rounds", data={"source": "list", "items_text": "Un\nDeux"})
        assert response.status_code in (302, 401, 403)
    assert db.session.query(Project).count() == 0

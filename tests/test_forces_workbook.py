"""The force fields in the workshop's workbook: a "Forces" sheet holding what
forces.csv holds (40 phones, 30 forces, 10 impacts), under the same anonymity;
no sheet for a workshop without a force field."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from tests.test_forces_impacts import session
from workshop.extensions import db

FRENCH_EXCEL = {"Accept-Language": "fr-CA,fr;q=0.9"}


def workbook(client, workshop, query="", headers=None):
    response = client.get(f"/w/{workshop.id}/export/workshop.xlsx{query}", headers=headers or {})
    assert response.status_code == 200
    return response.data


def sheet_rows(data: bytes, title: str) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data))[title].iter_rows(values_only=True)]


def csv_rows(client, workshop, query="") -> list[list[str]]:
    body = client.get(f"/w/{workshop.id}/export/forces.csv{query}").get_data(as_text=True)
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_no_forces_sheet_without_a_force_field(app, facilitator_client, workshop):
    assert load_workbook(io.BytesIO(workbook(facilitator_client, workshop))).sheetnames == ["ideas", "votes", "hats"]


def test_the_forces_sheet_mirrors_forces_csv(app, facilitator_client, workshop):
    field, _phones, forces, _impacts = session(app, facilitator_client, workshop)
    from workshop.forces import logic

    logic.merge(field, forces[0].id, forces[2].id)
    data = workbook(facilitator_client, workshop)
    assert load_workbook(io.BytesIO(data)).sheetnames == ["ideas", "votes", "hats", "forces"]
    rows = sheet_rows(data, "forces")
    expected = csv_rows(facilitator_client, workshop)
    assert rows[0] == expected[0] and len(rows) == len(expected) == 1 + 30 + 10
    # The same cells, typed: numbers as numbers, a formula kept as text.
    as_text = [["" if v is None else str(v) for v in row] for row in rows]
    for got, want in zip(as_text[1:], expected[1:]):
        assert got[:6] == want[:6] and got[9] == want[9].lstrip("'") and got[13:16] == want[13:16]
    assert {row[3] for row in rows[1:]} == {"force", "impact"}
    assert all(isinstance(row[6], int) for row in rows[1:31])  # strength
    merged = next(row for row in rows if row[4] == "F3")
    assert merged[13] == "F1"
    assert any(str(row[9]).startswith("=HYPERLINK") for row in rows)
    with zipfile.ZipFile(io.BytesIO(data)) as book:  # kept text, never a formula
        assert not any("<f>" in book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets"))

    # A reader gets it in their language, beside the report's tables.
    french = workbook(facilitator_client, workshop, headers=FRENCH_EXCEL)
    assert load_workbook(io.BytesIO(french)).sheetnames[-1] == "Forces"
    header = sheet_rows(french, "Forces")[0]
    assert "Côté" in header and "Qui est touché" in header
    assert "facilitante" in [row[5] for row in sheet_rows(french, "Forces")]


def test_the_forces_sheet_names_no_one_under_an_anonymous_force_field(app, facilitator_client, workshop):
    field, _phones, _forces, _impacts = session(app, facilitator_client, workshop)
    field.activity.anonymity = "nickname"
    db.session.commit()
    named = sheet_rows(workbook(facilitator_client, workshop, "?names=1"), "forces")
    assert named[0][-1] == "nickname" and "Surnom20" in [row[-1] for row in named]
    field.activity.anonymity = "anonymous"
    db.session.commit()
    data = workbook(facilitator_client, workshop, "?names=1")
    rows = sheet_rows(data, "forces")
    assert len(rows) == 41 and all(row[14] is None and row[15] is None and row[18] is None for row in rows[1:])
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "Surnom" not in " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))

"""Spreadsheets people upload (round items, organisations, jumelage lists):
read as tables by analysis.csv_files, and refused in the person's words.

Each import's own refusal class takes these messages beside its own
(`messages = {**REFUSALS, **uploads.REFUSALS}`), so a view shows a file's
problem where it shows the import's other refusals."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analysis.csv_files import CSVProblem, Table, read_file
from workshop.refusals import Message, Refused

REFUSALS: dict[str, Message] = {
    "csv_workbook": _l("This is an Excel workbook, not a CSV file: save it as CSV, then try again. "
                       "Nothing was imported."),
    "csv_binary": _l("This file is not text: save the spreadsheet as CSV, then try again. Nothing was imported."),
    "csv_quote": lambda line=0, **_params: _(
        "Line %(line)s: a quote opens a field that does not close. Write a quote inside a field twice "
        "(\"\"), or remove it. Nothing was imported.", line=line),
    "csv_field_too_long": lambda line=0, **_params: _(
        "Line %(line)s: a field is far too long (is a quote left open?). Nothing was imported.", line=line),
}


def table(data: bytes, refused: type[Refused]) -> Table:
    """The file's records, or `refused` with what is wrong in it and on which line."""
    try:
        return read_file(data)
    except CSVProblem as problem:
        raise refused(f"csv_{problem.code}", line=problem.line) from None


def unneutralised(value: str) -> str:
    """A cell as it was before an export neutralised it for spreadsheets
    ("'=1+1" was "=1+1", "'+1 418 555-0100" a phone number): what the app
    exported imports back as it was."""
    return value[1:] if len(value) > 1 and value[0] == "'" and value[1] in "=+-@" else value

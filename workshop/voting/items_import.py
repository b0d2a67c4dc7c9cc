"""Items brought into a round from elsewhere: a list pasted from a text or a
spreadsheet, or a CSV/XLSX file (sticky notes typed up, projects from an
earlier workshop). One item per line or row; optional theme and description
columns, found by their header (French or English) or by position.

Plain functions over text and bytes: the views read the request, these say
what would be imported (the preview) and what was left out, and why."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field

from workshop import uploads
from workshop.refusals import Refused
from workshop.security import clean_field, is_blank
from workshop.voting.messages import IMPORT_REFUSALS

MAX_ITEMS = 500
MAX_TITLE = 300
MAX_THEME = 120
MAX_DESCRIPTION = 2000
MAX_FILE_BYTES = 5 * 1024 * 1024

# Header words, accents and case set aside: what a spreadsheet calls each column.
HEADERS = {
    "title": {"title", "titre", "item", "element", "idee", "idea", "projet", "project", "nom", "name", "text",
              "texte", "intitule", "proposition", "proposal"},
    "theme": {"theme", "themes", "category", "categorie", "categories", "topic", "sujet", "groupe", "group",
              "arrondissement", "district", "secteur", "axe", "volet", "source"},
    "description": {"description", "details", "detail", "resume", "summary", "precisions", "commentaire",
                    "comment", "note", "notes"},
}


class ImportRefused(Refused):
    """Nothing to import; `code` says why (workshop/voting/messages.py, workshop/uploads.py)."""

    messages = {**IMPORT_REFUSALS, **uploads.REFUSALS}


@dataclass(frozen=True)
class ImportedItem:
    title: str
    theme: str = ""
    description: str = ""


@dataclass
class ItemList:
    """What an import would bring in, and what it leaves out."""

    items: list[ImportedItem] = field(default_factory=list)
    empty_rows: int = 0  # rows without a title
    duplicates: int = 0  # the same title, theme and description again
    over_limit: int = 0  # rows beyond MAX_ITEMS
    shortened: int = 0  # a field cut to its maximum length
    header: bool = False  # the first row named the columns

    @property
    def themes(self) -> list[str]:
        return list(dict.fromkeys(item.theme for item in self.items if item.theme))


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _columns(first_row: list[str]) -> dict[str, int] | None:
    """The column of each field when the first row is a header, else None."""
    found = {}
    for index, cell in enumerate(first_row):
        name = _plain(cell)
        for field_name, words in HEADERS.items():
            if name in words and field_name not in found:
                found[field_name] = index
    return found if "title" in found else None


def _clean(value, limit: int) -> tuple[str, bool]:
    text = " ".join(clean_field(str(value if value is not None else "")).split())
    if is_blank(text):  # zero-width or filler characters only: an empty cell
        return "", False
    return (text[:limit].rstrip(), True) if len(text) > limit else (text, False)


def from_rows(rows: list[list]) -> ItemList:
    """Items from rows of cells: a header row names the columns; without one,
    the first column is the title, the second the theme, the third the description."""
    result = ItemList()
    rows = [list(row) for row in rows]
    while rows and not any(str(c or "").strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        return result
    columns = _columns([str(c or "") for c in rows[0]])
    if columns:
        result.header = True
        rows = rows[1:]
    else:
        columns = {"title": 0, "theme": 1, "description": 2}
    seen = set()
    for row in rows:
        def cell(name, limit, row=row):
            index = columns.get(name)
            return _clean(row[index] if index is not None and index < len(row) else "", limit)

        (title, cut_title), (theme, cut_theme), (description, cut_description) = (
            cell("title", MAX_TITLE), cell("theme", MAX_THEME), cell("description", MAX_DESCRIPTION))
        if not title:
            if any(str(c or "").strip() for c in row):
                result.empty_rows += 1
            continue
        item = ImportedItem(title, theme, description)
        if item in seen:
            result.duplicates += 1
            continue
        if len(result.items) >= MAX_ITEMS:
            result.over_limit += 1
            continue
        seen.add(item)
        result.shortened += cut_title or cut_theme or cut_description
        result.items.append(item)
    return result


def from_text(text: str) -> ItemList:
    """A pasted list: one item per line; cells copied from a spreadsheet come
    separated by tabs (title, theme, description, or as the header names them)."""
    lines = [line for line in (text or "").splitlines()]
    if any("\t" in line for line in lines):
        return from_rows([line.split("\t") for line in lines])
    # Plain lines are titles only: a bullet or a number in front is not part of it.
    return from_rows([[line.strip().lstrip("-•*·").strip()] for line in lines])


def from_csv(data: bytes) -> ItemList:
    """A CSV file as Excel writes it in French (semicolons, Windows-1252, "sep=;"),
    as "Unicode text" (UTF-16, tabs) or anywhere else (commas or tabs, UTF-8 with
    or without a byte-order mark). The header row alone says the separator: a
    list of one title a line keeps the commas inside its titles."""
    return from_rows(uploads.table(data, ImportRefused).rows)


def from_xlsx(data: bytes) -> ItemList:
    """The first sheet of a workbook."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any broken or foreign file reads as "not a workbook"
        raise ImportRefused("unreadable_file") from None
    try:
        sheet = book.worksheets[0]
        rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return from_rows(rows)


def from_upload(filename: str, data: bytes) -> ItemList:
    """A file by its kind: .xlsx, or text (.csv, .txt, .tsv)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused("file_too_large")
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return from_xlsx(data)
    if name.endswith(".xls"):
        raise ImportRefused("old_excel")
    return from_csv(data)


def read(text: str, filename: str = "", data: bytes = b"") -> ItemList:
    """What the form brings: a file when one is chosen, else the pasted text."""
    if not data and not (text or "").strip():
        raise ImportRefused("nothing_given")
    found = from_upload(filename, data) if data else from_text(text)
    if not found.items:
        raise ImportRefused("no_items")
    return found

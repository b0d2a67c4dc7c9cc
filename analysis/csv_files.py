"""CSV files as people's spreadsheets write them, read one way everywhere.

Excel in French saves Windows-1252 with semicolons (sometimes with a first
line "sep=;"), "Unicode text" is UTF-16 with tabs, other tools write UTF-8
with or without a byte-order mark, and a list typed by hand has one column
and commas inside its titles. Every import of the app (round items,
organisations, jumelage sign-ups) and `workshop cluster` read files here, so
that none of them cuts a title at a comma, merges rows after a stray quote
or fails on a workbook renamed .csv.

Pure Python: a problem is a `CSVProblem` with a code and a line; the app says
it in the person's language, the command line in English.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t")
ONE_COLUMN = "\x1f"  # the unit separator: no spreadsheet writes it, so a line is one field
_SEP_LINE = re.compile(r"sep=(.)[ \t]*\r?\n", re.IGNORECASE)

PROBLEMS = {
    "workbook": "this is an Excel workbook, not a CSV file: save it as CSV (or import the .xlsx itself where offered)",
    "binary": "this is not a text file: save the spreadsheet as CSV",
    "quote": "a quote opens a field that does not close where it should; a field that holds a quote "
             'must be quoted and its quotes doubled (""like this"")',
    "field_too_long": "a field is longer than 131,072 characters (is a quote left open above it?)",
}


class CSVProblem(ValueError):
    """The file cannot be read as a table: `code` (PROBLEMS) and the file's `line` (0: the whole file)."""

    def __init__(self, code: str, line: int = 0, unclosed: bool = False):
        self.code, self.line, self.unclosed = code, line, unclosed
        where = f"line {line}: " if line else ""
        super().__init__(where + PROBLEMS[code])


@dataclass
class Table:
    rows: list[list[str]]  # every record, the header first, blank ones included
    lines: list[int]  # the file line each record starts on
    delimiter: str  # ONE_COLUMN when the header holds no separator
    line_end: str  # "\r\n" or "\n", as the file has it
    encoding: str  # what the bytes were read as ("utf-8", "cp1252", "utf-16"...)
    bom: bool = False  # the text began with a byte-order mark


def decode(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, had a byte-order mark). UTF-16 (with its mark, or
    without it when every other byte is zero), UTF-8, else Windows-1252, what
    a French Excel saves. A workbook or a binary file is refused."""
    if data.startswith(b"PK\x03\x04"):
        raise CSVProblem("workbook")
    for mark, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(mark):
            return _text(data[len(mark):], encoding), encoding, True
    head = data[:2000]
    if len(head) >= 4 and head[1::2].count(0) > 0.9 * len(head[1::2]):
        return _text(data, "utf-16-le"), "utf-16-le", False
    if len(head) >= 4 and head[0::2].count(0) > 0.9 * len(head[0::2]):
        return _text(data, "utf-16-be"), "utf-16-be", False
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:2000]
    unreadable = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\r\n"))
    if unreadable > 0.1 * len(sample):  # a stray NUL is not a binary file; a tenth of them is
        raise CSVProblem("binary")
    return text, encoding, False


def _text(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise CSVProblem("binary") from None


def _counts(line: str) -> Counter[str]:
    """Each separator's count outside quotes on one line."""
    counts: Counter[str] = Counter()
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in DELIMITERS:
            counts[ch] += 1
    return counts


def header_delimiter(text: str) -> str:
    """The separator of the header row (the first line with something on it): the most
    frequent of comma, semicolon and tab outside quotes; ONE_COLUMN when there is none.
    The header decides, not a sample of rows: a comma inside a title further down never
    splits it. On a tie ("Titre;Description, courte"), the separator the next lines
    use as often wins, then the semicolon of a French Excel."""
    lines = [line for line in text.splitlines() if line.strip()][:6]
    if not lines:
        return ONE_COLUMN
    header = _counts(lines[0])
    if not header:
        return ONE_COLUMN
    top = max(header.values())
    tied = [d for d in DELIMITERS if header[d] == top]
    if len(tied) > 1:
        steady = [d for d in tied if all(_counts(line)[d] == top for line in lines[1:])]
        tied = steady or tied
    return ";" if ";" in tied else tied[0]


def read_table(text: str, encoding: str = "utf-8", bom: bool = False) -> Table:
    """Every record of a CSV text, with the line each starts on. Raises CSVProblem.

    A quote left open to the end of the file is refused at the line it opens (read on,
    it would swallow every row after it into one); a quoted word at the start of a
    field ("Vélo-boulot" pour tous) is read as written, quotes aside, as spreadsheets do."""
    if text.startswith("\ufeff"):
        text, bom = text[1:], True
    text = text.replace("\x00", "")
    first_end = min((i for i in (text.find("\r\n"), text.find("\n")) if i >= 0), default=-1)
    line_end = "\r\n" if first_end >= 0 and text[first_end] == "\r" else "\n"
    skipped = 0
    sep = _SEP_LINE.match(text)
    if sep:  # Excel's own hint, on a line of its own
        delimiter, text, skipped = sep.group(1), text[sep.end():], 1
    else:
        delimiter = header_delimiter(text)
    try:
        rows, lines = _records(text, delimiter, skipped, strict=True)
    except CSVProblem as problem:
        if problem.code != "quote" or problem.unclosed:
            raise
        rows, lines = _records(text, delimiter, skipped, strict=False)
    while rows and not any(cell.strip() for cell in rows[0]):  # blank lines above the header
        rows, lines = rows[1:], lines[1:]
    return Table(rows, lines, delimiter, line_end, encoding, bom)


def _records(text: str, delimiter: str, skipped: int, strict: bool) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    rows, lines = [], []
    start = 1
    try:
        for record in reader:
            rows.append(record)
            lines.append(start + skipped)
            start = reader.line_num + 1
    except csv.Error as error:  # said at the line the broken record starts on, where the quote opened
        code = "field_too_long" if "field limit" in str(error) else "quote"
        raise CSVProblem(code, start + skipped, unclosed="end of data" in str(error)) from None
    if not strict:  # a file with a stray quote: no field may have swallowed whole rows
        for row, line in zip(rows, lines):
            if any("\n" in field and delimiter in field for field in row):
                raise CSVProblem("quote", line, unclosed=True)
    return rows, lines


def read_file(data: bytes) -> Table:
    text, encoding, bom = decode(data)
    return read_table(text, encoding, bom)


def first_of_each(fields: list[str | None]) -> list[str | None]:
    """Each field kept for its first column only: two columns that mean the same
    ("Organisation" and "Nom") never overwrite each other, the first one counts."""
    seen: set[str] = set()
    kept: list[str | None] = []
    for name in fields:
        kept.append(None if name is None or name in seen else name)
        if name is not None:
            seen.add(name)
    return kept

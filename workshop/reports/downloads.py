"""Files handed to a reader: the layout their spreadsheet expects, and the
download response every export shares (never cached: exports hold people's words)."""

from __future__ import annotations

from flask import Response, request

from workshop.reports import logic


def reader_layout() -> logic.Layout:
    """The layout this reader's spreadsheet expects (see logic.export_layout)."""
    from flask_babel import get_locale

    return logic.export_layout(request.args, request.headers.get("Accept-Language", ""), str(get_locale()))


def export_choice() -> dict[str, str]:
    """The separator and language a reader chose on the report (?sep=, ?lang=),
    carried by every export link of the page."""
    allowed = {"sep": logic.SEPARATORS, "lang": ("fr", "en", "codes")}
    return {key: request.args[key] for key, values in allowed.items() if request.args.get(key) in values}


def csv_download(header, rows, filename: str) -> Response:
    return download(logic.to_csv(header, rows, reader_layout()), "text/csv", filename)


def table_download(table: tuple[list[str], list[list]], name: str, sheet: str) -> Response:
    """A table as CSV, or XLSX (?format=xlsx), in the reader's layout (their
    separator, headers and values in their language; ?lang=codes for a program)."""
    header, rows = table
    if request.args.get("format") == "xlsx":
        return download(logic.write_xlsx([(sheet, header, rows)], reader_layout()),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{name}.xlsx")
    return download(logic.to_csv(header, rows, reader_layout()), "text/csv", f"{name}.csv")  # charset: text/


def download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response

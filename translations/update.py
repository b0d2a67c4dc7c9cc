"""Merge translations/messages.pot into the French and English catalogues.

`pybabel update` writes source locations and wraps at 76 columns, which makes
every catalogue diff touch hundreds of lines; this keeps the catalogues as
they are kept in git: no locations, 100 columns, no fuzzy matching. New
strings come in empty, and tests/test_i18n.py fails until they are filled."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent


def main() -> None:
    with (HERE / "messages.pot").open("rb") as f:
        template = read_po(f)
    for po_path in sorted(HERE.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as f:
            catalogue = read_po(f, locale=po_path.parent.parent.name)
        catalogue.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as f:
            write_po(f, catalogue, width=100, no_location=True, omit_header=False, ignore_obsolete=True)
        print(f"updated {po_path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()

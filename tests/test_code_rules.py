"""Rules of the code's shape that a reader relies on, checked on the tree."""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
VIEW_IMPORT = re.compile(r"from workshop\.\w+\.views import|from workshop\.\w+ import views")


def test_no_view_imports_another_view():
    """Guards live in workshop/guards.py, downloads in workshop/reports/downloads.py:
    a view module never reaches into another one. Only the app factory and each
    kind's registration (which names its blueprint) import views."""
    allowed = {"workshop/__init__.py"} | {str(p.relative_to(ROOT)) for p in (ROOT / "workshop").glob("*/kind.py")}
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in (ROOT / "workshop").rglob("*.py") if str(path.relative_to(ROOT)) not in allowed
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if VIEW_IMPORT.search(line)]
    assert found == []

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


# Modules that reach the activity kinds only through the registry (workshop/kinds.py).
ASK_THE_REGISTRY = ("workshop/privacy.py",)
WORKSHOP_IMPORT = re.compile(r"^\s*(?:from|import)\s+workshop\.(\w+)")


def test_privacy_asks_the_kinds_and_imports_none_of_them():
    """Law 25 requests reach every kind's data through its registered hooks
    (texts, personal_data, held, participants_data, contacts, forget): a new
    kind's free texts are searched and erased without privacy.py knowing it."""
    from workshop import kinds

    packages = {module.split(".")[1] for module in kinds.INSTALLED}
    assert {"ideas", "voting", "hats", "cells", "forces", "brainwriting"} <= packages
    found = [f"{path}:{number}: {line.strip()}"
             for path in ASK_THE_REGISTRY
             for number, line in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), start=1)
             if (match := WORKSHOP_IMPORT.match(line)) and match.group(1) in packages]
    assert found == []

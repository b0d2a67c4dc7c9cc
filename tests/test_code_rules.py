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


def _takes_a_code(refusal: type) -> bool:
    """Whether the refusal's first argument is its code (the archive's import
    problem takes the place in the document, and has one code of its own)."""
    import inspect

    return next(iter(list(inspect.signature(refusal.__init__).parameters)[1:]), None) == "code"


def _raised_refusals():
    """(file:line, refusal class, code) for every `raise X("code", ...)` in
    workshop/ whose X is a refusal (workshop/refusals.py); X is looked up in
    its module's names, or by class name when the module imports it locally."""
    import ast
    import importlib

    from workshop.refusals import Refused

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    by_name: dict[str, list[type]] = {}
    for sub in subclasses(Refused):
        by_name.setdefault(sub.__name__, []).append(sub)
    for path in sorted((ROOT / "workshop").rglob("*.py")):
        relative = path.relative_to(ROOT)
        raises = [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args
                  and isinstance(node.exc.args[0], ast.Constant) and isinstance(node.exc.args[0].value, str)]
        if not raises or str(relative) == "workshop/serve.py":  # serve.py patches the process for gevent
            continue
        module = importlib.import_module(".".join(relative.with_suffix("").parts).removesuffix(".__init__"))
        for node in raises:
            chain = ast.unparse(node.exc.func).split(".")
            found = getattr(module, chain[0], None)
            for part in chain[1:]:
                found = getattr(found, part, None)
            if found is None and len(by_name.get(chain[-1], [])) == 1:
                found = by_name[chain[-1]][0]
            if isinstance(found, type) and issubclass(found, Refused) and _takes_a_code(found):
                yield f"{relative}:{node.lineno}", found, node.exc.args[0].value


def test_every_refusal_raised_has_its_message():
    """A refusal's code picks its message in its feature's table: a code with
    no message would tell the person only "This could not be done"."""
    from workshop import create_app

    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})  # every feature imported
    raised = list(_raised_refusals())
    assert len({cls for _where, cls, _code in raised}) >= 1
    missing = [f"{where}: {cls.__name__}({code!r})" for where, cls, code in raised if code not in cls.messages]
    assert missing == []


def test_one_refusal_type():
    """A feature refuses with its subclass of workshop.refusals.Refused (a code
    and its message table), never an exception type of its own making."""
    own = re.compile(r"^class \w+\((?:ValueError|Exception|RuntimeError|LookupError|KeyError)\):")
    found = [f"{path.relative_to(ROOT)}:{number}: {line}"
             for path in (ROOT / "workshop").rglob("*.py") if path.name != "refusals.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if own.match(line)]
    assert found == []

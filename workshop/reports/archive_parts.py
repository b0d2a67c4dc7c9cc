"""Checks that the kinds' parts of the workshop archive share when they restore
a row (workshop/*/archive.py), beside the ones of workshop/reports/archive.py."""

from __future__ import annotations

from collections.abc import Collection

from workshop.reports.archive import ImportProblem, _ref, _text


def one_of(value, choices: Collection[str], where: str) -> str:
    """A value the app only ever stores from a fixed list (a side, a mode, a kind)."""
    if value not in choices:
        raise ImportProblem(where)
    return value


def sender(importer, item: dict, keys: set[tuple[int, str]], where: str):
    """Who sent a row and under which submission key: a phone's key once per
    participant, as the unique constraint on the table has it. `keys` collects
    the pairs of the rows already read; returns (participant, key)."""
    person = _ref(importer.people, item["participant"], f"{where}.participant")
    key = _text(item["submission_key"], 64, f"{where}.submission_key")
    if (person.id, key) in keys:
        raise ImportProblem(f"{where}.submission_key")
    keys.add((person.id, key))
    return person, key

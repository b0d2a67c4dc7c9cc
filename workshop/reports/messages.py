"""What a person is told when a workshop's JSON document cannot be restored
(workshop.reports.archive.ImportProblem).

An import problem's code is the place in the document that is wrong
("ideas.ref", "hats.mode", "too_large"): each kind's archive.py names its
own places, some built as it reads (`where`). Every place has the same
message, which names it; the table answers for any place."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask_babel import gettext as _

from workshop.refusals import Message


def cannot_restore(where: str) -> str:
    return _("This file cannot be restored (%(detail)s): nothing was imported.", detail=where)


class EveryPlace(Mapping[str, Message]):
    """A message table with one message for every place: `"ideas.ref" in
    table` is true, and `table["ideas.ref"]` is `cannot_restore`. It lists
    no place (iterating it gives none): the places are the archives' own."""

    def __getitem__(self, where: str) -> Message:
        if not isinstance(where, str):
            raise KeyError(where)
        return cannot_restore

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


IMPORT_PROBLEMS = EveryPlace()

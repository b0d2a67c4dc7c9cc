"""What a person is told when a workshop's JSON document cannot be restored
(workshop.reports.archive.ImportProblem): one message, which names the place
in the document that is wrong ("ideas.ref", "hats.mode"), as each kind's
archive.py names it."""

from __future__ import annotations

from flask_babel import gettext as _

from workshop.refusals import Message


def cannot_restore(where: str) -> str:
    """A whole-file problem in words; a place inside the document named as it is
    (the person passes it on to whoever edited or made the file)."""
    whole_file = {
        "too_large": _("This file is too large to be a workshop's export: nothing was imported."),
        "not_json": _("This is not a workshop's export (the JSON file its report page downloads): "
                      "nothing was imported."),
        "too_deep": _("This is not a workshop's export (the JSON file its report page downloads): "
                      "nothing was imported."),
        "format": _("This JSON file is not a workshop's export: nothing was imported."),
        "version": _("This export comes from a newer version of the app: update this server, then try again. "
                     "Nothing was imported."),
        "malformed": _("This export is incomplete or was edited by hand: a part it needs is missing or wrong. "
                       "Nothing was imported."),
        "duplicate": _("This export holds the same thing twice (was it edited by hand?): nothing was imported."),
    }
    return whole_file.get(where) or _("This file cannot be restored (%(detail)s): nothing was imported.",
                                      detail=where)


IMPORT_PROBLEMS: dict[str, Message] = {
    "cannot_restore": cannot_restore,
}

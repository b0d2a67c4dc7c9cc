"""What a person is told when a workshop's JSON document cannot be restored
(workshop.reports.archive.ImportProblem): one message, which names the place
in the document that is wrong ("ideas.ref", "hats.mode"), as each kind's
archive.py names it."""

from __future__ import annotations

from flask_babel import gettext as _

from workshop.refusals import Message

IMPORT_PROBLEMS: dict[str, Message] = {
    "cannot_restore": lambda where: _("This file cannot be restored (%(detail)s): nothing was imported.",
                                      detail=where),
}

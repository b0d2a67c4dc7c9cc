"""The adoption pipeline's rules, plain and testable:
proposed → interested → adopted → in_progress → realised, or declined /
abandoned as ends. Moving forward is free; going back, or reopening an
end, needs a note that says why."""

from __future__ import annotations

from datetime import datetime

from workshop.orphans.messages import REFUSALS
from workshop.refusals import Refused

STAGES = ("proposed", "interested", "adopted", "in_progress", "realised", "declined", "abandoned")
FORWARD = ("proposed", "interested", "adopted", "in_progress", "realised")
ENDS = ("realised", "declined", "abandoned")
OPEN = ("proposed", "interested", "adopted", "in_progress")


def stage_words() -> dict[str, str]:
    """Each stage in the reader's words (the pages' templates/orphans/_labels.html says the same)."""
    from flask_babel import gettext as _

    return {"proposed": _("proposed"), "interested": _("interested"), "adopted": _("adopted"),
            "in_progress": _("in progress"), "realised": _("realised"), "declined": _("declined"),
            "abandoned": _("abandoned")}


class StageRefused(Refused):
    """A move the pipeline does not allow; `code` says why (workshop/orphans/messages.py)."""

    messages = REFUSALS


def check_move(current: str, target: str, note: str) -> None:
    """Raise StageRefused when moving an adoption from current to target is not allowed."""
    if target not in STAGES:
        raise StageRefused("unknown_stage")
    if target == current:
        raise StageRefused("same_stage")
    needs_note = (
        current in ENDS  # reopening something closed
        or (target in FORWARD and current in FORWARD and FORWARD.index(target) < FORWARD.index(current))
    )
    if needs_note and not note.strip():
        raise StageRefused("note_required")


def is_open(stage: str) -> bool:
    return stage in OPEN


def reached(stages_to) -> set[str]:
    """The forward stages an adoption went through, counting the ones it skipped:
    an offer moved straight from proposed to adopted was, in effect, of interest."""
    seen = set(stages_to)
    furthest = max((FORWARD.index(s) for s in seen if s in FORWARD), default=-1)
    return seen | set(FORWARD[:furthest + 1])


def adopted_at(events) -> datetime | None:
    """When the adoption first reached adopted or beyond (events oldest first)."""
    return next((e.at for e in events if e.stage_to in FORWARD[FORWARD.index("adopted"):]), None)


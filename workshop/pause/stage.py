"""A break's stage, as its templates read it: its message, nothing else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workshop.pause import logic
from workshop.pause.logic import message_of

if TYPE_CHECKING:
    from workshop.workshops.models import Activity

# A time written the French way ("10 h 30", "13 h"): one word on screen, never
# "10 h" on a line and "30" on the next.
TIME = re.compile(r"\b\d{1,2} ?h(?: ?\d{2})?\b")


@dataclass(frozen=True)
class PauseStage:
    """What every screen shows of a break: the facilitator's message ("" for a
    plain break, which the templates call "Break" in the room's language)."""

    message: str

    @property
    def shown(self) -> str:
        """The message as the screens show it, its times kept whole."""
        return TIME.sub(lambda time: time[0].replace(" ", "\u00a0"), self.message)


def view(activity: Activity, _audience: str) -> PauseStage:
    return PauseStage(message=message_of(activity))


@dataclass(frozen=True)
class PauseForm:
    """What the add form needs: the longest message logic.create takes, for
    the field's maxlength and its hint."""

    max_length: int


def add_form(_workshop) -> PauseForm:
    return PauseForm(max_length=logic.MAX_MESSAGE_LENGTH)

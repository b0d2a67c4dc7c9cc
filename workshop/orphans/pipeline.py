"""The adoption pipeline's rules, plain and testable:
proposed → interested → adopted → in_progress → realised, or declined /
abandoned as ends. Moving forward is free; going back, or reopening an
end, needs a note that says why."""

from __future__ import annotations

STAGES = ("proposed", "interested", "adopted", "in_progress", "realised", "declined", "abandoned")
FORWARD = ("proposed", "interested", "adopted", "in_progress", "realised")
ENDS = ("realised", "declined", "abandoned")
OPEN = ("proposed", "interested", "adopted", "in_progress")


class StageRefused(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


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

"""What the facilitator is told when a grouping command is refused, by the
refusal's code (workshop.themes.logic.ThemeRejected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    "already_grouping": _l("The ideas are being grouped already: wait for the result."),
    "no_ideas": _l("There are no visible ideas to group yet."),
    "bad_k": _l("Choose a number of themes from 1 to 30, or leave it empty for automatic."),
    "too_many_seeds": _l("Type 12 theme names at most."),
    "unknown_theme": _l("This theme no longer exists."),
    "empty_label": _l("A theme needs a name."),
    "long_label": _l("A theme name has 80 characters at most."),
    "bad_merge": _l("Choose another theme to merge with."),
    "nothing_selected": _l("Tick the ideas that should form the new theme first."),
    "unknown_activity": _l("Choose questions of this workshop to group together."),
}

"""The six hats as people see them: name, symbol, frame and colours.

Colour never tells hats apart on its own: each has a name and a symbol too.
The colours live in workshop/hats/style.css (.hat-white …), chosen for WCAG AA
contrast (4.5:1); tests/test_hats.py reads them there and checks the ratios.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from analysis.hat_assignment import DEFAULT_SEQUENCE, HATS, Hat  # noqa: F401


@dataclass(frozen=True)
class HatLook:
    id: str
    name: object  # lazy string: rendered in the reader's language
    frame: object
    symbol: str
    keyword: object = ""  # the frame in a word or two: under the name on the projector's column


LOOKS = {
    "white": HatLook("white", _l("White hat"), _l("Facts, data: what we know and what is missing."), "≡", _l("Facts")),
    "red": HatLook("red", _l("Red hat"), _l("Feelings, intuitions, gut reactions."), "♥", _l("Feelings")),
    "black": HatLook("black", _l("Black hat"), _l("Caution, risks: why it could fail."), "▲", _l("Risks")),
    "yellow": HatLook("yellow", _l("Yellow hat"), _l("Benefits, optimism, value."), "☀", _l("Benefits")),
    "green": HatLook("green", _l("Green hat"), _l("Creativity, alternatives, new ideas."), "✦", _l("New ideas")),
    "blue": HatLook("blue", _l("Blue hat"), _l("Process, overview, next steps."), "◎", _l("Process")),
}


def look(hat: str) -> HatLook:
    return LOOKS[hat]

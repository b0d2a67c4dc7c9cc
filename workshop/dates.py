"""Dates as people type them in Québec, for the coordinator's follow-ups
(orphan projects, jumelage matches)."""

from __future__ import annotations

import re
from datetime import date

from workshop.refusals import Refused

QUEBEC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # 15/03/2027: day first, as written in Québec
FIRST_YEAR, LAST_YEAR = 2000, 2199  # follow-ups, meetings and programmes fall within these
ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")  # 2027-03-15, the form's date field


def typed_date(raw: str | None, unreadable: Refused) -> date | None:
    """2027-03-15 or 15/03/2027; None when left empty; anything else raises
    `unreadable` (the caller's refusal, in its feature's words), never a
    date silently replaced."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if found := ISO_DATE.match(raw):
        year, month, day = found.groups()
    elif found := QUEBEC_DATE.match(raw):
        day, month, year = found.groups()
    else:
        raise unreadable
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:  # "9999" is a typo, and breaks a calendar feed's day after
        raise unreadable
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise unreadable from None

"""Dates as people type them in Québec, for the coordinator's follow-ups
(orphan projects, jumelage matches)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from workshop.refusals import Refused

QUEBEC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # 15/03/2027: day first, as written in Québec
FIRST_YEAR, LAST_YEAR = 2000, 2199  # follow-ups, meetings and programmes fall within these
ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")  # 2027-03-15, the form's date field


DEFAULT_ZONE = "America/Toronto"  # Québec's clock (config TIMEZONE changes it)


def zone() -> ZoneInfo:
    """The workshop's clock (config TIMEZONE), outside a request too."""
    from flask import current_app, has_app_context

    return ZoneInfo((current_app.config.get("TIMEZONE") if has_app_context() else None) or DEFAULT_ZONE)


def utcnow() -> datetime:
    # Naive UTC throughout: SQLite keeps no time zone, and PostgreSQL must agree.
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today in Québec, not on the server's clock: at 20:00 in Chicoutimi a UTC
    server is already tomorrow, and a follow-up due today would read overdue."""
    return datetime.now(zone()).date()


def local(moment: datetime) -> datetime:
    """A stored moment (naive UTC) on the workshop's clock, naive, for a file a
    person reads (exports)."""
    return moment.replace(tzinfo=UTC).astimezone(zone()).replace(tzinfo=None)


def local_text(moment: datetime | None) -> str:
    """A stored moment as a person on the workshop's clock reads it ("2027-03-15 17:50:02"),
    for every table a person opens (CSV, XLSX text): one clock across the exports."""
    return local(moment).isoformat(sep=" ", timespec="seconds") if moment else ""


def stamped(moment: datetime | None) -> str:
    """A stored moment on the workshop's clock with its offset ("2026-12-03T14:28:42-05:00"),
    for files a program reads (a person's data on request): unambiguous in any zone."""
    return moment.replace(tzinfo=UTC).astimezone(zone()).isoformat(timespec="seconds") if moment else ""


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

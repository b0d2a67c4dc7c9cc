"""The reader's words for jumelage's codes: on the proposal's reasons and in
the coordinator's spreadsheets (workshop/reports/logic.py writes them). The
pages say the same through templates/jumelage/_labels.html."""

from __future__ import annotations

from flask_babel import gettext as _

# Columns whose cell lists several codes ("sports, music"; "mon-am tue-pm").
LIST_COLUMNS = {"leisure", "goals", "slots"}


def code_labels() -> dict[str, str]:
    """The words for the codes a reason's detail lists (goals, interests, moments)."""
    days = {"mon": _("Mon"), "tue": _("Tue"), "wed": _("Wed"), "thu": _("Thu"), "fri": _("Fri"), "sat": _("Sat"),
            "sun": _("Sun")}
    parts = {"am": _("Morning"), "pm": _("Afternoon"), "ev": _("Evening")}
    labels = {f"{d}-{p}": f"{day} {part.lower()}" for d, day in days.items() for p, part in parts.items()}
    labels.update({"french": _("Practise French"), "network": _("Build a network"), "job": _("Find a job or hire"),
                   "culture": _("Discover the culture"), "housing": _("Housing"), "sports": _("Sports"),
                   "cooking": _("Cooking"), "music": _("Music"), "outdoors": _("Outdoors"), "arts": _("Arts"),
                   "games": _("Games"), "volunteering": _("Volunteering"), "technology": _("Technology"),
                   "reading": _("Reading"), "travel": _("Travel")})
    return labels


def worded(detail: str, labels: dict[str, str]) -> str:
    """Codes (separated by spaces or commas; none contains either) in the reader's words."""
    codes = detail.replace(",", " ").split()
    order = {code: n for n, code in enumerate(labels)}  # moments by day then part of day
    return ", ".join(labels.get(code, code) for code in sorted(codes, key=lambda c: order.get(c, len(order))))


def column_labels() -> dict[str, str]:
    """The headers of the sign-up and match exports. The sign-up import reads
    these back (logic.IMPORT_HEADERS), in French and English."""
    return {
        "id": _("Number"), "role": _("Role"), "email": _("Email"), "phone": _("Phone"),
        "languages": _("Languages"), "french_level": _("French level"), "field": _("Field of study or work"),
        "place": _("Territory (RCM)"), "leisure": _("Interests"), "slots": _("When free"), "goals": _("Goals"),
        "group_size": _("Group wanted"), "meetings_per_month": _("Meetings per month"),
        "constraints": _("Constraints"), "status_message": _("Message to the person"),
        "language": _("Language"), "match": _("Match"), "student": _("International student"),
        "citizen": _("Citizen (host)"), "employer": _("Employer"), "contract_confirmed": _("Contract confirmed"),
        "meetings": _("Meetings"), "last_meeting": _("Last meeting"),
        "mean_satisfaction": _("Mean satisfaction"), "inactive": _("Inactive"),
    }


def value_labels() -> dict[str, dict]:
    """The words for single codes, by column (the status and kind columns add to the report's)."""
    yes_no = {True: _("yes"), False: _("no")}
    return {
        "role": {"student": _("International student"), "citizen": _("Citizen (host)"), "employer": _("Employer")},
        "french_level": {"none": _("None yet"), "beginner": _("Beginner"), "intermediate": _("Intermediate"),
                         "advanced": _("Advanced"), "native": _("First language")},
        "group_size": {"duo": _("A duo"), "trio": _("A trio with an employer"), "either": _("Either")},
        "status": {"pending": _("Pending"), "accepted": _("Accepted"), "on_hold": _("On hold"),
                   "refused": _("Refused")},
        "kind": {"duo": _("Duo"), "trio": _("Trio")},
        "contract_confirmed": yes_no, "inactive": yes_no,
    }

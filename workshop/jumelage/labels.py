"""The reader's words for jumelage's codes, in one place: the pages
(templates/jumelage/_labels.html reads `words`), the proposal's reasons, and
the coordinator's spreadsheets (workshop/reports/logic.py writes them)."""

from __future__ import annotations

from flask_babel import gettext as _

# Columns whose cell lists several codes ("sports, music"; "mon-am tue-pm").
LIST_COLUMNS = {"leisure", "goals", "slots"}


def words(kind: str) -> dict[str, str]:
    """The words for one kind of code: role, status, goal, interest, day, part
    (of a day), level (of French) or size (of the group wanted)."""
    return {
        "role": lambda: {"student": _("International student"), "citizen": _("Citizen (host)"),
                         "employer": _("Employer")},
        "status": lambda: {"pending": _("Pending"), "accepted": _("Accepted"), "on_hold": _("On hold"),
                           "refused": _("Refused")},
        "goal": lambda: {"french": _("Practise French"), "network": _("Build a network"),
                         "job": _("Find a job or hire"), "culture": _("Discover the culture"),
                         "housing": _("Housing")},
        "interest": lambda: {"sports": _("Sports"), "cooking": _("Cooking"), "music": _("Music"),
                             "outdoors": _("Outdoors"), "arts": _("Arts"), "games": _("Games"),
                             "volunteering": _("Volunteering"), "technology": _("Technology"),
                             "reading": _("Reading"), "travel": _("Travel")},
        "day": lambda: {"mon": _("Mon"), "tue": _("Tue"), "wed": _("Wed"), "thu": _("Thu"), "fri": _("Fri"),
                        "sat": _("Sat"), "sun": _("Sun")},
        "part": lambda: {"am": _("Morning"), "pm": _("Afternoon"), "ev": _("Evening")},
        "level": lambda: {"none": _("None yet"), "beginner": _("Beginner"), "intermediate": _("Intermediate"),
                          "advanced": _("Advanced"), "native": _("First language")},
        "size": lambda: {"duo": _("A duo"), "trio": _("A trio with an employer"), "either": _("Either")},
    }[kind]()


def code_labels() -> dict[str, str]:
    """The words for the codes a reason's detail lists (goals, interests, moments)."""
    labels = {f"{d}-{p}": f"{day} {part.lower()}"
              for d, day in words("day").items() for p, part in words("part").items()}
    return {**labels, **words("goal"), **words("interest")}


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
        "student_email": _("Email (international student)"), "student_phone": _("Phone (international student)"),
        "citizen_email": _("Email (citizen host)"), "citizen_phone": _("Phone (citizen host)"),
        "employer_email": _("Email (employer)"), "employer_phone": _("Phone (employer)"),
        "next_follow_up": _("Next follow-up"),
        "meetings": _("Meetings"), "last_meeting": _("Last meeting"),
        "mean_satisfaction": _("Mean satisfaction"), "inactive": _("Inactive"),
    }


def value_labels() -> dict[str, dict]:
    """The words for single codes, by column (the status and kind columns add to the report's)."""
    yes_no = {True: _("yes"), False: _("no")}
    return {
        "role": words("role"), "french_level": words("level"), "group_size": words("size"),
        "status": words("status"),
        "kind": {"duo": _("Duo"), "trio": _("Trio")},
        "contract_confirmed": yes_no, "inactive": yes_no,
    }

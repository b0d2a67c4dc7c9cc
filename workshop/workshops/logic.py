"""Workshop rules: creation, who may facilitate, the agenda and the timer."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workshop import kinds
from workshop.dates import utcnow  # noqa: F401 - where the app's modules have long imported it
from workshop.extensions import db
from workshop.i18n import LANGUAGES
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.workshops.messages import REFUSALS
from workshop.workshops.models import Activity, StakeholderGroup, Workshop

# Letters and digits that cannot be misread from the back of a room (no 0/O, 1/I/L).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 31**6 is about 887 million codes; with failures rate-limited, guessing a live one is hopeless.
JOIN_CODE_LENGTH = 6
MAX_TIMER_MINUTES = 180

DEFAULT_GROUPS = {
    "fr": [
        "Étudiant·e international·e", "Employeur / entreprise", "Établissement d'enseignement",
        "Organisme communautaire", "Municipalité / ministère", "Recherche", "Citoyen·ne", "Autre",
    ],
    "en": [
        "International student", "Employer / business", "Educational institution",
        "Community organisation", "Municipality / ministry", "Research", "Citizen", "Other",
    ],
}


class WorkshopRejected(Refused):
    """A rule was broken; `code` names which (workshop/workshops/messages.py)."""

    messages = REFUSALS


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.session.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code


def normalise_join_code(raw: str) -> str:
    """People type codes in lower case, with spaces or a dash."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:16]


def find_by_code(raw: str) -> Workshop | None:
    return db.session.scalar(select(Workshop).where(Workshop.join_code == normalise_join_code(raw)))


def create_workshop(owner, title: str, language: str, groups: list[str], prompts: list[str]) -> Workshop:
    title = title.strip()
    groups = [g.strip() for g in groups if g.strip()]
    prompts = [p.strip() for p in prompts if p.strip()]
    if not title:
        raise WorkshopRejected("title_required")
    if language not in LANGUAGES:
        raise WorkshopRejected("unknown_language")
    if not prompts:
        raise WorkshopRejected("prompt_required")
    workshop = Workshop(title=title, language=language, join_code=new_join_code(), owner=owner)
    workshop.groups = [StakeholderGroup(name=name, position=i) for i, name in enumerate(groups)]
    workshop.activities = [
        Activity(kind=kinds.IDEAS, prompt=prompt, position=i) for i, prompt in enumerate(prompts)
    ]
    db.session.add(workshop)
    db.session.commit()
    return workshop


def can_facilitate(user, workshop: Workshop) -> bool:
    """Only the workshop's owner, or an admin, runs it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or workshop.owner_id == user.id


def can_read(user, workshop: Workshop) -> bool:
    """Its facilitator, and the coordinators who follow up on every workshop weeks
    later, read its report, exports and cell pages; only the facilitator acts on it."""
    if can_facilitate(user, workshop):
        return True
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.role == "coordinator")


def can_manage(user, workshop: Workshop) -> bool:
    """Renaming and archiving: its facilitator, an admin, and the coordinators who
    keep the program's list tidy (a test workshop out of the totals)."""
    return can_read(user, workshop)


def workshops_of(user, archived: bool = False) -> list[Workshop]:
    """The workshops a person may open, newest first: their own; every one for
    admins and coordinators. Archived ones only when asked."""
    # The list names each one's facilitator: owners in one query, not one per row.
    query = select(Workshop).options(selectinload(Workshop.owner)).order_by(
        Workshop.created_at.desc(), Workshop.id.desc())
    query = query.where(Workshop.archived_at.is_not(None) if archived else Workshop.archived_at.is_(None))
    if not (user.is_admin or user.role == "coordinator"):
        query = query.where(Workshop.owner_id == user.id)
    return list(db.session.scalars(query))


def rename(workshop: Workshop, title: str) -> None:
    title = " ".join((title or "").split())
    if not title:
        raise WorkshopRejected("title_required")
    if len(title) > 200:
        raise WorkshopRejected("title_too_long")
    workshop.title = title
    db.session.commit()


def archive(workshop: Workshop, archived: bool = True) -> None:
    """Out of the home list and the program totals, or back; nothing is deleted.
    Archiving twice keeps the first date."""
    if archived and workshop.archived_at is None:
        workshop.archived_at = utcnow()
    elif not archived:
        workshop.archived_at = None
    db.session.commit()


def activity_of(workshop: Workshop, activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id:
        raise WorkshopRejected("unknown_activity")
    return activity


def open_activity(workshop: Workshop, activity: Activity) -> None:
    """Put an activity on every screen; one is open at a time. The one it
    closes takes its countdown with it, as a close does: the next question's
    time is not what was left of the last one's."""
    for other in workshop.activities:
        if other.state == "open" and other.id != activity.id:
            other.state = "closed"
            workshop.timer_ends_at = None
    activity.state = "open"
    workshop.current_activity = activity
    workshop.projector_activity = None  # the big screens follow what phones now answer
    db.session.commit()


def show_on_projector(workshop: Workshop, activity: Activity | None) -> None:
    """Show an earlier activity on the projector and the control view (its wall,
    themes or results) without reopening it: phones keep the current activity.
    None, or the current activity, goes back to following the phones."""
    if activity is not None and activity.state == "pending":
        raise WorkshopRejected("not_started")
    workshop.projector_activity = None if activity is None or activity.id == workshop.current_activity_id else activity
    db.session.commit()


def close_activity(workshop: Workshop, activity: Activity) -> None:
    activity.state = "closed"
    workshop.timer_ends_at = None
    db.session.commit()


def start_timer(workshop: Workshop, minutes: float) -> datetime:
    if not 1 <= minutes <= MAX_TIMER_MINUTES:
        raise WorkshopRejected("timer_range")
    workshop.timer_ends_at = utcnow() + timedelta(minutes=minutes)
    db.session.commit()
    return workshop.timer_ends_at


def stop_timer(workshop: Workshop) -> None:
    workshop.timer_ends_at = None
    db.session.commit()


def participant_count(workshop: Workshop) -> int:
    """The people in the room: those who joined and have not left."""
    return db.session.execute(
        select(func.count(Participant.id)).where(Participant.workshop_id == workshop.id,
                                                 Participant.left_at.is_(None))
    ).scalar_one()

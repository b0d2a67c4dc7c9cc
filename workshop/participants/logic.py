"""Joining a workshop, and finding the phone's participant again."""

from __future__ import annotations

from functools import cache

from flask import session
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from workshop import kinds
from workshop.database import commit_keeping_loaded, insert_directly
from workshop.extensions import db
from workshop.i18n import LANGUAGES
from workshop.participants.messages import REFUSALS
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.workshops.models import Workshop

MAX_NICKNAME_LENGTH = 40
SESSION_KEY = "participants"  # workshop id -> participant id, in the signed cookie


class JoinRejected(Refused):
    """The join form asks again; `code` says why (workshop/participants/messages.py)."""

    messages = REFUSALS


def join(workshop: Workshop, nickname: str | None, group_id: int | None, language: str | None = None,
         returning: Participant | None = None, key: str | None = None) -> Participant:
    """A new participant; an empty nickname means anonymous. Someone `returning`
    (this phone left the workshop earlier) is the same row again, with the
    nickname and group given now: their ideas, hats and ballots stay theirs.
    `key`: the join form's own (`new_join_key`); the same form sent twice (a
    second tap before the first answer came) is one participant, not a ghost
    that the count, the hats and the rotations would wait for."""
    from workshop.security import clean_field, is_blank, is_sending_key

    nickname = " ".join(clean_field(nickname or "").split()) or None
    if nickname and is_blank(nickname):
        nickname = None
    if nickname and len(nickname) > MAX_NICKNAME_LENGTH:
        raise JoinRejected("nickname_too_long")
    if workshop.groups and group_id not in {g.id for g in workshop.groups}:
        raise JoinRejected("unknown_group")  # also when none was chosen
    if language not in LANGUAGES:
        language = None
    if returning is not None and returning.workshop_id == workshop.id:
        participant = returning
        participant.left_at = None
        participant.nickname, participant.group_id, participant.language = nickname, group_id, language
    else:
        key = key if key and is_sending_key(key, shortest=16) else None
        participant = Participant(
            workshop_id=workshop.id, nickname=nickname, group_id=group_id, language=language, join_key=key
        )
        try:
            # A room joins in the same seconds: one INSERT, no unit of work (database.py).
            if not insert_directly(participant):
                db.session.add(participant)
            commit_keeping_loaded()
        except IntegrityError:  # the unique key: this form was sent before
            db.session.rollback()
            first = db.session.scalar(select(Participant).where(Participant.workshop_id == workshop.id,
                                                                Participant.join_key == key))
            if key is None or first is None:
                raise
            return first
        return participant
    # What is loaded was just written: the answer (the cookie, the redirect)
    # reads it without going back to the database.
    commit_keeping_loaded()
    return participant


def new_join_key() -> str:
    """A join form's key (see join): random, one per form shown."""
    import secrets

    return secrets.token_urlsafe(18)


@cache
def _by_code(several: bool):
    """Built once (on first use: the models must all be mapped first), so an
    idea's send builds no statement: building one and its cache key was a
    tenth of a send. Three plain entities, tied together by `current_by_code`,
    which the ORM loads for less than a joined eager load. A phone nearly always holds one
    participant: `==`, since an expanding IN rewrites its SQL on each run."""
    from workshop.workshops.models import Activity

    ids = Participant.id.in_(bindparam("ids", expanding=True)) if several else Participant.id == bindparam("ids")

    from workshop.themes.models import Theme
    from workshop.workshops.models import StakeholderGroup

    # The author's group and whether the activity has themes yet: the cards
    # an idea is pushed as read both, and each was a lazy query per send.
    has_themes = select(Theme.id).where(Theme.activity_id == Activity.id).exists()
    return (
        select(Participant, Workshop, Activity, StakeholderGroup, has_themes).join(Participant.workshop)
        .outerjoin(Activity, Activity.id == Workshop.current_activity_id)
        .outerjoin(StakeholderGroup, StakeholderGroup.id == Participant.group_id)
        .where(ids, Participant.left_at.is_(None),
               Workshop.join_code == bindparam("code"))
    )


@cache
def _workshop_to_join():
    """The workshop of a join code with its groups (the form, and the check of
    the one chosen). One statement, built once."""
    return select(Workshop).where(Workshop.join_code == bindparam("code")).options(joinedload(Workshop.groups))


def workshop_to_join(code: str) -> Workshop | None:
    """The workshop a phone joins with this code, in one query: a room that scans
    the code on the screen sends dozens of these in the same second."""
    from workshop.workshops.logic import normalise_join_code

    return db.session.scalars(_workshop_to_join(), {"code": normalise_join_code(code)}).unique().first()


@cache
def _stage():
    on_screen = joinedload(Workshop.current_activity)
    return select(Workshop).where(Workshop.id == bindparam("id")).options(on_screen, *kinds.stage_loads(on_screen))


def read_stage(workshop: Workshop) -> None:
    """Reads, in one statement, the activity on the phones' screen with what its
    stage reads (kinds' `stage_reads`), rather than a lazy query each: for a
    join whose phone page is rendered, not one kept (phone_pages.py), which
    needs none of it."""
    db.session.scalars(_stage(), {"id": workshop.id}).first()


def phone_ids() -> dict[str, int]:
    """The participants this phone's cookie names, by workshop id (as text).
    A participant found by a join code is this phone's only if the cookie
    names it for that workshop: `phone_ids().get(str(workshop_id)) == id`."""
    return {workshop: i for workshop, i in session.get(SESSION_KEY, {}).items() if isinstance(i, int)}


def current_by_code(code: str) -> Participant | None:
    """This phone's participant in the workshop with this join code, read with
    its workshop and the activity on screen in one query: every idea sent comes
    this way, and on PostgreSQL each query is a round trip."""
    from workshop.workshops.logic import normalise_join_code

    known = phone_ids()
    if not known:
        return None
    ids = list(known.values())
    several = len(ids) > 1
    found = db.session.execute(_by_code(several), {"ids": ids if several else ids[0],
                                                   "code": normalise_join_code(code)}).first()
    if found is None:
        return None
    participant, workshop, activity, group, has_themes = found
    known_now = [(participant, "workshop", workshop), (workshop, "current_activity", activity),
                 (participant, "group", group)]
    if activity is not None and not has_themes:
        known_now.append((activity, "themes", []))
    for owner, name, value in known_now:
        if name not in owner.__dict__:  # loaded already in this session: kept as it is
            set_committed_value(owner, name, value)
    # As current(): the phone's participant for *this* workshop, as the cookie records it.
    if known.get(str(participant.workshop_id)) != participant.id:
        return None
    return participant


def remember(participant: Participant) -> None:
    """Keep the identity on this phone: a reload, or coming back later, finds it."""
    known = dict(session.get(SESSION_KEY, {}))
    known[str(participant.workshop_id)] = participant.id
    session[SESSION_KEY] = known
    session.permanent = True


def leave(participant: Participant) -> None:
    """The person leaves the workshop: marked as gone; what they sent stays.
    The phone keeps the id in its cookie, so joining again from it is the
    same person (see returning()); current() no longer finds a left participant."""
    from workshop.workshops.logic import utcnow

    participant.left_at = utcnow()
    db.session.commit()


def returning(workshop: Workshop) -> Participant | None:
    """The participant this phone was before it left this workshop, if any."""
    participant_id = session.get(SESSION_KEY, {}).get(str(workshop.id))
    if participant_id is None:
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id or participant.left_at is None:
        return None
    return participant


def current(workshop: Workshop) -> Participant | None:
    participant_id = session.get(SESSION_KEY, {}).get(str(workshop.id))
    if participant_id is None:
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id or participant.left_at is not None:
        return None
    return participant


# --- the facilitator's defences against a flood ---------------------------------

def set_joining_locked(workshop: Workshop, locked: bool) -> None:
    """Closed: nobody new joins (phones already in, and phones coming back, carry on)."""
    workshop.joining_locked = locked
    db.session.commit()


def roster(workshop: Workshop, limit: int = 300) -> list[tuple[Participant, int]]:
    """The workshop's participants with how many ideas each sent, the most first
    (a flood shows at the top), then the newest."""
    from sqlalchemy import func

    from workshop.ideas.models import Idea

    sent = (select(Idea.participant_id, func.count(Idea.id).label("n"))
            .group_by(Idea.participant_id).subquery())
    rows = db.session.execute(
        select(Participant, func.coalesce(sent.c.n, 0))
        .outerjoin(sent, sent.c.participant_id == Participant.id)
        .where(Participant.workshop_id == workshop.id)
        .order_by(func.coalesce(sent.c.n, 0).desc(), Participant.id.desc())
        .limit(limit)
        .options(joinedload(Participant.group))
    ).all()
    return [(participant, count) for participant, count in rows]


def remove(workshop: Workshop, participant_ids: list[int]) -> int:
    """Take these participants out with everything they sent: ideas, hat
    comments and hats, ballots, cell places and preferences. Ideas of others
    merged into a removed idea come back on the wall; a project made from a
    removed idea keeps its title. Returns how many were removed."""
    from sqlalchemy import delete

    from workshop import kinds

    ids = list(db.session.scalars(select(Participant.id).where(
        Participant.workshop_id == workshop.id, Participant.id.in_(participant_ids))))
    if not ids:
        return 0
    for kind in kinds.kinds():  # each kind takes out what they sent in it
        if kind.remove_participants is not None:
            kind.remove_participants(ids)
    db.session.execute(delete(Participant).where(Participant.id.in_(ids)))
    db.session.commit()
    return len(ids)

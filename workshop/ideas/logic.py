"""Idea rules: sending (once, even when a phone resends) and moderation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workshop import kinds
from workshop.database import commit_keeping_loaded
from workshop.extensions import db
from workshop.ideas.models import MAX_IDEA_LENGTH, Idea
from workshop.participants.models import Participant
from workshop.workshops.models import Activity


class IdeaRejected(ValueError):
    """The idea was not stored; `code` says why, for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def clean_text(text: str) -> str:
    from workshop.security import clean_field, is_blank

    text = " ".join(clean_field(text or "").split())
    if is_blank(text):  # zero-width spaces only show nothing on the wall
        raise IdeaRejected("empty")
    if len(text) > MAX_IDEA_LENGTH:
        raise IdeaRejected("too_long")
    return text


def clean_key(key: str) -> str:
    key = (key or "").strip()
    if not 8 <= len(key) <= 64 or not all(ch.isalnum() or ch in "-_" for ch in key):
        raise IdeaRejected("bad_key")
    return key


def _find_sent(participant: Participant, key: str) -> Idea | None:
    return db.session.scalar(
        select(Idea).where(Idea.participant_id == participant.id, Idea.submission_key == key)
    )


def submit_idea(participant: Participant, activity: Activity, text: str, key: str) -> tuple[Idea, bool]:
    """Store an idea once per submission key; returns (idea, newly_stored).

    A resend of an already-stored submission returns the stored idea, even if
    the activity has closed since: the phone only missed our answer.
    """
    key = clean_key(key)
    # `activity` was read in this request, so a close committed before it is seen.
    refusal = ("wrong_activity" if activity.workshop_id != participant.workshop_id or activity.kind != kinds.IDEAS
               else None if activity.is_open else "closed")
    # A new send is stored straight away, and the unique key catches a resend
    # (below): looking for it first was a query on every send for the rare one.
    already = _find_sent(participant, key) if refusal else None
    if already is not None:
        return already, False
    text = clean_text(text)
    if refusal:
        raise IdeaRejected(refusal)
    idea = Idea(
        activity=activity, participant=participant,
        submission_key=key, text=text, original_text=text,
        merged=[],  # known empty: the cards need not ask
    )
    db.session.add(idea)
    try:
        # The cards rendered next for every screen read the idea, its author
        # and its activity as they are now: no need to load them again.
        commit_keeping_loaded()
    except IntegrityError:
        # A resend (or two racing): the first one stored it.
        db.session.rollback()
        already = _find_sent(participant, key)
        if already is None:
            raise
        return already, False
    return idea, True


def _shown(activity: Activity, include_hidden: bool = False):
    """The condition for an activity's ideas on the wall (merged duplicates are folded in)."""
    shown = (Idea.activity_id == activity.id) & Idea.merged_into_id.is_(None)
    return shown if include_hidden else shown & Idea.hidden.is_(False)


def wall(activity: Activity, include_hidden: bool = False, with_authors: bool = True) -> list[Idea]:
    """The ideas shown for an activity, oldest first; merged duplicates are
    folded into the idea they joined.

    ``with_authors=False`` skips loading authors and merged duplicates (the
    grouping needs neither, and at 1,000 ideas they cost a fifth of a second)."""
    query = select(Idea).where(_shown(activity, include_hidden)).order_by(Idea.id)
    if with_authors:
        query = query.options(
            # Cards show every author and their group, merged duplicates included.
            selectinload(Idea.participant).selectinload(Participant.group),
            selectinload(Idea.merged).selectinload(Idea.participant).selectinload(Participant.group),
            selectinload(Idea.merged).selectinload(Idea.merged),
        )
    return list(db.session.scalars(query))


def has_ideas(activity: Activity) -> bool:
    """Whether the wall shows at least one idea (without loading any)."""
    return db.session.scalar(select(select(Idea.id).where(_shown(activity)).exists()))


def ideas_of(participant: Participant, activity: Activity) -> list[Idea]:
    return list(db.session.scalars(
        select(Idea)
        .where(Idea.participant_id == participant.id, Idea.activity_id == activity.id)
        .order_by(Idea.id.desc())
    ))


def idea_in(workshop_id: int, idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.activity.workshop_id != workshop_id:
        raise IdeaRejected("unknown_idea")
    return idea


def hide(idea: Idea) -> None:
    idea.hidden = True
    db.session.commit()


def restore(idea: Idea) -> None:
    idea.hidden = False
    db.session.commit()


def edit_text(idea: Idea, text: str) -> None:
    """Fix a typo; the text as sent stays in original_text."""
    idea.text = clean_text(text)
    idea.features = None  # computed again from the new text at the next grouping
    db.session.commit()


def merge(target: Idea, duplicates: list[Idea]) -> Idea:
    """Fold duplicates into target; it then counts every author of them all."""
    if target.merged_into_id is not None or any(d.merged_into_id is not None for d in duplicates):
        raise IdeaRejected("bad_merge")  # a stale screen: one of them was merged already
    for duplicate in duplicates:
        if duplicate.id == target.id or duplicate.activity_id != target.activity_id:
            raise IdeaRejected("bad_merge")
        # Keep the tree one level deep: what was merged into the duplicate follows it.
        for earlier in list(duplicate.merged):
            earlier.merged_into_id = target.id
        duplicate.merged_into_id = target.id
    db.session.commit()
    db.session.refresh(target)
    return target


def remove_participants(ids: list[int]) -> None:
    """Their ideas go. Ideas of others merged into one of theirs come back on the
    wall; a project made from one of theirs keeps its title."""
    from sqlalchemy import delete, update

    from workshop.voting.models import Project

    theirs = select(Idea.id).where(Idea.participant_id.in_(ids)).scalar_subquery()
    db.session.execute(update(Idea).where(Idea.merged_into_id.in_(theirs),
                                          Idea.participant_id.not_in(ids)).values(merged_into_id=None))
    db.session.execute(update(Project).where(Project.idea_id.in_(theirs)).values(idea_id=None))
    db.session.execute(update(Idea).where(Idea.participant_id.in_(ids)).values(merged_into_id=None))
    db.session.execute(delete(Idea).where(Idea.participant_id.in_(ids)))

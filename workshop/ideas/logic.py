"""Idea rules: sending (once, even when a phone resends) and moderation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workshop import kinds
from workshop.database import commit_keeping_loaded, forget, insert_directly
from workshop.extensions import Model, db
from workshop.ideas.messages import REFUSALS
from workshop.ideas.models import MAX_IDEA_LENGTH, Idea
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.security import is_sending_key
from workshop.workshops.models import Activity, Workshop


class IdeaRejected(Refused):
    """The idea was not stored; `code` says why (workshop/ideas/messages.py)."""

    messages = REFUSALS


def clean_text(text: str, limit: int = MAX_IDEA_LENGTH) -> str:
    """What a phone typed on one line; `limit` is the kind's longest text (stored_once
    turns a refusal here into the kind's own)."""
    from workshop.security import clean_field, is_blank

    text = " ".join(clean_field(text or "").split())
    if is_blank(text):  # zero-width spaces only show nothing on the wall
        raise IdeaRejected("empty")
    if len(text) > limit:
        raise IdeaRejected("too_long")
    return text


def clean_key(key: str) -> str:
    key = (key or "").strip()
    if not is_sending_key(key):
        raise IdeaRejected("bad_key")
    return key


Row = TypeVar("Row", bound=Model)


def sent_before(model: type[Row], participant: Participant, key: str) -> Row | None:
    """What this phone sent under this submission key, if it was stored."""
    statement = select(model).where(model.participant_id == participant.id,  # type: ignore[attr-defined]
                                    model.submission_key == key)  # type: ignore[attr-defined]
    return db.session.scalar(statement)


def stored_once(model: type[Row], participant: Participant, key: str, make: Callable[[str], Row],
                refusal: Callable[[str], Refused] = IdeaRejected,
                then: Callable[[Row], None] | None = None, keep_loaded: bool = False) -> tuple[Row, bool]:
    """Store what a phone sent, once per submission key; returns (row, newly_stored).

    `make(key)` checks the send and builds its row (a kind's refusal, or an
    IdeaRejected from clean_text, says why not). The row is inserted straight
    away and the unique key (participant, submission key) catches a resend
    after a lost answer, which gets the stored row back, even when the
    activity has closed since or the send would be refused now: the phone only
    missed our answer. Looking for a resend first was a query on every send
    for the rare one. `then(row)` runs after the insert, in the same commit.
    `keep_loaded`: commit without expiring what is loaded (database.py), for a
    row built through its relationships, so that what is loaded is current.
    """
    try:
        key = clean_key(key)
        row = make(key)
    except IdeaRejected as rejected:  # the text's own checks, in the kind's words
        already = sent_before(model, participant, key) if rejected.code != "bad_key" else None
        if already is not None:
            return already, False
        raise refusal(rejected.code) from None
    except Refused:  # the kind's own checks (closed since, not theirs...): a resend gets its row back
        db.session.rollback()  # whatever `make` did, the lookup starts clean
        already = sent_before(model, participant, key)
        if already is not None:
            return already, False
        raise
    try:
        if not insert_directly(row):
            db.session.add(row)
            db.session.flush()
        if then is not None:
            then(row)
        if keep_loaded:
            commit_keeping_loaded()
        else:
            db.session.commit()
    except IntegrityError:
        forget(row)
        db.session.rollback()
        already = sent_before(model, participant, key)
        if already is None:
            raise
        return already, False
    return row, True


def kind_row_in(workshop: Workshop, model: type[Row], row_id: int, refusal: Refused) -> Row:
    """The row a kind keeps for one of its activities (a force field, a round...)
    by its id, if that activity is in this workshop; otherwise the kind's refusal."""
    row = db.session.get(model, row_id)
    if row is None or row.activity.workshop_id != workshop.id:  # type: ignore[attr-defined]
        raise refusal
    return row


def sent_idea(participant: Participant, key: str) -> Idea | None:
    """The idea this phone stored under this submission key, if any."""
    try:
        return sent_before(Idea, participant, clean_key(key))
    except IdeaRejected:  # no key, or not one a phone makes: nothing was stored under it
        return None


def submit_idea(participant: Participant, activity: Activity, text: str, key: str) -> tuple[Idea, bool]:
    """Store an idea once per submission key; returns (idea, newly_stored)."""

    def make(key: str) -> Idea:
        # `activity` was read in this request, so a close committed before it is seen.
        if activity.workshop_id != participant.workshop_id or activity.kind != kinds.IDEAS:
            raise IdeaRejected("wrong_activity")
        if not activity.is_open:
            raise IdeaRejected("closed")
        text_ = clean_text(text)
        return Idea(activity=activity, participant=participant, submission_key=key, text=text_,
                    original_text=text_, merged=[])  # known empty: the cards need not ask

    # The cards rendered next for every screen read the idea, its author and
    # its activity as they are now: no need to load them again.
    return stored_once(Idea, participant, key, make, keep_loaded=True)


def _shown(activity: Activity, include_hidden: bool = False):
    """The condition for an activity's ideas on the wall (merged duplicates are folded in)."""
    return _visible(Idea.activity_id == activity.id, include_hidden)


def shown_on_walls(activity_ids: Sequence[int]):
    """The condition for the ideas on these activities' walls, hidden ones left out."""
    return _visible(Idea.activity_id.in_(activity_ids), include_hidden=False)


def _visible(in_activities, include_hidden: bool):
    shown = in_activities & Idea.merged_into_id.is_(None)
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


def central_first(theme_id, idea=Idea):
    """A theme's visible ideas, most central first, as the grouping ordered them
    (`idea`: Idea or an alias of it, `theme_id`: a value or a column to correlate)."""
    return (select(idea).where(idea.theme_id == theme_id, idea.hidden.is_(False), idea.merged_into_id.is_(None))
            .order_by(idea.theme_position, idea.id))


def has_ideas(activity: Activity) -> bool:
    """Whether the wall shows at least one idea (without loading any)."""
    return db.session.execute(select(select(Idea.id).where(_shown(activity)).exists())).scalar_one()


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
        raise IdeaRejected("merged_already")  # a stale screen
    if any(d.activity_id != target.activity_id for d in duplicates):
        raise IdeaRejected("merge_other_question")  # themes gather several questions' ideas
    for duplicate in duplicates:
        if duplicate.id == target.id:
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

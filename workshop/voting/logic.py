"""Voting rules: rounds over ideas, themes or a previous shortlist; ballots
saved by compare-and-set; results from analysis.tally; priorities and orphans."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace

from flask_babel import force_locale
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import aliased

from analysis import tally
from workshop import kinds
from workshop.database import commit_keeping_loaded
from workshop.extensions import db
from workshop.ideas.logic import central_first, kind_row_in, wall
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.voting.messages import REFUSALS, vote_kind_words
from workshop.voting.models import SCORED, VOTE_KINDS, Ballot, Project, Round, RoundItem, VoteKind
from workshop.workshops.models import Activity, StakeholderGroup, Workshop

SAVE_ATTEMPTS = 8
NO_GROUP = ""


class VoteRejected(Refused):
    """Nothing was stored; `code` (and the param `limit`) say why (workshop/voting/messages.py)."""

    messages = REFUSALS


def latest_ideas_activity(workshop: Workshop) -> Activity | None:
    ideas_activities = [a for a in workshop.activities if a.kind == kinds.IDEAS and a.state != "pending"]
    return ideas_activities[-1] if ideas_activities else None


def ideas_activities(workshop: Workshop) -> list[Activity]:
    """Every question that has been opened, in agenda order: a round may draw on any of them."""
    return [a for a in workshop.activities if a.kind == kinds.IDEAS and a.state != "pending"]


def groupings(workshop: Workshop) -> list[Activity]:
    """The activities that own themes, each once, in agenda order (a grouping
    over several questions is owned by one of them; see themes.logic)."""
    return [a for a in ideas_activities(workshop) if a.grouped_into_id is None and a.themes]


def _question(workshop: Workshop, activity_id: int | None) -> Activity:
    for activity in ideas_activities(workshop):
        if activity.id == activity_id:
            return activity
    raise VoteRejected("unknown_question")


def _project_for_idea(workshop: Workshop, idea) -> Project:
    found = db.session.scalar(select(Project).where(Project.idea_id == idea.id))
    return found or Project(workshop_id=workshop.id, title=idea.text, idea_id=idea.id)


def _project_for_theme(workshop: Workshop, theme) -> Project:
    found = db.session.scalar(select(Project).where(Project.theme_id == theme.id))
    return found or Project(workshop_id=workshop.id, title=theme.label, theme_id=theme.id)


def candidates(workshop: Workshop, source: str, previous: Round | None = None, carry: int | None = None,
               theme_id: int | None = None, picked: Sequence[tuple[str, int]] = (),
               activity_id: int | None = None, imported=None) -> list[Project]:
    """The projects a new round runs over, drawn from any question opened so far:
    every question's visible ideas ("ideas") or themes ("themes") together; one
    question's (the same with `activity_id`); the ideas of one theme; the themes
    and ideas the facilitator picked one by one across questions (("theme", id)
    or ("idea", id)); the top of the previous round; or items brought in from a
    list or a spreadsheet ("list", `imported`: an items_import.ItemList)."""
    from workshop.themes.logic import span_ideas, theme_owner

    if source == "list":
        if imported is None or not imported.items:
            raise VoteRejected("no_items")
        return [Project(workshop_id=workshop.id, title=item.title, theme_name=item.theme,
                        description=item.description) for item in imported.items]
    if source == "shortlist":
        if previous is None:
            raise VoteRejected("no_previous_round")
        if carry is not None and carry < 0:
            raise VoteRejected("bad_rules")
        if previous.activity.is_open:
            raise VoteRejected("previous_open")  # its results, and so what it carries, may still change
        result = results(previous)
        if not result.ballots:
            raise VoteRejected("no_votes_yet")  # every item tied at nothing: the shortlist would be all of them
        short = tally.top_n(result, carry or 0)
        voted = {item.item_id for item in result.items if item.voters}
        by_id: dict[Hashable, Project] = {item.project_id: item.project for item in previous.items}
        # Only what someone voted for: 5 items voted on of 58, "carry 8" is those 5, not a tie of 53 at nothing.
        return [by_id[i] for i in (*short.carried, *short.tied) if i in voted]
    questions = ideas_activities(workshop) if activity_id is None else [_question(workshop, activity_id)]
    if not questions:
        raise VoteRejected("no_ideas")
    if source == "themes":
        owners = list(dict.fromkeys(theme_owner(q) for q in questions))  # a shared grouping once
        themes = [theme for owner in owners for theme in owner.themes]
        if not themes:
            raise VoteRejected("no_themes")
        return [_project_for_theme(workshop, theme) for theme in themes]
    if source == "ideas":
        return [_project_for_idea(workshop, idea) for q in questions for idea in wall(q)]
    owners = list(dict.fromkeys(theme_owner(q) for q in ideas_activities(workshop)))
    if source == "theme":
        owner_of = {theme.id: owner for owner in owners for theme in owner.themes}
        if theme_id is None or theme_id not in owner_of:
            raise VoteRejected("no_themes")
        chosen = [idea for idea in span_ideas(owner_of[theme_id]) if idea.theme_id == theme_id]
        if not chosen:
            raise VoteRejected("no_themes")
        return [_project_for_idea(workshop, idea) for idea in chosen]
    if source == "picked":
        theme_by_id = {theme.id: theme for owner in owners for theme in owner.themes}
        ideas = {idea.id: idea for q in ideas_activities(workshop) for idea in wall(q)}
        projects = []
        for picked_as, item_id in dict.fromkeys(picked):  # each once, in the order picked
            if picked_as == "theme" and item_id in theme_by_id:
                projects.append(_project_for_theme(workshop, theme_by_id[item_id]))
            elif picked_as == "idea" and item_id in ideas:
                projects.append(_project_for_idea(workshop, ideas[item_id]))
            else:
                raise VoteRejected("unknown_pick")
        if not projects:
            raise VoteRejected("nothing_picked")
        return projects
    raise VoteRejected("bad_source")


def parse_source(value: str) -> tuple[str, int | None, int | None]:
    """The form's "Vote on" value: "ideas", "themes", "ideas:<question>",
    "themes:<question>", "theme:<theme>", "picked" or "shortlist" ->
    (source, question id, theme id)."""
    source, _sep, number = (value or "ideas").partition(":")
    item_id = int(number) if number.isdecimal() else None
    if number and item_id is None:
        raise VoteRejected("bad_source")
    if source == "theme":
        return "theme", None, item_id
    if source in ("ideas", "themes"):
        return source, item_id, None
    return source, None, None


MAX_ROUND_TITLE = 300


def create_round(workshop: Workshop, title: str, kind: str, projects: list[Project], *,
                 dots: int = 5, max_per_item: int = 3, top_k: int = 3, show_live: bool = False,
                 impact_label: str = "", feasibility_label: str = "", previous: Round | None = None,
                 min_choices: int = 0) -> Round:
    """A new agenda activity holding a round over the given projects. Approval
    and ranking may ask for a minimum of choices (`min_choices`, up to `top_k`)."""
    if kind not in VOTE_KINDS:
        raise VoteRejected("bad_kind")
    if len(projects) < 2:
        raise VoteRejected("too_few_items")
    # Only the numbers the chosen vote type uses are checked: the form hides the others.
    if kind != "dots":
        dots = max(1, min(dots, 100))
        max_per_item = max(1, min(max_per_item, dots))
    if kind not in ("approval", "ranking"):
        top_k = max(1, min(top_k, len(projects)))
        min_choices = 0
    if not (1 <= dots <= 100 and 1 <= max_per_item <= dots and 1 <= top_k <= len(projects)):
        raise VoteRejected("bad_rules")
    if not 0 <= (min_choices or 0) <= top_k:
        raise VoteRejected("bad_minimum", limit=top_k)
    position = workshop.end_of_agenda()
    from workshop.security import is_blank

    title = " ".join(title.split())
    if is_blank(title):  # nothing visible: the vote type names it, in the workshop's language
        with force_locale(workshop.language):
            title = vote_kind_words()[kind]
    if len(title) > MAX_ROUND_TITLE:  # the projector's heading: a sentence, not a page
        raise VoteRejected("long_title")
    activity = Activity(workshop_id=workshop.id, kind=kinds.VOTE, prompt=title, position=position)
    db.session.add(activity)
    db.session.flush()
    round_ = Round(activity_id=activity.id, kind=kind, dots_per_participant=dots, max_dots_per_item=max_per_item,
                   top_k=top_k, show_live_results=show_live, impact_label=impact_label[:40],
                   feasibility_label=feasibility_label[:40], previous_round_id=previous.id if previous else None,
                   min_choices=min_choices or 0)
    db.session.add_all(projects)
    db.session.flush()
    round_.items = [RoundItem(project_id=p.id, position=i) for i, p in enumerate(projects)]
    db.session.add(round_)
    db.session.commit()
    return round_


@dataclass(frozen=True)
class RoundFacts:
    """What a vote needs of its round, read in two small queries: a phone's
    vote must not load the round's 200 items and their projects as objects
    (that was most of a vote's time on a long ballot)."""

    id: int
    kind: str
    activity_id: int
    workshop_id: int
    is_open: bool
    item_ids: tuple[int, ...]
    dots_per_participant: int
    max_dots_per_item: int
    top_k: int
    min_choices: int
    join_code: str

    @property
    def rules(self) -> tally.RoundRules:
        return _rules_of(self)


# The statements of a vote, built once: building a statement and its cache key
# on every vote was a fifth of a vote's time, and running column reads on the
# session's connection skips the ORM's work for results that are not objects.
_ROUND_FACTS = (
    select(Round.id, Round.kind, Round.activity_id, Activity.workshop_id, Activity.state,
           Round.dots_per_participant, Round.max_dots_per_item, Round.top_k, Round.min_choices,
           Workshop.join_code)
    .join(Activity, Activity.id == Round.activity_id)
    .join(Workshop, Workshop.id == Activity.workshop_id)
    .where(Round.id == bindparam("round_id"), Activity.workshop_id == bindparam("workshop_id"))
)
# A phone's vote reads who it is and its round in one statement (each is a
# round trip on PostgreSQL): the participant the cookie names for this code's
# workshop, not gone, and the round of that workshop.
_VOTER_AND_ROUND = (
    select(Participant.id, Workshop.language, Round.id, Round.kind, Round.activity_id, Activity.workshop_id,
           Activity.state, Round.dots_per_participant, Round.max_dots_per_item, Round.top_k, Round.min_choices,
           Workshop.join_code)
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .join(Activity, Activity.workshop_id == Workshop.id)
    .join(Round, Round.activity_id == Activity.id)
    .where(Participant.id.in_(bindparam("ids", expanding=True)), Participant.left_at.is_(None),
           Workshop.join_code == bindparam("code"), Round.id == bindparam("round_id"))
)
_ACTIVITY_STATE = select(Activity.state).where(Activity.id == bindparam("activity_id"))
_BALLOT_ROW = select(Ballot.id, Ballot.content, Ballot.version, Ballot.last_seq).where(
    Ballot.round_id == bindparam("round_id"), Ballot.participant_id == bindparam("participant_id"))
_NEW_BALLOT = insert(Ballot)
_WRITE_BALLOT = update(Ballot).where(Ballot.id == bindparam("ballot_id"), Ballot.version == bindparam("seen"))


def _read(statement, **params):
    """Run a prebuilt column read or write in this request's transaction."""
    return db.session.connection().execute(statement, params)


def round_facts(workshop_id: int, round_id: int) -> RoundFacts:
    """The round of this workshop, as a vote reads it; VoteRejected if it is not one of its rounds."""
    row = _read(_ROUND_FACTS, round_id=round_id, workshop_id=workshop_id).one_or_none()
    if row is None:
        raise VoteRejected("unknown_round")
    return RoundFacts(id=row[0], kind=row[1], activity_id=row[2], workshop_id=row[3], is_open=row[4] == "open",
                      item_ids=_item_ids(row[0], row[2], row[9]), dots_per_participant=row[5],
                      max_dots_per_item=row[6], top_k=row[7], min_choices=row[8] or 0, join_code=row[9])


def voter_and_round(ids: list[int], code: str, round_id: int) -> tuple[int, str, RoundFacts] | None:
    """(participant id, workshop language, round facts) for a phone that joined
    the workshop of this code (one of `ids`) and a round of it; None otherwise
    (the caller tells a stranger from an unknown round)."""
    row = _read(_VOTER_AND_ROUND, ids=ids, code=code, round_id=round_id).first()
    if row is None:
        return None
    facts = RoundFacts(id=row[2], kind=row[3], activity_id=row[4], workshop_id=row[5], is_open=row[6] == "open",
                       item_ids=_item_ids(row[2], row[4], row[11]), dots_per_participant=row[7],
                       max_dots_per_item=row[8], top_k=row[9], min_choices=row[10] or 0, join_code=row[11])
    return row[0], row[1], facts


# A round's items never change once it is made (create_round, or an import that
# makes a new round), so each process reads them once. The key holds the
# workshop's join code too: ids a deleted workshop frees (SQLite reuses the
# highest) never meet a new round's items under another code.
_ITEMS: dict[tuple[int, int, str], tuple[int, ...]] = {}


def _item_ids(round_id: int, activity_id: int, join_code: str) -> tuple[int, ...]:
    key = (round_id, activity_id, join_code)
    found = _ITEMS.get(key)
    if found is None:
        found = tuple(db.session.scalars(select(RoundItem.project_id).where(RoundItem.round_id == round_id)
                                         .order_by(RoundItem.position)))
        if len(_ITEMS) > 512:
            _ITEMS.clear()
        if found:
            _ITEMS[key] = found
    return found


def facts_of(round_: Round | RoundFacts) -> RoundFacts:
    if isinstance(round_, RoundFacts):
        return round_
    return RoundFacts(id=round_.id, kind=round_.kind, activity_id=round_.activity_id,
                      workshop_id=round_.activity.workshop_id, is_open=round_.activity.is_open,
                      item_ids=tuple(item.project_id for item in round_.items),
                      dots_per_participant=round_.dots_per_participant, max_dots_per_item=round_.max_dots_per_item,
                      top_k=round_.top_k, min_choices=round_.min_choices or 0,
                      join_code=round_.activity.workshop.join_code)


_RULES: dict[RoundFacts, tally.RoundRules] = {}


def _rules_of(facts: RoundFacts) -> tally.RoundRules:
    found = _RULES.get(facts)
    if found is None:
        if len(_RULES) > 256:
            _RULES.clear()
        found = _RULES[facts] = tally.RoundRules(
            items=facts.item_ids, dots_per_participant=facts.dots_per_participant,
            max_dots_per_item=facts.max_dots_per_item, top_k=facts.top_k, max_approvals=facts.top_k,
            min_choices=facts.min_choices)
    return found


def rules(round_: Round) -> tally.RoundRules:
    return tally.RoundRules(
        items=tuple(item.project_id for item in round_.items),
        dots_per_participant=round_.dots_per_participant,
        max_dots_per_item=round_.max_dots_per_item,
        top_k=round_.top_k,
        max_approvals=round_.top_k,
        min_choices=round_.min_choices or 0,
    )


def decode_ballot(kind: str, raw: str):
    """Ballot JSON as analysis.tally expects it (JSON keys are strings)."""
    data = json.loads(raw or "null")
    if kind == VoteKind.DOTS:
        return {int(k): v for k, v in (data or {}).items()}
    if kind == VoteKind.IMPACT_FEASIBILITY:
        return {int(k): tuple(v) for k, v in (data or {}).items()}
    return list(data or [])


def ballot_cells(kind: str, content: str) -> list[tuple[int, str]]:
    """(project id, what the ballot says about it), as exports and a person's data
    show it: dots given, place (1 = first), 1 for approved, "impact/feasibility"."""
    data = decode_ballot(kind, content)
    if isinstance(data, dict):  # dots given, or (impact, feasibility) scores
        return [(k, "/".join(map(str, v)) if isinstance(v, tuple) else str(v)) for k, v in data.items()]
    if kind == VoteKind.RANKING:
        return [(p, str(place)) for place, p in enumerate(data, start=1)]
    return [(p, "1") for p in data]


def empty_ballot(kind: str):
    return {} if kind in SCORED else []


def item_title(project_id: int, length: int = 80) -> str:
    """An item's title as a refusal names it on a phone: its start, for a long one."""
    title = db.session.scalar(select(Project.title).where(Project.id == project_id)) or ""
    return title if len(title) <= length else title[:length - 1].rstrip() + "…"


def ballot_of(round_: Round | RoundFacts, participant: Participant):
    row = db.session.scalar(select(Ballot).where(Ballot.round_id == round_.id,
                                                 Ballot.participant_id == participant.id))
    return decode_ballot(round_.kind, row.content) if row else empty_ballot(round_.kind)


def save_ballot(round_: Round | RoundFacts, participant: Participant, change: Callable, seq: int | None = None):
    """Apply change(current ballot) -> new ballot, validated, as one compare-and-set.

    Concurrent requests from one phone each read the ballot and write it only if
    nobody wrote in between; the loser reads again. So a budget can never be
    overspent and no acknowledged change is lost, on SQLite as on PostgreSQL.

    `seq` is the number the phone gave this change (increasing per phone): a
    change numbered at or below the last one applied is a resend after a lost
    answer, or a late duplicate; it is not applied again, and the answer is the
    ballot as stored. So every change is idempotent, dots as whole ballots.
    """
    facts = facts_of(round_)
    if facts.workshop_id != participant.workshop_id:
        raise VoteRejected("wrong_workshop")
    is_open = facts.is_open
    for attempt in range(SAVE_ATTEMPTS):
        if attempt:  # read in this request the first time; a retry comes after a rollback
            is_open = _read(_ACTIVITY_STATE, activity_id=facts.activity_id).scalar() == "open"
        if not is_open:
            raise VoteRejected("closed")
        row = _read(_BALLOT_ROW, round_id=facts.id, participant_id=participant.id).first()
        current = decode_ballot(facts.kind, row.content) if row else empty_ballot(facts.kind)
        if seq is not None and row is not None and row.last_seq is not None and seq <= row.last_seq:
            db.session.rollback()
            return current  # applied already: answering again changes nothing
        new = change(current)
        try:
            tally.validate_ballot(facts.kind, new, facts.rules)
        except tally.BallotError as error:
            db.session.rollback()
            raise VoteRejected(error.code, limit=error.limit) from None
        encoded = json.dumps(new if not isinstance(new, dict) else {str(k): v for k, v in new.items()})
        try:
            # The answer shows the round again: keep what is loaded across the commit.
            if row is None:
                _read(_NEW_BALLOT, round_id=facts.id, participant_id=participant.id, content=encoded, version=1,
                      last_seq=seq)
                commit_keeping_loaded()
                return new
            values = {"content": encoded, "version": row.version + 1,
                      "last_seq": seq if seq is not None else row.last_seq}
            if _read(_WRITE_BALLOT, ballot_id=row.id, seen=row.version, **values).rowcount == 1:
                commit_keeping_loaded()
                return new
            db.session.rollback()
        except (IntegrityError, OperationalError):
            # Another request inserted first, or SQLite's snapshot went stale: read again.
            db.session.rollback()
    raise VoteRejected("busy")


def move_dots(round_: Round | RoundFacts, participant: Participant, project_id: int | None, delta: int | None,
              seq: int | None = None):
    """Add (or take back) dots on one item; `seq` makes a resend harmless (see save_ballot).
    `project_id` and `delta` as the form gives them: the checks refuse what is missing."""
    if round_.kind != "dots" or delta not in (-1, 1):
        raise VoteRejected("malformed")

    def change(ballot: dict) -> dict:
        ballot = dict(ballot)
        ballot[project_id] = ballot.get(project_id, 0) + delta
        if ballot[project_id] < 0:
            raise VoteRejected("invalid_dots")
        if ballot[project_id] == 0:
            del ballot[project_id]
        return ballot

    return save_ballot(round_, participant, change, seq)


def results(round_: Round) -> tally.TallyResult:
    """Every item's total, voters and breakdown by stakeholder group; ties share a rank."""
    rows = db.session.execute(
        select(Ballot.participant_id, Ballot.content, StakeholderGroup.name)
        .join(Participant, Participant.id == Ballot.participant_id)
        .outerjoin(StakeholderGroup, StakeholderGroup.id == Participant.group_id)
        .where(Ballot.round_id == round_.id)
    ).all()
    ballots = [tally.Ballot(participant_id=pid, group=group or NO_GROUP, content=decode_ballot(round_.kind, content))
               for pid, content, group in rows]
    return tally.tally(round_.kind, ballots, rules(round_), validate=False)


def shortlist(round_: Round, n: int) -> tally.Shortlist:
    return tally.top_n(results(round_), n)


def retain(workshop: Workshop, project_ids: list[int], round_: Round | None = None) -> None:
    """Mark the chosen projects as priorities; every other candidate of the
    workshop becomes a candidate orphan project. Retained from `round_` (the
    round on the control view), a priority retained earlier from another round
    stays one: the form lists this round's items only, so leaving one unticked
    there says nothing about it. Unticking one of this round's items does."""
    projects = list(db.session.scalars(select(Project).where(Project.workshop_id == workshop.id)))
    chosen = set(project_ids)
    if not chosen or not chosen <= {p.id for p in projects}:
        raise VoteRejected("bad_retain")
    listed = {item.project_id for item in round_.items} if round_ is not None else None
    for project in projects:
        if project.id in chosen:
            project.status = "priority"
        elif not (listed is not None and project.id not in listed and project.status == "priority"):
            project.status = "orphan_candidate"
    db.session.commit()


def workshop_projects(workshop: Workshop) -> list[Project]:
    """The workshop's candidate projects, priorities first."""
    order = {"priority": 0, "candidate": 1, "orphan_candidate": 2}
    projects = db.session.scalars(select(Project).where(Project.workshop_id == workshop.id)).all()
    return sorted(projects, key=lambda p: (order.get(p.status, 3), p.id))


# A ballot this long gets a search box, a theme filter and headings by theme.
LONG_BALLOT = 12


@dataclass(frozen=True)
class BallotItem:
    """One line of a phone's ballot, with what tells it apart from its neighbours."""

    project_id: int
    number: int  # 1-based, down the ballot as the phone shows it: two equal titles still differ
    title: str
    theme: str  # the theme it belongs to (an idea's theme, or the one it was imported with)
    is_theme: bool  # the item is a whole theme (its ideas together)
    description: str
    question: int | None  # which question it came from, when the round spans several
    # A theme's most central idea, for a theme item with no description: a
    # theme's name alone ("Hiver", "Visite") does not say what one votes for.
    example: str = ""


@dataclass(frozen=True)
class BallotGroup:
    theme: str  # "" for the items without a theme
    items: tuple[BallotItem, ...]


@dataclass(frozen=True)
class BallotView:
    items: tuple[BallotItem, ...]
    groups: tuple[BallotGroup, ...]  # one group holding every item when grouping would not help
    long: bool  # search and theme filter shown

    @property
    def themes(self) -> list[str]:
        return [group.theme for group in self.groups if group.theme]


def ballot_view(round_: Round) -> BallotView:
    """A phone's ballot, built once per request from one query: the items in the
    round's order with their theme, description and question; grouped by theme
    when the list is long and has themes."""
    from workshop.ideas.models import Idea
    from workshop.themes.models import Theme

    example = aliased(Idea)  # the theme's most central idea, beside the item's own idea
    central = (central_first(Project.theme_id, example).with_only_columns(example.text)
               .limit(1).correlate(Project).scalar_subquery())
    rows = db.session.execute(
        select(RoundItem.position, Project.id, Project.title, Project.description, Project.theme_name,
               Project.theme_id, Idea.activity_id, Theme.label, central)
        .join(Project, Project.id == RoundItem.project_id)
        .outerjoin(Idea, Idea.id == Project.idea_id)
        .outerjoin(Theme, Theme.id == Idea.theme_id)
        .where(RoundItem.round_id == round_.id)
        .order_by(RoundItem.position)
    ).all()
    activities = {activity_id for *_rest, activity_id, _label, _example in rows if activity_id}
    numbers = {}
    if len(activities) > 1:
        numbers = {a.id: n for n, a in enumerate(ideas_activities(round_.activity.workshop), start=1)}
    items = tuple(
        BallotItem(project_id=project_id, number=n, title=title, theme=(label or theme_name or "").strip(),
                   is_theme=theme_id is not None, description=(description or "").strip(),
                   question=numbers.get(activity_id), example=(example or "").strip())
        for n, (_position, project_id, title, description, theme_name, theme_id, activity_id, label, example)
        in enumerate(rows, start=1))
    long = len(items) > LONG_BALLOT
    by_theme: dict[str, list[BallotItem]] = {}
    for item in items:
        by_theme.setdefault(item.theme, []).append(item)
    if long and len([theme for theme in by_theme if theme]) > 1:
        # Themes in the order they first appear; the items without one last.
        groups = tuple(BallotGroup(theme, tuple(found)) for theme, found in by_theme.items() if theme)
        if "" in by_theme:
            groups += (BallotGroup("", tuple(by_theme[""])),)
        # Numbered down the ballot as it reads, theme by theme (1, 2, 3 under the first
        # heading), not in the round's order, which would jump about under each heading.
        counter = iter(range(1, len(items) + 1))
        groups = tuple(BallotGroup(group.theme, tuple(replace(item, number=next(counter)) for item in group.items))
                       for group in groups)
        items = tuple(item for group in groups for item in group.items)
    else:
        groups = (BallotGroup("", items),)
    return BallotView(items=items, groups=groups, long=long)


def round_of(workshop: Workshop, round_id: int) -> Round:
    return kind_row_in(workshop, Round, round_id, VoteRejected("unknown_round"))


def remove_participants(ids: list[int]) -> None:
    """Their ballots go (the results are tallied again without them)."""
    from sqlalchemy import delete

    db.session.execute(delete(Ballot).where(Ballot.participant_id.in_(ids)))


def project_lineage(project: Project) -> tuple[list, list]:
    """The ideas a project was made from (its idea, or its theme's visible ideas,
    most central first) and the six-hats comments made on it: what a cell page
    and an orphan project's page show of where it comes from."""
    from workshop.hats.models import HatComment, HatSubject
    from workshop.ideas.models import Idea

    ideas = []
    if project.idea_id:
        ideas = [db.session.get(Idea, project.idea_id)]
    elif project.theme_id:
        ideas = list(db.session.scalars(central_first(project.theme_id)))
    comments = list(db.session.scalars(
        select(HatComment).join(HatSubject, HatSubject.id == HatComment.subject_id)
        .where(HatSubject.project_id == project.id, HatComment.hidden.is_(False)).order_by(HatComment.id)))
    return ideas, comments

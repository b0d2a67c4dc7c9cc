"""Brainwriting rotation ("pass the idea", 6-3-5 style): which idea each phone
builds on in a round.

Rules, in order of weight:

* never one's own idea, never an idea one was already served (any round);
* everyone who can be served is served;
* load is balanced: an idea is served as many times as the others, within one,
  counting every earlier round (so a late joiner or a promoted idea evens out);
* an idea goes, where possible, to someone of another stakeholder group than its
  author, and to groups that have not built on it yet.

The round is one assignment problem (scipy's linear_sum_assignment): each idea
offers "slots" whose cost grows with its load (the k-th extra serve of an idea
served n times costs n + k units), so the cheapest solution fills the least
served ideas first. A load unit outweighs every group preference, so balance
always wins. Plain ids in, plain ids out; deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

Id = Hashable
Seed = int | str | None

LOAD = 1000.0  # one serve more on an idea
SAME_GROUP = 10.0  # the author's own stakeholder group
GROUP_ALREADY = 3.0  # per earlier serve of this idea to someone of the same group
GROUP_ALREADY_CAP = 30.0
FORBIDDEN = 1e9  # own idea, or served before: never chosen when anything else is possible


@dataclass(frozen=True)
class Person:
    id: Id
    group: Id | None = None


@dataclass(frozen=True)
class Idea:
    id: Id
    author: Id
    group: Id | None = None


def eligible(person: Person, idea: Idea, served: set[tuple[Id, Id]]) -> bool:
    return idea.author != person.id and (person.id, idea.id) not in served


def loads(ideas: Iterable[Idea], history: Iterable[tuple[Id, Id]]) -> dict[Id, int]:
    """How many times each idea was served so far."""
    counts = Counter(idea_id for _person, idea_id in history)
    return {idea.id: counts[idea.id] for idea in ideas}


def assign(people: Iterable[Person], ideas: Iterable[Idea], history: Iterable[tuple[Id, Id]] = (),
           groups_of: dict[Id, Id | None] | None = None, seed: Seed = None) -> dict[Id, Id | None]:
    """One idea per person (None when every idea is theirs or was served to them).

    `history` is every (person, idea) served before, leavers included: what they
    were served counts in the ideas' load. `groups_of` gives the group of people
    in the history who are not in `people` (leavers), for the group spread.
    """
    people = sorted(set(people), key=lambda p: repr(p.id))
    ideas = sorted(set(ideas), key=lambda i: repr(i.id))
    history = list(history)
    served = set(history)
    if not people:
        return {}
    if not ideas:
        return {person.id: None for person in people}
    group_of = dict(groups_of or {})
    group_of.update({person.id: person.group for person in people})
    by_group = Counter((group_of.get(person_id), idea_id) for person_id, idea_id in history)
    load = loads(ideas, history)
    choices = [[idea for idea in ideas if eligible(person, idea, served)] for person in people]
    # An idea needs no more slots than the people who may be served it.
    slots = {idea.id: 0 for idea in ideas}
    for options in choices:
        for idea in options:
            slots[idea.id] += 1
    columns = [(idea, k) for idea in ideas for k in range(max(slots[idea.id], 1))]
    if len(columns) < len(people):  # every row needs a column; the extra ones are never cheaper
        columns += [(None, k) for k in range(len(people) - len(columns))]
    jitter = random.Random(seed)
    cost = np.full((len(people), len(columns)), FORBIDDEN)
    for row, person in enumerate(people):
        allowed = {idea.id for idea in choices[row]}
        # A small random preference spreads equal choices instead of following ids.
        taste = {idea.id: jitter.random() for idea in ideas}
        for col, (idea, k) in enumerate(columns):
            if idea is None or idea.id not in allowed:
                continue
            spread = 0.0
            if person.group is not None and person.group == idea.group:
                spread += SAME_GROUP
            spread += min(GROUP_ALREADY * by_group[(person.group, idea.id)], GROUP_ALREADY_CAP)
            cost[row, col] = LOAD * (load[idea.id] + k) + spread + taste[idea.id]
    rows, cols = linear_sum_assignment(cost)
    result: dict[Id, Id | None] = {person.id: None for person in people}
    for row, col in zip(rows, cols, strict=True):
        if cost[row, col] < FORBIDDEN:
            result[people[row].id] = columns[col][0].id
    return result

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
A round of 200 phones over 200 ideas takes about 30 ms.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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
           groups_of: Mapping[Any, Id | None] | None = None, seed: Seed = None) -> dict[Id, Id | None]:
    """One idea per person (None when every idea is theirs or was served to them).

    `history` is every (person, idea) served before, leavers included: what they
    were served counts in the ideas' load. `groups_of` gives the group of people
    in the history who are not in `people` (leavers), for the group spread.
    """
    people = sorted(set(people), key=lambda p: repr(p.id))
    ideas = sorted(set(ideas), key=lambda i: repr(i.id))
    history = list(history)
    if not people:
        return {}
    if not ideas:
        return {person.id: None for person in people}
    served = set(history)
    group_of: dict[Id, Id | None] = dict(groups_of or {})
    group_of.update({person.id: person.group for person in people})
    by_group = Counter((group_of.get(person_id), idea_id) for person_id, idea_id in history)
    allowed = np.array([[eligible(person, idea, served) for idea in ideas] for person in people])
    spread = np.array([[_spread(person, idea, by_group) for idea in ideas] for person in people])
    # A small random preference spreads equal choices instead of following ids.
    jitter = random.Random(seed)
    spread += np.array([[jitter.random() for _idea in ideas] for _person in people])
    counted = loads(ideas, history)
    load = np.array([counted[idea.id] for idea in ideas], dtype=float)
    chosen = _solve(allowed, spread, load)
    return {person.id: (ideas[col].id if col is not None else None) for person, col in zip(people, chosen, strict=True)}


def _spread(person: Person, idea: Idea, by_group: Counter) -> float:
    """The group preferences' cost of serving this idea to this person."""
    cost = SAME_GROUP if person.group is not None and person.group == idea.group else 0.0
    return cost + min(GROUP_ALREADY * by_group[(person.group, idea.id)], GROUP_ALREADY_CAP)


def _solve(allowed: np.ndarray, spread: np.ndarray, load: np.ndarray) -> list[int | None]:
    """The cheapest assignment of rows (people) to columns (ideas), each idea's
    k-th extra serve costing LOAD * (load + k). An idea is offered a few slots
    (about its fair share); an idea whose slots all fill is offered more and the
    problem solved again, so the answer is the same as with unlimited slots, at a
    fraction of the size (200 phones: 300 columns instead of 12,000)."""
    people, count = allowed.shape
    takers = allowed.sum(axis=0)
    fair = -(-(load.sum() + people) // count)  # ceil: the load if every serve were spread evenly
    slots = np.minimum(takers, np.maximum(1, fair - load + 1)).astype(int)
    while True:
        idea_of = np.repeat(np.arange(count), slots)
        extra = np.concatenate([np.arange(n) for n in slots]) if idea_of.size else np.zeros(0, dtype=int)
        cost = LOAD * (load[idea_of] + extra)[None, :] + spread[:, idea_of]
        cost[~allowed[:, idea_of]] = FORBIDDEN
        # One column per person that stands for "nothing": the last resort.
        cost = np.hstack([cost, np.full((people, people), FORBIDDEN)])
        rows, cols = linear_sum_assignment(cost)
        chosen: list[int | None] = [None] * people
        for row, col in zip(rows, cols, strict=True):
            if col < idea_of.size and cost[row, col] < FORBIDDEN:
                chosen[row] = int(idea_of[col])
        used = np.bincount([c for c in chosen if c is not None], minlength=count)
        full = (used >= slots) & (slots < takers)
        if not full.any():
            return chosen
        slots = np.where(full, np.minimum(takers, slots * 2), slots)

"""The brainwriting rotation (analysis/rotation.py): property tests with hypothesis,
and a session at its real size (40 phones, 60 ideas, 3 rounds)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from analysis.rotation import FORBIDDEN, LOAD, Idea, Person, _solve, assign, eligible, loads


@st.composite
def sessions(draw):
    """People in groups, ideas written by some of them (and by people who left), a few rounds."""
    groups = draw(st.integers(1, 4))
    people = [Person(n, draw(st.integers(0, groups - 1))) for n in range(draw(st.integers(1, 14)))]
    leavers = [Person(100 + n, draw(st.integers(0, groups - 1))) for n in range(draw(st.integers(0, 3)))]
    authors = people + leavers
    ideas = [Idea(1000 + n, (a := draw(st.sampled_from(authors))).id, a.group)
             for n in range(draw(st.integers(0, 20)))]
    rounds = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 10**6))
    return people, leavers, ideas, rounds, seed


def run(people, ideas, rounds, seed, leavers=()):
    """Every round's assignment, each round seeing the history before it."""
    history: list[tuple] = []
    done = []
    groups = {p.id: p.group for p in [*people, *leavers]}
    for number in range(rounds):
        served = assign(people, ideas, history, groups_of=groups, seed=f"{seed}:{number}")
        done.append(served)
        history += [(pid, iid) for pid, iid in served.items() if iid is not None]
    return done, history


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_no_one_gets_their_own_idea_nor_one_served_before(session):
    people, leavers, ideas, rounds, seed = session
    by_id = {idea.id: idea for idea in ideas}
    done, history = run(people, ideas, rounds, seed, leavers)
    for served in done:
        for pid, iid in served.items():
            assert iid is None or by_id[iid].author != pid
    assert len(history) == len(set(history))  # never the same idea twice to the same person


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_everyone_who_can_be_served_is_served(session):
    people, leavers, ideas, rounds, seed = session
    history: list[tuple] = []
    for number in range(rounds):
        served = assign(people, ideas, history, seed=number)
        for person in people:
            can = any(eligible(person, idea, set(history)) for idea in ideas)
            assert (served[person.id] is not None) == can
        history += [(pid, iid) for pid, iid in served.items() if iid is not None]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions())
def test_coverage_within_one_unless_the_rules_forbid_it(session):
    """After every round, an idea served two times more than another keeps none
    of this round's people who could have taken the other instead."""
    people, leavers, ideas, rounds, seed = session
    history: list[tuple] = []
    for number in range(rounds):
        before = set(history)
        served = assign(people, ideas, history, seed=number)
        history += [(pid, iid) for pid, iid in served.items() if iid is not None]
        load = loads(ideas, history)
        for person in people:
            got = served[person.id]
            if got is None:
                continue
            for other in ideas:
                if load[got] >= load[other.id] + 2:
                    assert not eligible(person, other, before), (person, got, other.id, load)


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 30), st.integers(1, 40), st.integers(1, 4), st.integers(0, 1000))
def test_when_nothing_forbids_it_every_idea_is_served_within_one(phones, count, rounds, seed):
    """Ideas from people outside the room (a previous question): each round adds one
    serve to as many ideas, always the least served first."""
    rng = random.Random(seed)
    people = [Person(n, n % 3) for n in range(phones)]
    ideas = [Idea(1000 + n, 500 + rng.randrange(5), rng.randrange(3)) for n in range(count)]
    if rounds * phones > count * phones:  # more rounds than ideas: someone runs out
        rounds = count
    _done, history = run(people, ideas, rounds, seed)
    load = loads(ideas, history)
    assert max(load.values()) - min(load.values()) <= 1


def test_a_session_at_real_size_spreads_ideas_across_groups():
    """40 phones in 4 groups, 60 ideas written by them, 3 rounds; a late joiner and a leaver."""
    rng = random.Random(7)
    people = [Person(n, n % 4) for n in range(40)]
    ideas = [Idea(1000 + n, (a := rng.choice(people)).id, a.group) for n in range(60)]
    by_id = {idea.id: idea for idea in ideas}
    history: list[tuple] = []
    for number in range(3):
        if number == 1:
            people = people[1:]  # someone left
        served = assign(people, ideas, history, groups_of={n: n % 4 for n in range(41)}, seed=number)
        assert all(iid is not None for iid in served.values())
        # Another group's idea every time it is possible (at this size it always is).
        assert all(by_id[iid].group != pid % 4 for pid, iid in served.items())
        history += list(served.items())
        if number == 1:  # a late joiner in the middle of round 2
            late = Person(40, 1)
            one = assign([late], ideas, history, groups_of={n: n % 4 for n in range(41)}, seed="late")
            assert one[40] is not None and by_id[one[40]].group != 1
            history.append((40, one[40]))
    load = loads(ideas, history)
    assert max(load.values()) - min(load.values()) <= 1
    assert len(history) == len(set(history)) == 40 + 39 + 39 + 1
    # Groups are a preference the load may overrule: nearly every serve of an idea reaches a new group.
    spread = {iid: {pid % 4 for pid, i in history if i == iid} for iid in by_id}
    repeats = sum(load[iid] - len(spread[iid]) for iid in by_id)
    assert repeats <= 3, repeats


def test_no_ideas_or_no_people():
    assert assign([], [Idea(1, 2)]) == {}
    assert assign([Person(1)], []) == {1: None}
    assert assign([Person(1)], [Idea(5, 1)]) == {1: None}  # only their own idea


def cost_of(chosen, spread, load) -> float:
    extra = Counter()
    total = 0.0
    for row, col in enumerate(chosen):
        if col is not None:
            total += LOAD * (load[col] + extra[col]) + spread[row, col]
            extra[col] += 1
    return total


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 9), st.integers(1, 7), st.integers(0, 10**6))
def test_offering_few_slots_finds_the_same_cost_as_offering_every_slot(people, count, seed):
    """The solver offers each idea about its fair share of slots and more only when
    they fill: its answer costs what the full problem's (every slot offered) does."""
    rng = np.random.default_rng(seed)
    allowed = rng.random((people, count)) < 0.6
    spread = rng.random((people, count)) * 40
    load = rng.integers(0, 4, count).astype(float)
    chosen = _solve(allowed, spread, load)
    # The full problem: every idea offers a slot per person.
    idea_of = np.repeat(np.arange(count), people)
    extra = np.tile(np.arange(people), count)
    full = LOAD * (load[idea_of] + extra)[None, :] + spread[:, idea_of]
    full[~allowed[:, idea_of]] = FORBIDDEN
    rows, cols = linear_sum_assignment(full)
    reference = [None] * people
    for row, col in zip(rows, cols, strict=True):
        if full[row, col] < FORBIDDEN:
            reference[row] = int(idea_of[col])
    assert [c is None for c in chosen] == [c is None for c in reference]
    assert abs(cost_of(chosen, spread, load) - cost_of(reference, spread, load)) < 1e-6

"""Innovation cells: capacity, nobody left out needlessly, first choices, group mixing."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cell_assignment import assign_cells, can_join

FAST = settings(max_examples=60, deadline=None)

GROUP_NAMES = ("etudiant", "employeur", "etablissement", "communautaire", None)
seeds = st.one_of(st.integers(0, 2**32), st.text(max_size=8))


@st.composite
def signups(draw, max_people=60):
    n_cells = draw(st.integers(1, 5))
    cells = [f"cell{i}" for i in range(n_cells)]
    capacities = {c: draw(st.one_of(st.none(), st.integers(0, 25))) for c in cells}
    n = draw(st.integers(0, max_people))
    preferences, groups = {}, {}
    for i in range(n):
        order = draw(st.permutations(cells))
        preferences[f"p{i}"] = list(order[: draw(st.integers(0, n_cells))])
        groups[f"p{i}"] = draw(st.sampled_from(GROUP_NAMES))
    return preferences, groups, capacities


def cell_counts(result):
    return Counter(result.cell_by_participant.values())


@FAST
@given(signups(), seeds)
def test_capacities_never_exceeded(signup, seed):
    preferences, groups, capacities = signup
    result = assign_cells(preferences, groups, capacities, seed)
    for cell, n in cell_counts(result).items():
        assert capacities[cell] is None or n <= capacities[cell]
    assert set(result.cell_by_participant) | set(result.unassigned) == set(preferences)
    assert not set(result.cell_by_participant) & set(result.unassigned)


@FAST
@given(signups(), seeds)
def test_nobody_left_out_while_a_cell_has_room(signup, seed):
    preferences, groups, capacities = signup
    result = assign_cells(preferences, groups, capacities, seed)
    if result.unassigned:
        counts = cell_counts(result)
        assert all(cap is not None and counts[c] == cap for c, cap in capacities.items())


@FAST
@given(signups(max_people=40), seeds, st.randoms(use_true_random=False))
def test_deterministic_for_a_seed_whatever_the_input_order(signup, seed, rnd):
    preferences, groups, capacities = signup
    first = assign_cells(preferences, groups, capacities, seed)
    keys = list(preferences)
    rnd.shuffle(keys)
    cells = list(capacities)
    rnd.shuffle(cells)
    again = assign_cells({k: preferences[k] for k in keys}, groups, {c: capacities[c] for c in cells}, seed)
    assert again == first


@FAST
@given(signups(), seeds)
def test_everyone_gets_their_first_choice_when_capacities_allow(signup, seed):
    preferences, groups, capacities = signup
    # widen capacities so that every first choice fits
    firsts = Counter(p[0] for p in preferences.values() if p)
    roomy = {c: (None if cap is None else max(cap, firsts[c])) for c, cap in capacities.items()}
    result = assign_cells(preferences, groups, roomy, seed)
    for pid, ranked in preferences.items():
        if ranked:
            assert result.cell_by_participant[pid] == ranked[0]


@FAST
@given(signups(), seeds)
def test_first_choices_are_as_many_as_possible(signup, seed):
    preferences, groups, capacities = signup
    result = assign_cells(preferences, groups, capacities, seed)
    # upper bound: each cell can give at most min(capacity, people wanting it first) first choices
    firsts = Counter(p[0] for p in preferences.values() if p)
    bound = sum(n if capacities[c] is None else min(n, capacities[c]) for c, n in firsts.items())
    assert result.stats.choice_counts.get(1, 0) == bound


@FAST
@given(signups(), seeds)
def test_stats_add_up(signup, seed):
    preferences, groups, capacities = signup
    result = assign_cells(preferences, groups, capacities, seed)
    s = result.stats
    placed = len(result.cell_by_participant)
    assert sum(s.choice_counts.values()) + s.unranked == placed
    assert s.unassigned == len(result.unassigned)
    assert sum(s.cell_counts.values()) == placed
    for cell, by_group in s.group_counts.items():
        assert sum(by_group.values()) == s.cell_counts[cell]


def test_hand_computed_capacity_contest():
    # three want A (room for two); the third gets their second choice
    preferences = {"a": ["A", "B"], "b": ["A", "B"], "c": ["A", "C"], "d": ["B"]}
    result = assign_cells(preferences, {}, {"A": 2, "B": 2, "C": 2}, seed=1)
    assert Counter(result.cell_by_participant.values())["A"] == 2
    assert result.stats.choice_counts == {1: 3, 2: 1}
    assert result.unassigned == ()


def test_full_cells_leave_people_out_and_place_others_anywhere():
    preferences = {"a": ["A"], "b": ["A"], "c": ["A"], "d": []}
    result = assign_cells(preferences, {}, {"A": 1, "B": 2}, seed=4)
    assert len(result.unassigned) == 1
    assert cell_counts(result) == {"A": 1, "B": 2}
    assert result.stats.unranked == 2


def test_groups_are_mixed_among_equally_good_answers():
    # six employers and six students all want A then B; A and B hold six each
    preferences = {f"e{i}": ["A", "B"] for i in range(6)} | {f"s{i}": ["A", "B"] for i in range(6)}
    groups = {p: ("employeur" if p.startswith("e") else "etudiant") for p in preferences}
    for seed in range(10):
        result = assign_cells(preferences, groups, {"A": 6, "B": 6}, seed)
        for by_group in result.stats.group_counts.values():
            assert by_group == {"employeur": 3, "etudiant": 3}


def test_group_mixing_never_costs_a_first_choice():
    preferences = {f"e{i}": ["A", "B"] for i in range(4)} | {f"s{i}": ["B", "A"] for i in range(4)}
    groups = {p: ("employeur" if p.startswith("e") else "etudiant") for p in preferences}
    result = assign_cells(preferences, groups, {"A": 4, "B": 4}, seed=2)
    assert result.stats.choice_counts == {1: 8}


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        assign_cells({"a": ["Z"]}, {}, {"A": 1})
    with pytest.raises(ValueError):
        assign_cells({"a": ["A", "A"]}, {}, {"A": 1})
    with pytest.raises(ValueError):
        assign_cells({"a": ["A"]}, {}, {"A": -1})


def test_no_people_or_no_cells():
    assert assign_cells({}, {}, {"A": 3}).cell_by_participant == {}
    result = assign_cells({"a": []}, {}, {})
    assert result.unassigned == ("a",)


def test_can_join_first_come_first_served():
    capacities = {"A": 2, "B": None, "C": 0}
    assert can_join("A", {"A": 1}, capacities)
    assert not can_join("A", {"A": 2}, capacities)
    assert can_join("B", {"B": 500}, capacities)
    assert can_join("A", {}, capacities)
    assert not can_join("C", {}, capacities)
    assert not can_join("Z", {}, capacities)


def test_forum_scale_is_quick():
    import random
    import time

    rnd = random.Random(0)
    cells = ["A", "B", "C"]
    preferences = {i: rnd.sample(cells, 3) for i in range(1000)}
    groups = {i: rnd.choice(GROUP_NAMES) for i in range(1000)}
    start = time.perf_counter()
    result = assign_cells(preferences, groups, {"A": 300, "B": 300, "C": None}, seed=1)
    assert time.perf_counter() - start < 5
    assert result.unassigned == ()

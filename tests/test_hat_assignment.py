"""Six thinking hats: balance, group mixing, late joiners, leavers, sequence, rotation."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.hat_assignment import (
    DEFAULT_SEQUENCE,
    HATS,
    Hat,
    add_late_joiner,
    balanced,
    hat_counts,
    hat_for_step,
    hats_still_to_wear,
    rebalance,
    rotation,
)

FAST = settings(max_examples=40, deadline=None)

GROUP_NAMES = ("etudiant", "employeur", "etablissement", "communautaire", "municipalite", "recherche", None)


@st.composite
def rooms(draw, max_size=300):
    n = draw(st.integers(0, max_size))
    n_groups = draw(st.integers(1, len(GROUP_NAMES)))
    groups = GROUP_NAMES[:n_groups]
    # skewed group sizes are the interesting case: one big group of students, a few employers
    weights = draw(st.lists(st.integers(1, 10), min_size=n_groups, max_size=n_groups))
    pool = [g for g, w in zip(groups, weights) for _ in range(w)]
    return [(f"p{i}", draw(st.sampled_from(pool))) for i in range(n)]


seeds = st.one_of(st.integers(0, 2**32), st.text(max_size=8))


def spread(counts):
    values = list(counts.values())
    return max(values) - min(values) if values else 0


def group_hat_counts(assignment, groups):
    per_group = {}
    for pid, hat in assignment.items():
        per_group.setdefault(groups[pid], Counter())[hat] += 1
    return {g: {h: c.get(h, 0) for h in HATS} for g, c in per_group.items()}


# --------------------------------------------------------------------------- balanced


@FAST
@given(rooms(), seeds)
def test_balanced_within_one_and_groups_spread(room, seed):
    assignment = balanced(room, seed)
    assert set(assignment) == {pid for pid, _ in room}
    assert spread(hat_counts(assignment)) <= 1
    for counts in group_hat_counts(assignment, dict(room)).values():
        assert spread(counts) <= 1


@FAST
@given(rooms(max_size=80), seeds, st.randoms(use_true_random=False))
def test_balanced_is_deterministic_and_ignores_input_order(room, seed, rnd):
    shuffled = list(room)
    rnd.shuffle(shuffled)
    assert balanced(shuffled, seed) == balanced(room, seed)


def test_not_all_employers_under_the_black_hat():
    room = [(f"e{i}", "employeur") for i in range(6)] + [(f"s{i}", "etudiant") for i in range(30)]
    for seed in range(20):
        employers = Counter(h for p, h in balanced(room, seed).items() if p.startswith("e"))
        assert set(employers.values()) == {1}


def test_different_seeds_give_different_hands():
    room = [(i, "x") for i in range(30)]
    assert len({tuple(balanced(room, s).values()) for s in range(10)}) > 1


def test_duplicate_participant_is_refused():
    with pytest.raises(ValueError):
        balanced([("a", "x"), ("a", "y")], 1)


# --------------------------------------------------------------------------- late joiners and leavers


@FAST
@given(rooms(max_size=120), st.lists(st.sampled_from(GROUP_NAMES), max_size=20), seeds)
def test_late_joiners_keep_balance(room, newcomer_groups, seed):
    assignment = balanced(room, seed)
    groups = dict(room)
    for i, group in enumerate(newcomer_groups):
        pid = f"late{i}"
        hat = add_late_joiner(assignment, groups, (pid, group), seed)
        assert add_late_joiner(assignment, groups, (pid, group), seed) == hat  # deterministic
        assignment[pid] = hat
        groups[pid] = group
        assert spread(hat_counts(assignment)) <= 1


def test_late_joiner_goes_where_their_group_is_scarce():
    # two employers already under white and red; all hats have two people
    assignment = {}
    groups = {}
    for i, hat in enumerate(HATS * 2):
        pid = f"p{i}"
        assignment[pid] = hat
        groups[pid] = "employeur" if hat in (Hat.WHITE, Hat.RED) and i < 6 else "etudiant"
    for seed in range(10):
        hat = add_late_joiner(assignment, groups, ("new", "employeur"), seed)
        assert hat not in (Hat.WHITE, Hat.RED)


def test_reconnecting_participant_keeps_their_hat():
    assignment = {"a": Hat.RED}
    assert add_late_joiner(assignment, {"a": "x"}, ("a", "x"), 3) is Hat.RED


def minimal_moves(assignment):
    n = len(assignment)
    base, extra = divmod(n, 6)
    counts = sorted(hat_counts(assignment).values(), reverse=True)
    targets = [base + 1] * extra + [base] * (6 - extra)
    return sum(max(0, c - t) for c, t in zip(counts, targets))


@FAST
@given(rooms(max_size=150), st.data(), seeds)
def test_rebalance_after_leavers_moves_as_few_as_possible(room, data, seed):
    assignment = balanced(room, seed)
    groups = dict(room)
    leavers = data.draw(st.sets(st.sampled_from(sorted(assignment)) if assignment else st.nothing()))
    remaining = {p: h for p, h in assignment.items() if p not in leavers}
    result = rebalance(remaining, groups, seed)
    assert set(result) == set(remaining)
    assert spread(hat_counts(result)) <= 1
    moved = sum(1 for p in result if result[p] != remaining[p])
    assert moved == minimal_moves(remaining)
    assert rebalance(remaining, groups, seed) == result


def test_rebalance_moves_nobody_when_already_balanced():
    assignment = balanced([(i, i % 3) for i in range(20)], 5)
    assert rebalance(assignment, {i: i % 3 for i in range(20)}, 5) == assignment


def test_rebalance_prefers_moving_the_over_represented_group():
    # white: 3 employers + 1 student; other hats hold students only
    assignment = {"e1": Hat.WHITE, "e2": Hat.WHITE, "e3": Hat.WHITE, "s0": Hat.WHITE}
    groups = {"e1": "employeur", "e2": "employeur", "e3": "employeur", "s0": "etudiant"}
    for i, hat in enumerate(HATS[1:]):
        assignment[f"s{i + 1}"] = hat
        groups[f"s{i + 1}"] = "etudiant"
    result = rebalance(assignment, groups, 1)
    moved = [p for p in result if result[p] != assignment[p]]
    assert len(moved) == 2 and all(p.startswith("e") for p in moved)


# --------------------------------------------------------------------------- sequence


def test_default_sequence():
    # Written out here, not read from DEFAULT_SEQUENCE: the order a session follows.
    assert [hat_for_step(i) for i in range(7)] == [Hat.BLUE, Hat.WHITE, Hat.GREEN, Hat.YELLOW, Hat.BLACK, Hat.RED,
                                                   Hat.BLUE]
    assert len(DEFAULT_SEQUENCE) == 7
    assert hat_for_step(1, ("red", "white")) is Hat.WHITE
    with pytest.raises(IndexError):
        hat_for_step(7)
    with pytest.raises(IndexError):
        hat_for_step(-1)


# --------------------------------------------------------------------------- rotation


def test_hats_still_to_wear_restarts_after_six():
    assert hats_still_to_wear([]) == frozenset(HATS)
    assert hats_still_to_wear(["red", "blue"]) == frozenset(HATS) - {Hat.RED, Hat.BLUE}
    assert hats_still_to_wear(list(HATS)) == frozenset(HATS)
    assert hats_still_to_wear(list(HATS) + [Hat.GREEN]) == frozenset(HATS) - {Hat.GREEN}


def never_repeats_within_a_cycle(history):
    for start in range(0, len(history), 6):
        cycle = history[start : start + 6]
        if len(set(cycle)) != len(cycle):
            return False
    return True


@FAST
@given(rooms(max_size=60), seeds, st.integers(1, 8))
def test_rotating_a_balanced_room_stays_balanced_and_wears_all_six(room, seed, rounds):
    first = balanced(room, seed)
    history = {pid: [hat] for pid, hat in first.items()}
    groups = dict(room)
    for _round in range(rounds):
        new = rotation(history, room, seed)
        assert set(new) == set(history)
        for pid, hat in new.items():
            assert hat in hats_still_to_wear(history[pid])
            history[pid].append(hat)
        assert spread(hat_counts(new)) <= 1
        for counts in group_hat_counts(new, groups).values():
            assert spread(counts) <= 1
    for hats in history.values():
        assert never_repeats_within_a_cycle(hats)
        if len(hats) >= 6:
            assert set(hats[:6]) == set(HATS)


@st.composite
def churning_sessions(draw):
    """Rounds where people leave and arrive, with arbitrary (but valid) earlier hats."""
    room = draw(rooms(max_size=40))
    history = {}
    for pid, _ in room:
        worn = draw(st.permutations(HATS))
        history[pid] = list(worn[: draw(st.integers(0, 11)) % 6]) if draw(st.booleans()) else []
    return room, history


@FAST
@given(churning_sessions(), seeds, st.integers(1, 4), st.data())
def test_rotation_never_repeats_before_all_six(session, seed, rounds, data):
    room, history = session
    history = {pid: list(h) for pid, h in history.items()}
    for r in range(rounds):
        if room and data.draw(st.booleans()):
            room = room[1:]  # someone left
        room = room + [(f"new{r}", data.draw(st.sampled_from(GROUP_NAMES)))]
        new = rotation(history, room, seed)
        assert rotation(history, room, seed) == new
        assert set(new) == {pid for pid, _ in room}
        for pid, hat in new.items():
            assert hat in hats_still_to_wear(history.get(pid, []))
            history.setdefault(pid, []).append(hat)
    for hats in history.values():
        assert never_repeats_within_a_cycle(hats)


@FAST
@given(rooms(max_size=120), seeds)
def test_rotation_with_no_history_is_balanced(room, seed):
    assert spread(hat_counts(rotation({}, room, seed))) <= 1


def test_rotation_balances_as_well_as_the_histories_allow():
    # five people have worn everything but blue: they must all wear blue
    history = {f"p{i}": [h for h in HATS if h is not Hat.BLUE] for i in range(5)}
    room = [(f"p{i}", "x") for i in range(5)] + [(f"q{i}", "y") for i in range(7)]
    result = rotation(history, room, 1)
    assert all(result[f"p{i}"] is Hat.BLUE for i in range(5))
    # the seven free people avoid blue and fill the five other hats within one
    others = Counter(result[f"q{i}"] for i in range(7))
    assert Hat.BLUE not in others
    assert sorted(others.values()) == [1, 1, 1, 2, 2]


def test_rotation_large_room_is_quick():
    import time

    room = [(i, i % 8) for i in range(300)]
    history = {pid: [hat] for pid, hat in balanced(room, 1).items()}
    start = time.perf_counter()
    result = rotation(history, room, 1)
    assert time.perf_counter() - start < 2
    assert spread(hat_counts(result)) <= 1

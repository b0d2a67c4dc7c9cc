"""Voting-round tallies: hand-computed cases, ballot validation, and properties."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.tally import (
    ERROR_CODES,
    Ballot,
    BallotError,
    Quadrant,
    RoundRules,
    VoteKind,
    is_empty,
    tally,
    tally_approval,
    tally_dots,
    tally_impact_feasibility,
    tally_ranking,
    top_n,
    validate_ballot,
)

FAST = settings(max_examples=60, deadline=None)


# --------------------------------------------------------------------------- hand-computed


def ranks(result):
    return {it.item_id: it.rank for it in result.items}


def test_dots_hand_computed():
    rules = RoundRules(items=("a", "b", "c", "d"), dots_per_participant=5, max_dots_per_item=3)
    ballots = [
        Ballot(1, "employeur", {"a": 3, "b": 2}),
        Ballot(2, "etudiant", {"b": 1, "c": 3, "d": 0}),
        Ballot(3, "etudiant", {"a": 1, "d": 1}),
    ]
    result = tally_dots(ballots, rules)
    a, b, c, d = (result.item(x) for x in "abcd")
    assert (a.total, a.voters) == (4, 2)
    assert (b.total, b.voters) == (3, 2)
    assert (c.total, c.voters) == (3, 1)
    assert (d.total, d.voters) == (1, 1)  # a 0 on an item is not a vote for it
    assert ranks(result) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert [it.item_id for it in result.items] == ["a", "b", "c", "d"]
    assert a.by_group["employeur"].total == 3
    assert a.by_group["etudiant"].total == 1 and a.by_group["etudiant"].voters == 1
    assert c.by_group["employeur"].total == 0  # every group that voted is listed
    assert result.ballots == 3
    assert result.ballots_by_group == {"employeur": 1, "etudiant": 2}


def test_ranking_borda_hand_computed():
    rules = RoundRules(items=("a", "b", "c", "d"), top_k=3)
    ballots = [
        Ballot(1, "x", ["a", "b", "c"]),  # a 3, b 2, c 1
        Ballot(2, "y", ["b", "a"]),  # b 3, a 2 (short ranking)
        Ballot(3, "y", ["c", "b", "d"]),  # c 3, b 2, d 1
    ]
    result = tally_ranking(ballots, rules)
    assert {it.item_id: it.total for it in result.items} == {"a": 5, "b": 7, "c": 4, "d": 1}
    assert ranks(result) == {"b": 1, "a": 2, "c": 3, "d": 4}
    assert result.item("b").voters == 3
    assert result.item("b").by_group["y"].total == 5


def test_approval_hand_computed():
    rules = RoundRules(items=("a", "b", "c"), max_approvals=2)
    ballots = [Ballot(1, "x", ["a", "b"]), Ballot(2, "x", {"b"}), Ballot(3, None, [])]
    result = tally_approval(ballots, rules)
    assert {it.item_id: it.total for it in result.items} == {"a": 1, "b": 2, "c": 0}
    assert ranks(result) == {"b": 1, "a": 2, "c": 3}
    # The empty ballot is no ballot: neither counted nor a group of its own.
    assert result.groups == ("x",)
    assert result.ballots == 2


@pytest.mark.parametrize("kind, empty", [("approval", []), ("ranking", [None, None]), ("dots", {"a": 0}),
                                         ("impact_feasibility", {})])
def test_an_empty_ballot_is_no_ballot(kind, empty):
    rules = RoundRules(items=("a", "b"))
    result = tally(kind, [Ballot(1, "x", empty)], rules)
    assert result.ballots == 0 and result.groups == () and all(it.voters == 0 for it in result.items)


def test_a_ranking_with_an_empty_first_place_is_refused_not_promoted():
    rules = RoundRules(items=("a", "b", "c"), top_k=3)
    with pytest.raises(BallotError) as err:
        validate_ballot("ranking", [None, "b", "c"], rules)
    assert err.value.code == "rank_gap" and err.value.value == 1
    with pytest.raises(BallotError, match="place 2"):
        validate_ballot("ranking", ["a", None, "c"], rules)
    validate_ballot("ranking", ["a", "b", None], rules)  # empty places at the end are fine
    result = tally("ranking", [Ballot(1, "x", ["b", None])], rules)
    assert result.item("b").total == 3  # first place: full Borda points


@pytest.mark.parametrize("kind, few, enough, code", [
    ("approval", ["a"], ["a", "b"], "too_few_approved"),
    ("ranking", ["a"], ["a", "b"], "too_few_ranked"),
])
def test_a_minimum_of_choices(kind, few, enough, code):
    rules = RoundRules(items=("a", "b", "c"), top_k=3, max_approvals=3, min_choices=2)
    with pytest.raises(BallotError) as err:
        validate_ballot(kind, few, rules)
    assert (err.value.code, err.value.limit, err.value.value) == (code, 2, 1)
    validate_ballot(kind, enough, rules)
    validate_ballot(kind, [], rules)  # nothing chosen: no ballot, which the minimum allows
    with pytest.raises(ValueError):
        RoundRules(items=("a",), min_choices=-1)


def test_impact_feasibility_hand_computed():
    rules = RoundRules(items=("a", "b", "c", "d"))
    ballots = [
        Ballot(1, "x", {"a": (5, 4), "b": (2, 5), "c": (5, 2)}),
        Ballot(2, "y", {"a": (4, 4), "b": (2, 4), "c": (4, 2)}),
    ]
    result = tally_impact_feasibility(ballots, rules)
    a, b, c, d = (result.item(x) for x in "abcd")
    assert (a.impact_mean, a.feasibility_mean, a.voters) == (4.5, 4.0, 2)
    assert a.score == 18.0 and a.quadrant is Quadrant.QUICK_WIN
    assert (b.impact_mean, b.feasibility_mean) == (2.0, 4.5) and b.quadrant is Quadrant.EASY_TASK
    assert (c.impact_mean, c.feasibility_mean) == (4.5, 2.0) and c.quadrant is Quadrant.MAJOR_PROJECT
    assert (d.voters, d.impact_mean, d.quadrant, d.score) == (0, None, None, 0.0)
    assert b.score == c.score == 9.0
    assert ranks(result) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert a.by_group["x"].impact_mean == 5 and a.by_group["y"].feasibility_mean == 4
    assert a.impact_total == 9 and a.feasibility_total == 8


def test_quadrant_low_low_and_middle_counts_as_high():
    rules = RoundRules(items=("a", "b"))
    result = tally_impact_feasibility([Ballot(1, "x", {"a": (1, 2), "b": (3, 3)})], rules)
    assert result.item("a").quadrant is Quadrant.RECONSIDER
    assert result.item("b").quadrant is Quadrant.QUICK_WIN


def test_ties_in_impact_feasibility_are_exact():
    # 1/3-style means would make float products differ in the last bit.
    rules = RoundRules(items=("a", "b"))
    ballots = [
        Ballot(1, "x", {"a": (1, 3), "b": (3, 1)}),
        Ballot(2, "x", {"a": (1, 3), "b": (3, 1)}),
        Ballot(3, "x", {"a": (2, 5), "b": (5, 2)}),
    ]
    assert ranks(tally_impact_feasibility(ballots, rules)) == {"a": 1, "b": 1}


def test_two_ballots_from_one_participant_are_refused():
    rules = RoundRules(items=("a",))
    with pytest.raises(ValueError):
        tally_dots([Ballot(1, "x", {"a": 1}), Ballot(1, "x", {"a": 1})], rules)


def test_tally_dispatch_by_name():
    rules = RoundRules(items=("a", "b"))
    result = tally("approval", [Ballot(1, "x", ["a"])], rules)
    assert result.kind is VoteKind.APPROVAL
    with pytest.raises(ValueError):
        tally("plurality", [], rules)


def test_no_ballots_everything_tied_first():
    rules = RoundRules(items=("a", "b", "c"))
    for kind in VoteKind:
        result = tally(kind, [], rules)
        assert ranks(result) == {"a": 1, "b": 1, "c": 1}
        assert result.ballots == 0


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kind, content, code",
    [
        ("dots", {"a": 3, "b": 3}, "over_budget"),
        ("dots", {"a": 4}, "too_many_on_item"),
        ("dots", {"z": 1}, "unknown_item"),
        ("dots", {"a": -1}, "invalid_dots"),
        ("dots", {"a": 1.5}, "invalid_dots"),
        ("dots", {"a": True}, "invalid_dots"),
        ("dots", ["a"], "malformed"),
        ("impact_feasibility", {"a": (6, 1)}, "score_out_of_range"),
        ("impact_feasibility", {"a": (3, 0)}, "score_out_of_range"),
        ("impact_feasibility", {"a": (3, "4")}, "score_out_of_range"),
        ("impact_feasibility", {"a": 3}, "malformed"),
        ("impact_feasibility", {"a": (3, 3, 3)}, "malformed"),
        ("impact_feasibility", {"z": (3, 3)}, "unknown_item"),
        ("ranking", ["a", "b", "a"], "duplicate_rank"),
        ("ranking", ["a", "b", "c", "d"], "too_many_ranked"),
        ("ranking", ["a", "z"], "unknown_item"),
        ("ranking", "ab", "malformed"),
        ("ranking", [None, "a"], "rank_gap"),
        ("approval", ["a", "a"], "duplicate_item"),
        ("approval", ["a", "b", "c", "d"], "too_many_approved"),
        ("approval", [["a"]], "unknown_item"),
        ("approval", 3, "malformed"),
    ],
)
def test_validation_codes(kind, content, code):
    rules = RoundRules(items=("a", "b", "c", "d"), dots_per_participant=5, max_dots_per_item=3, top_k=3, max_approvals=3)
    with pytest.raises(BallotError) as err:
        validate_ballot(kind, content, rules)
    assert err.value.code == code
    assert code in ERROR_CODES


def test_validation_carries_details_for_the_message():
    rules = RoundRules(items=("a", "b"), dots_per_participant=5, max_dots_per_item=3)
    with pytest.raises(BallotError) as err:
        validate_ballot(VoteKind.DOTS, {"a": 4}, rules)
    assert (err.value.item, err.value.limit, err.value.value) == ("a", 3, 4)
    with pytest.raises(BallotError) as err:
        validate_ballot(VoteKind.DOTS, {"a": 3, "b": 3}, rules)
    assert (err.value.limit, err.value.value) == (5, 6)


def test_tally_validates_by_default():
    rules = RoundRules(items=("a",), max_dots_per_item=2)
    with pytest.raises(BallotError):
        tally_dots([Ballot(1, "x", {"a": 3})], rules)
    assert tally_dots([Ballot(1, "x", {"a": 3})], rules, validate=False).item("a").total == 3


def test_valid_ballots_pass():
    rules = RoundRules(items=("a", "b", "c"))
    validate_ballot("dots", {"a": 3, "b": 2}, rules)
    validate_ballot("impact_feasibility", {"a": (1, 5), "c": [5, 5]}, rules)
    validate_ballot("ranking", ("c", "a"), rules)
    validate_ballot("approval", set(), rules)


def test_rules_reject_nonsense():
    with pytest.raises(ValueError):
        RoundRules(items=("a", "a"))
    with pytest.raises(ValueError):
        RoundRules(items=("a",), top_k=0)
    with pytest.raises(ValueError):
        RoundRules(items=("a",), score_min=5, score_max=1)


# --------------------------------------------------------------------------- top_n


def test_top_n_clean_cut_and_tie_at_cut():
    rules = RoundRules(items=("a", "b", "c", "d"))
    ballots = [Ballot(1, "x", {"a": 3, "b": 1, "c": 1})]  # ranks 1, 2, 2, 4
    result = tally_dots(ballots, rules)
    clean = top_n(result, 3)
    assert clean.carried == ("a", "b", "c") and not clean.tie_at_cut and clean.tied == ()
    cut = top_n(result, 2)
    assert cut.carried == ("a",)
    assert cut.tie_at_cut and cut.tied == ("b", "c") and cut.seats_left == 1
    assert top_n(result, 0).carried == () and not top_n(result, 0).tie_at_cut
    assert top_n(result, 10).carried == ("a", "b", "c", "d")
    with pytest.raises(ValueError):
        top_n(result, -1)


# --------------------------------------------------------------------------- properties

GROUPS = ("etudiant", "employeur", "etablissement", None)


@st.composite
def round_setup(draw, kind):
    n_items = draw(st.integers(1, 12))
    items = tuple(f"i{k}" for k in range(n_items))
    rules = RoundRules(
        items=items,
        dots_per_participant=draw(st.integers(1, 8)),
        max_dots_per_item=draw(st.integers(1, 4)),
        top_k=draw(st.integers(1, 6)),
        max_approvals=draw(st.integers(1, 6)),
    )
    n_voters = draw(st.integers(0, 25))
    ballots = []
    for pid in range(n_voters):
        group = draw(st.sampled_from(GROUPS))
        if kind is VoteKind.DOTS:
            picks = draw(st.lists(st.sampled_from(items), max_size=rules.dots_per_participant))
            content = {item: min(n, rules.max_dots_per_item) for item, n in Counter(picks).items()}
        elif kind is VoteKind.IMPACT_FEASIBILITY:
            scored = draw(st.lists(st.sampled_from(items), unique=True))
            content = {item: (draw(st.integers(1, 5)), draw(st.integers(1, 5))) for item in scored}
        elif kind is VoteKind.RANKING:
            order = draw(st.permutations(items))
            content = list(order[: draw(st.integers(0, min(rules.top_k, n_items)))])
        else:
            content = draw(st.lists(st.sampled_from(items), unique=True, max_size=rules.max_approvals))
        ballots.append(Ballot(pid, group, content))
    return rules, ballots


def any_round():
    return st.sampled_from(list(VoteKind)).flatmap(lambda kind: st.tuples(st.just(kind), round_setup(kind)))


def exact_key(kind, it):
    if kind is VoteKind.IMPACT_FEASIBILITY:
        return Fraction(it.impact_total * it.feasibility_total, it.voters**2) if it.voters else Fraction(0)
    return it.total


@FAST
@given(round_setup(VoteKind.DOTS))
def test_dots_tallied_equal_dots_spent(setup):
    rules, ballots = setup
    result = tally_dots(ballots, rules)
    assert sum(it.total for it in result.items) == sum(sum(b.content.values()) for b in ballots)


@FAST
@given(st.integers(1, 10), st.integers(1, 8), st.integers(0, 30), st.randoms(use_true_random=False))
def test_unanimous_ranking_comes_out_in_that_order(n_items, top_k, n_voters, rnd):
    items = [f"i{k}" for k in range(n_items)]
    rnd.shuffle(items)
    rules = RoundRules(items=tuple(sorted(items)), top_k=top_k)
    common = items[:top_k]
    ballots = [Ballot(pid, rnd.choice(GROUPS), list(common)) for pid in range(n_voters)]
    result = tally_ranking(ballots, rules)
    if n_voters == 0:
        assert {it.rank for it in result.items} == {1}
        return
    assert [it.item_id for it in result.items[: len(common)]] == common
    assert [it.rank for it in result.items[: len(common)]] == list(range(1, len(common) + 1))
    # the unranked rest is one tie, below every ranked item
    assert {it.rank for it in result.items[len(common) :]} <= {len(common) + 1}


@FAST
@given(any_round())
def test_group_breakdowns_sum_to_totals(kind_setup):
    kind, (rules, ballots) = kind_setup
    result = tally(kind, ballots, rules)
    assert sum(result.ballots_by_group.values()) == result.ballots == sum(not is_empty(b.content) for b in ballots)
    for it in result.items:
        groups = it.by_group.values()
        assert set(it.by_group) == set(result.groups)
        assert sum(g.voters for g in groups) == it.voters
        assert sum(g.total for g in groups) == it.total
        assert sum(g.impact_total for g in groups) == it.impact_total
        assert sum(g.feasibility_total for g in groups) == it.feasibility_total


@FAST
@given(any_round())
def test_ties_share_a_rank(kind_setup):
    kind, (rules, ballots) = kind_setup
    result = tally(kind, ballots, rules)
    keys = [exact_key(kind, it) for it in result.items]
    assert keys == sorted(keys, reverse=True)
    for it, key in zip(result.items, keys):
        # competition ranking: 1 + how many items strictly beat this one
        assert it.rank == 1 + sum(1 for other in keys if other > key)
    # within a tie, display order is the ballot's item order, never the votes
    position = {item: i for i, item in enumerate(rules.items)}
    for first, second in zip(result.items, result.items[1:]):
        if first.rank == second.rank:
            assert position[first.item_id] < position[second.item_id]


@FAST
@given(any_round(), st.randoms(use_true_random=False))
def test_ballot_order_does_not_change_the_result(kind_setup, rnd):
    kind, (rules, ballots) = kind_setup
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert tally(kind, shuffled, rules) == tally(kind, ballots, rules)


@FAST
@given(any_round())
def test_generated_ballots_are_valid(kind_setup):
    kind, (rules, ballots) = kind_setup
    for b in ballots:
        validate_ballot(kind, b.content, rules)


@FAST
@given(any_round(), st.integers(0, 14))
def test_top_n_never_breaks_a_tie(kind_setup, n):
    kind, (rules, ballots) = kind_setup
    result = tally(kind, ballots, rules)
    cut = top_n(result, n)
    rank = {it.item_id: it.rank for it in result.items}
    assert len(cut.carried) <= n
    assert len(set(cut.carried) | set(cut.tied)) == len(cut.carried) + len(cut.tied)
    if cut.tie_at_cut:
        assert len({rank[i] for i in cut.tied}) == 1
        assert len(cut.tied) > cut.seats_left >= 1
        assert len(cut.carried) + cut.seats_left == n
        assert all(rank[c] < rank[cut.tied[0]] for c in cut.carried)
    else:
        assert len(cut.carried) == min(n, len(rules.items))
    # nothing left out beats or equals a carried item's rank unless it is in the tie
    worst_carried = max((rank[c] for c in cut.carried), default=0)
    for item, r in rank.items():
        if item not in cut.carried and item not in cut.tied:
            assert r > worst_carried

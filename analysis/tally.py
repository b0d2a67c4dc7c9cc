"""Voting rounds of the prioritisation phase: ballot validation, tallies and the cut.

Four vote types funnel the candidate projects to a shortlist:

* ``dots`` — each participant has N dots, at most M on one item;
  ballot content: ``{item_id: dots}``.
* ``impact_feasibility`` — each participant scores items on two criteria;
  ballot content: ``{item_id: (impact, feasibility)}``; items left out were not scored.
* ``ranking`` — each participant orders a top K; results by Borda count;
  ballot content: ``[best_item_id, second_item_id, ...]``.
* ``approval`` — each participant chooses up to K items;
  ballot content: a list, tuple or set of distinct item ids.

A ballot counts once it holds a choice: an empty one (every dot taken back,
every tick removed) is no ballot at all, in the totals as in the count of
ballots. A round may ask for a minimum of choices (``min_choices``: approvals
or places); a ballot under it is refused, never counted half.

Ties are reported as ties everywhere: tied items share a rank (1, 2, 2, 4) and
``top_n`` hands the facilitator the tied items instead of picking among them.

Plain Python on purpose: the web layer calls these functions inside a request,
and the database layer stays out of here.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from functools import cached_property
from operator import itemgetter
from typing import Any, TypeGuard

ItemId = Hashable
ParticipantId = Hashable
#: A stakeholder group id; ``None`` when the participant did not pick one.
Group = Hashable


class VoteKind(str, Enum):
    """The vote types a voting round can use."""

    DOTS = "dots"
    IMPACT_FEASIBILITY = "impact_feasibility"
    RANKING = "ranking"
    APPROVAL = "approval"


class Quadrant(str, Enum):
    """Where an item falls in the impact × feasibility 2×2 (the web layer owns the labels)."""

    QUICK_WIN = "quick_win"  # high impact, high feasibility
    MAJOR_PROJECT = "major_project"  # high impact, low feasibility
    EASY_TASK = "easy_task"  # low impact, high feasibility
    RECONSIDER = "reconsider"  # low impact, low feasibility


#: Every ``BallotError.code`` this module raises, for the web layer's message catalogue.
ERROR_CODES = (
    "malformed",  # content of the wrong shape for the vote type
    "unknown_item",  # an item that is not on this round's ballot
    "invalid_dots",  # a dot count that is not a whole number >= 0
    "too_many_on_item",  # more than max_dots_per_item on one item
    "over_budget",  # more dots than dots_per_participant in total
    "score_out_of_range",  # a score that is not a whole number within [score_min, score_max]
    "duplicate_rank",  # the same item twice in a ranking
    "too_many_ranked",  # a ranking longer than top_k
    "rank_gap",  # an empty place above a filled one (None in the list)
    "too_few_ranked",  # fewer places filled than min_choices (but some)
    "duplicate_item",  # the same item twice in an approval ballot
    "too_many_approved",  # more than max_approvals items approved
    "too_few_approved",  # fewer items approved than min_choices (but some)
)


class BallotError(ValueError):
    """A ballot that breaks the round's rules.

    ``code`` is one of ``ERROR_CODES``; ``item``, ``limit`` and ``value`` carry what the
    web layer needs to word the message ("3 dots at most on one idea, you put 4").
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        item: ItemId | None = None,
        limit: int | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.item = item
        self.limit = limit
        self.value = value


@dataclass(frozen=True)
class RoundRules:
    """The items on a round's ballot and the limits of each vote type.

    ``items`` is in display order, which is also the order tied items are listed in.
    """

    items: tuple[ItemId, ...]
    dots_per_participant: int = 5
    max_dots_per_item: int = 3
    score_min: int = 1
    score_max: int = 5
    top_k: int = 3
    max_approvals: int = 3
    #: Approval and ranking: the fewest choices a ballot may hold (0: no minimum).
    min_choices: int = 0
    _item_set: frozenset = field(init=False, repr=False, compare=False)
    _position: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        items = tuple(self.items)
        object.__setattr__(self, "items", items)
        if len(set(items)) != len(items):
            raise ValueError("RoundRules.items has duplicates")
        for name in ("dots_per_participant", "max_dots_per_item", "top_k", "max_approvals"):
            if not _is_whole(getattr(self, name)) or getattr(self, name) < 1:
                raise ValueError(f"RoundRules.{name} must be a whole number >= 1")
        if not _is_whole(self.min_choices) or self.min_choices < 0:
            raise ValueError("RoundRules.min_choices must be a whole number >= 0")
        if not (_is_whole(self.score_min) and _is_whole(self.score_max)):
            raise ValueError("RoundRules scores must be whole numbers")
        if self.score_min > self.score_max:
            raise ValueError("RoundRules.score_min is above score_max")
        object.__setattr__(self, "_item_set", frozenset(items))
        object.__setattr__(self, "_position", {item: i for i, item in enumerate(items)})


@dataclass(frozen=True)
class Ballot:
    """One participant's ballot in one round; ``content`` depends on the vote type."""

    participant_id: ParticipantId
    group: Group
    content: Any


@dataclass(frozen=True)
class GroupTally:
    """One stakeholder group's share of one item's result.

    ``total`` is dots, Borda points or approvals; for impact × feasibility it stays 0 and
    ``impact_total`` / ``feasibility_total`` hold the score sums instead.
    """

    voters: int = 0
    total: int = 0
    impact_total: int = 0
    feasibility_total: int = 0

    @property
    def impact_mean(self) -> float | None:
        """Mean impact score given by this group, or None if nobody in it scored the item."""
        return self.impact_total / self.voters if self.voters else None

    @property
    def feasibility_mean(self) -> float | None:
        """Mean feasibility score given by this group, or None if nobody in it scored the item."""
        return self.feasibility_total / self.voters if self.voters else None


@dataclass(frozen=True)
class ItemTally:
    """One item's result in one round.

    ``score`` is what the ranking is on: total dots, Borda points, approvals, or
    mean impact × mean feasibility (0 when nobody scored the item). ``rank`` is shared
    by tied items. ``by_group`` has an entry for every group that cast a ballot.
    """

    item_id: ItemId
    rank: int
    score: float
    voters: int
    total: int
    by_group: Mapping[Group, GroupTally]
    impact_total: int = 0
    feasibility_total: int = 0
    impact_mean: float | None = None
    feasibility_mean: float | None = None
    quadrant: Quadrant | None = None


@dataclass(frozen=True)
class TallyResult:
    """A round's result: items by rank (ties in ballot display order), and who voted."""

    kind: VoteKind
    items: tuple[ItemTally, ...]
    ballots: int
    groups: tuple[Group, ...]
    ballots_by_group: Mapping[Group, int]

    def item(self, item_id: ItemId) -> ItemTally:
        """Return the result of one item (KeyError if it was not on the ballot)."""
        for it in self.items:
            if it.item_id == item_id:
                return it
        raise KeyError(item_id)

    @cached_property
    def shared_ranks(self) -> frozenset[int]:
        """The ranks held by more than one item: those items are tied."""
        counts = Counter(it.rank for it in self.items)
        return frozenset(rank for rank, n in counts.items() if n > 1)


@dataclass(frozen=True)
class Shortlist:
    """The items carried to the next round by ``top_n``.

    ``carried`` make the cut outright. When the cut falls inside a tie, ``tie_at_cut`` is
    True, ``tied`` lists the items sharing the rank that straddles it, and ``seats_left``
    says how many of them fit; the facilitator decides (revote, keep all, choose).
    """

    n: int
    carried: tuple[ItemId, ...]
    tied: tuple[ItemId, ...]
    seats_left: int
    tie_at_cut: bool


# --------------------------------------------------------------------------- validation


def _is_whole(value: Any) -> TypeGuard[int]:
    # bool is an int subclass; True dots would be a client bug, not one dot.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_items_known(items: Iterable[ItemId], rules: RoundRules) -> None:
    try:
        if rules._item_set.issuperset(items):
            return
    except TypeError:
        pass  # an unhashable "item"; the loop below names it
    for item in items:
        try:
            known = item in rules._item_set
        except TypeError:
            known = False
        if not known:
            raise BallotError("unknown_item", f"item {item!r} is not on this ballot", item=item)


def validate_dots(ballot: Mapping[ItemId, int], rules: RoundRules) -> None:
    """Check a dots ballot ``{item_id: dots}``; raise BallotError on the first problem."""
    if not isinstance(ballot, Mapping):
        raise BallotError("malformed", "a dots ballot maps items to dot counts")
    _check_items_known(ballot, rules)
    spent = 0
    for item, dots in ballot.items():
        if not _is_whole(dots) or dots < 0:
            raise BallotError("invalid_dots", f"{dots!r} dots on {item!r}", item=item, value=dots)
        if dots > rules.max_dots_per_item:
            raise BallotError(
                "too_many_on_item",
                f"{dots} dots on {item!r}, at most {rules.max_dots_per_item}",
                item=item,
                limit=rules.max_dots_per_item,
                value=dots,
            )
        spent += dots
    if spent > rules.dots_per_participant:
        raise BallotError(
            "over_budget",
            f"{spent} dots spent, at most {rules.dots_per_participant}",
            limit=rules.dots_per_participant,
            value=spent,
        )


def validate_impact_feasibility(ballot: Mapping[ItemId, tuple[int, int]], rules: RoundRules) -> None:
    """Check an impact × feasibility ballot ``{item_id: (impact, feasibility)}``."""
    if not isinstance(ballot, Mapping):
        raise BallotError("malformed", "an impact × feasibility ballot maps items to score pairs")
    _check_items_known(ballot, rules)
    lo, hi = rules.score_min, rules.score_max
    # Inlined checks: a forum round re-validates 60,000 score pairs inside the tally.
    for item, pair in ballot.items():
        impact: object
        feasibility: object
        try:
            impact, feasibility = pair
        except (TypeError, ValueError):
            impact = feasibility = None
        if (
            type(impact) is int
            and type(feasibility) is int
            and lo <= impact <= hi
            and lo <= feasibility <= hi
        ):
            continue
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise BallotError("malformed", f"{item!r} needs (impact, feasibility)", item=item, value=pair)
        bad = impact if not (_is_whole(impact) and lo <= impact <= hi) else feasibility
        raise BallotError(
            "score_out_of_range",
            f"score {bad!r} on {item!r} is outside {lo}–{hi}",
            item=item,
            value=bad,
        )


def validate_ranking(ballot: Sequence[ItemId], rules: RoundRules) -> None:
    """Check a ranking ballot ``[best, second, ...]`` of at most ``top_k`` distinct items.

    ``None`` stands for a place left empty: refused with ``rank_gap`` when a
    filled place follows it, since closing the gap would promote the items
    below (place 2 counted as first) and keeping it would count a place the
    participant did not fill. Empty places at the end are simply dropped.
    """
    # A bare string or a mapping would iterate into nonsense "items".
    if isinstance(ballot, (str, bytes, Mapping)) or not isinstance(ballot, Sequence):
        raise BallotError("malformed", "a ranking ballot is an ordered list of items")
    filled = list(ballot)
    while filled and filled[-1] is None:
        filled.pop()
    if None in filled:
        place = filled.index(None) + 1
        raise BallotError("rank_gap", f"place {place} is empty but a later place is filled", value=place)
    ballot = filled
    _check_items_known(ballot, rules)
    seen = set()
    for item in ballot:
        if item in seen:
            raise BallotError("duplicate_rank", f"{item!r} is ranked twice", item=item)
        seen.add(item)
    _check_size(len(ballot), rules.top_k, rules.min_choices, "ranked")


def validate_approval(ballot: Iterable[ItemId], rules: RoundRules) -> None:
    """Check an approval ballot: at most ``max_approvals`` distinct items."""
    if isinstance(ballot, (str, bytes, Mapping)) or not isinstance(ballot, Iterable):
        raise BallotError("malformed", "an approval ballot is a list of items")
    chosen = list(ballot)
    _check_items_known(chosen, rules)
    if len(set(chosen)) != len(chosen):
        dup = next(item for i, item in enumerate(chosen) if item in chosen[:i])
        raise BallotError("duplicate_item", f"{dup!r} is approved twice", item=dup)
    _check_size(len(chosen), rules.max_approvals, rules.min_choices, "approved")


def _check_size(count: int, most: int, least: int, done: str) -> None:
    """At most `most` items chosen; none (no ballot yet) or at least `least`."""
    if count > most:
        raise BallotError(f"too_many_{done}", f"{count} items {done}, at most {most}", limit=most, value=count)
    if 0 < count < least:
        raise BallotError(f"too_few_{done}", f"{count} items {done}, at least {least}", limit=least, value=count)


_VALIDATORS: dict[VoteKind, Callable[[Any, RoundRules], None]] = {
    VoteKind.DOTS: validate_dots,
    VoteKind.IMPACT_FEASIBILITY: validate_impact_feasibility,
    VoteKind.RANKING: validate_ranking,
    VoteKind.APPROVAL: validate_approval,
}


def validate_ballot(kind: VoteKind | str, ballot: Any, rules: RoundRules) -> None:
    """Check one ballot's content against the round's rules.

    Returns None when the ballot is valid; raises ``BallotError`` (with ``code``) otherwise,
    and ValueError for an unknown vote type.
    """
    _VALIDATORS[VoteKind(kind)](ballot, rules)


# --------------------------------------------------------------------------- tallies


def _per_group_ballots(ballots: Sequence[Ballot]) -> dict[Group, int]:
    counts: dict[Group, int] = {}
    seen: set = set()
    for b in ballots:
        if b.participant_id in seen:
            # Keeping one of two ballots would be a silent choice; the web layer decides.
            raise ValueError(f"participant {b.participant_id!r} has two ballots in this round")
        seen.add(b.participant_id)
        counts[b.group] = counts.get(b.group, 0) + 1
    return counts


def _sorted_groups(groups: Iterable[Group]) -> tuple[Group, ...]:
    # Group ids may mix None and strings; a textual key keeps the order stable anyway.
    return tuple(sorted(groups, key=lambda g: (g is not None, type(g).__name__, str(g))))


def _ranked(rules: RoundRules, keys: Mapping[ItemId, Any]) -> list[tuple[ItemId, int]]:
    """Competition ranking ("1, 2, 2, 4") on exact keys, ties listed in display order."""
    order = sorted(rules.items, key=lambda item: (-keys[item], rules._position[item]))
    ranked = []
    rank, previous = 0, None
    for position, item in enumerate(order, start=1):
        if position == 1 or keys[item] != previous:
            rank, previous = position, keys[item]
        ranked.append((item, rank))
    return ranked


def _additive_result(
    kind: VoteKind,
    rules: RoundRules,
    ballots: Sequence[Ballot],
    per_group: dict[Group, tuple[dict, dict]],
) -> TallyResult:
    ballots_by_group = _per_group_ballots(ballots)
    groups = _sorted_groups(ballots_by_group)
    totals = {item: 0 for item in rules.items}
    voters = {item: 0 for item in rules.items}
    for tot, vot in per_group.values():
        for item, n in tot.items():
            totals[item] += n
        for item, n in vot.items():
            voters[item] += n
    empty: tuple[dict, dict] = ({}, {})
    items = []
    for item, rank in _ranked(rules, totals):
        by_group = {}
        for g in groups:
            tot, vot = per_group.get(g, empty)
            by_group[g] = GroupTally(voters=vot.get(item, 0), total=tot.get(item, 0))
        items.append(
            ItemTally(
                item_id=item,
                rank=rank,
                score=float(totals[item]),
                voters=voters[item],
                total=totals[item],
                by_group=by_group,
            )
        )
    return TallyResult(kind, tuple(items), len(ballots), groups, ballots_by_group)


def is_empty(content: Any) -> bool:
    """True for a ballot without a single choice (no dot, no tick, no place, no score)."""
    if isinstance(content, Mapping):
        return not any(content.values())
    try:
        return not any(item is not None for item in content)
    except TypeError:
        return False  # not a ballot's shape: validation says so


def _checked(kind: VoteKind, ballots: Iterable[Ballot], rules: RoundRules, validate: bool) -> list[Ballot]:
    # An empty ballot is no ballot: "1 ballot" with every total at 0 would be a lie.
    ballots = [b for b in ballots if not is_empty(b.content)]
    if validate:
        check = _VALIDATORS[kind]
        for b in ballots:
            check(b.content, rules)
    return ballots


def _additive(kind: VoteKind, ballots: Iterable[Ballot], rules: RoundRules, validate: bool,
              points: Callable[[Any], Iterable[tuple[ItemId | None, int]]]) -> TallyResult:
    """The tally of a round whose items add up what each ballot gives them:
    ``points(content)`` pairs items with what the ballot gives each (built-ins
    all the way, as this loop is the tally's hot spot). An empty place (None)
    is no vote."""
    ballots = _checked(kind, ballots, rules, validate)
    per_group: dict[Group, tuple[dict, dict]] = {}
    for b in ballots:
        acc = per_group.get(b.group)
        if acc is None:
            acc = per_group[b.group] = ({}, {})
        tot, vot = acc
        for item, earned in points(b.content):
            if item is not None:
                tot[item] = tot.get(item, 0) + earned
                vot[item] = vot.get(item, 0) + 1
    return _additive_result(kind, rules, ballots, per_group)


def tally_dots(ballots: Iterable[Ballot], rules: RoundRules, *, validate: bool = True) -> TallyResult:
    """Tally a dots round: per item, dots received and how many participants put dots on it."""
    # An item left at 0 dots got no vote.
    return _additive(VoteKind.DOTS, ballots, rules, validate, lambda content: filter(itemgetter(1), content.items()))


def tally_ranking(ballots: Iterable[Ballot], rules: RoundRules, *, validate: bool = True) -> TallyResult:
    """Tally a ranking round by Borda count: place p (1-based) earns ``top_k - p + 1`` points.

    Unranked items earn nothing, so a short ranking still gives its first item full points.
    """
    k = rules.top_k  # places 1, 2, 3... earn k, k - 1, k - 2...; an empty place comes last (a gap is refused)
    return _additive(VoteKind.RANKING, ballots, rules, validate, lambda content: zip(content, itertools.count(k, -1)))


def tally_approval(ballots: Iterable[Ballot], rules: RoundRules, *, validate: bool = True) -> TallyResult:
    """Tally an approval round: per item, the number of participants who approved it."""
    return _additive(VoteKind.APPROVAL, ballots, rules, validate, lambda content: zip(content, itertools.repeat(1)))


def quadrant(impact_mean: float | Fraction, feasibility_mean: float | Fraction, rules: RoundRules) -> Quadrant:
    """Place mean scores in the 2×2; the middle of the scale counts as high."""
    middle = Fraction(rules.score_min + rules.score_max, 2)
    high_impact = impact_mean >= middle
    high_feasibility = feasibility_mean >= middle
    if high_impact:
        return Quadrant.QUICK_WIN if high_feasibility else Quadrant.MAJOR_PROJECT
    return Quadrant.EASY_TASK if high_feasibility else Quadrant.RECONSIDER


def tally_impact_feasibility(
    ballots: Iterable[Ballot], rules: RoundRules, *, validate: bool = True
) -> TallyResult:
    """Tally an impact × feasibility round.

    Per item: mean impact, mean feasibility, quadrant, and ``score`` = mean impact × mean
    feasibility, the ranking key. Means are over the participants who scored the item;
    an item nobody scored has score 0, no means and no quadrant.
    """
    ballots = _checked(VoteKind.IMPACT_FEASIBILITY, ballots, rules, validate)
    ballots_by_group = _per_group_ballots(ballots)
    groups = _sorted_groups(ballots_by_group)
    per_group: dict[Group, dict[ItemId, list[int]]] = {}
    for b in ballots:
        acc = per_group.get(b.group)
        if acc is None:
            acc = per_group[b.group] = {}
        for item, (impact, feasibility) in b.content.items():
            a = acc.get(item)
            if a is None:
                acc[item] = [1, impact, feasibility]
            else:
                a[0] += 1
                a[1] += impact
                a[2] += feasibility
    sums = {item: [0, 0, 0] for item in rules.items}
    for acc in per_group.values():
        for item, (n, si, sf) in acc.items():
            s = sums[item]
            s[0] += n
            s[1] += si
            s[2] += sf
    # Exact fractions so that equal products compare equal: float rounding must not
    # split a tie.
    keys = {item: Fraction(si * sf, n * n) if n else Fraction(0) for item, (n, si, sf) in sums.items()}
    zero = (0, 0, 0)
    items = []
    for item, rank in _ranked(rules, keys):
        n, si, sf = sums[item]
        by_group = {}
        for g in groups:
            gn, gi, gf = per_group.get(g, {}).get(item, zero)
            by_group[g] = GroupTally(voters=gn, impact_total=gi, feasibility_total=gf)
        items.append(
            ItemTally(
                item_id=item,
                rank=rank,
                score=float(keys[item]),
                voters=n,
                total=0,
                by_group=by_group,
                impact_total=si,
                feasibility_total=sf,
                impact_mean=si / n if n else None,
                feasibility_mean=sf / n if n else None,
                quadrant=quadrant(Fraction(si, n), Fraction(sf, n), rules) if n else None,
            )
        )
    return TallyResult(VoteKind.IMPACT_FEASIBILITY, tuple(items), len(ballots), groups, ballots_by_group)


_TALLIES = {
    VoteKind.DOTS: tally_dots,
    VoteKind.IMPACT_FEASIBILITY: tally_impact_feasibility,
    VoteKind.RANKING: tally_ranking,
    VoteKind.APPROVAL: tally_approval,
}


def tally(kind: VoteKind | str, ballots: Iterable[Ballot], rules: RoundRules, *, validate: bool = True) -> TallyResult:
    """Tally a round of any vote type.

    With ``validate`` (the default) every ballot is checked first and the first invalid
    one raises ``BallotError``; pass False for ballots the web layer already validated.
    Two ballots from one participant raise ValueError.
    """
    return _TALLIES[VoteKind(kind)](ballots, rules, validate=validate)


def top_n(result: TallyResult, n: int) -> Shortlist:
    """Return the items to carry to the next round, without ever breaking a tie.

    Items whose whole tie fits within ``n`` are carried. If the n-th place is shared by
    items that do not all fit, they are returned in ``tied`` with ``tie_at_cut`` set and
    ``seats_left`` seats for them.
    """
    if not _is_whole(n) or n < 0:
        raise ValueError("n must be a whole number >= 0")
    carried: list[ItemId] = []
    tied: list[ItemId] = []
    items = result.items
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j].rank == items[i].rank:
            j += 1
        tie = [it.item_id for it in items[i:j]]
        if j <= n:
            carried.extend(tie)
        elif i < n:
            tied = tie
            break
        else:
            break
        i = j
    return Shortlist(
        n=n,
        carried=tuple(carried),
        tied=tuple(tied),
        seats_left=n - len(carried) if tied else 0,
        tie_at_cut=bool(tied),
    )

"""Innovation cells: placing participants in the cell of a retained priority.

Participants rank the cells they would like to join; each cell may have a capacity.
``assign_cells`` places everyone it can, in this order of priority:

1. as many people as possible get a seat — nobody is left out while a cell has room;
2. as many people as possible get their first choice;
3. the others get choices as high on their list as possible (least total rank);
4. each cell's stakeholder groups are mixed, among answers equally good on 1–3;
5. a seeded draw settles what is still tied (who gets the last seat of a popular cell).

Steps 1–3 and 5 are one min-cost assignment over capacity seats
(``scipy.optimize.linear_sum_assignment``) with costs scaled so each step strictly
dominates the next. Group mixing cannot be priced per seat, so it is a second pass
that swaps people between cells only when no one's choice gets worse overall.

``can_join`` serves the simpler first-come-first-served sign-up.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from .seating import Seating, order_key

#: A participant's and a cell's id: any hashable value, of one type throughout a call.
ParticipantId = TypeVar("ParticipantId", bound=Hashable)
CellId = TypeVar("CellId", bound=Hashable)
#: A stakeholder group id; ``None`` when the participant did not pick one.
Group = Hashable
Seed = int | str | None


@dataclass(frozen=True)
class AssignmentStats(Generic[CellId]):
    """How well an assignment went, for the facilitator's screen and the report.

    ``choice_counts`` maps a choice number (1 = first choice) to how many got it;
    ``unranked`` counts people placed in a cell they had not listed (all theirs were full).
    """

    choice_counts: Mapping[int, int]
    unranked: int
    unassigned: int
    cell_counts: Mapping[CellId, int]
    group_counts: Mapping[CellId, Mapping[Group, int]]


@dataclass(frozen=True)
class Assignment(Generic[ParticipantId, CellId]):
    """The result of ``assign_cells``: a cell per placed participant, and who is left out."""

    cell_by_participant: Mapping[ParticipantId, CellId]
    unassigned: tuple[ParticipantId, ...]
    stats: AssignmentStats[CellId]


def _rng(seed: Seed) -> random.Random:
    if seed is None:
        return random.Random()
    # A str seed is hashed with SHA-512 by random.Random: stable across processes.
    return random.Random(f"cells|{seed!r}")


def can_join(
    cell_id: CellId,
    current_counts: Mapping[CellId, int],
    capacities: Mapping[CellId, int | None],
) -> bool:
    """Return True if one more participant fits in the cell (first come, first served).

    A capacity of None means unlimited; an unknown cell cannot be joined.
    """
    if cell_id not in capacities:
        return False
    capacity = capacities[cell_id]
    return capacity is None or current_counts.get(cell_id, 0) < capacity


def _check_inputs(
    preferences: Mapping[ParticipantId, Sequence[CellId]],
    capacities: Mapping[CellId, int | None],
) -> None:
    for cell, capacity in capacities.items():
        if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0):
            raise ValueError(f"capacity of cell {cell!r} must be None or a whole number >= 0")
    for pid, ranked in preferences.items():
        if isinstance(ranked, (str, bytes)):
            raise ValueError(f"preferences of {pid!r} must be a list of cells")
        if len(set(ranked)) != len(ranked):
            raise ValueError(f"participant {pid!r} lists a cell twice")
        for cell in ranked:
            if cell not in capacities:
                raise ValueError(f"participant {pid!r} lists unknown cell {cell!r}")


def _mix_groups(
    cell_of: dict[ParticipantId, CellId],
    groups: Mapping[ParticipantId, Group],
    rank: Mapping[ParticipantId, Mapping[CellId, int]],
    cells: Sequence[CellId],
    room: dict[CellId, float],
) -> None:
    """Swap or move people between cells while it mixes groups and costs nobody overall.

    A swap or move is allowed only if the number of first choices and the total rank stay
    the same. The measure, sum over cells and groups of count², falls by at least 2 each
    time, so this ends.
    """
    seating = Seating(cell_of, groups)
    members = seating.members

    def effect(pid: ParticipantId, src: CellId, dst: CellId) -> tuple[int, int]:
        # (change in first choices, change in rank) if pid moves from src to dst
        r = rank[pid]
        return ((r[dst] == 0) - (r[src] == 0), r[dst] - r[src])

    def relocate(pid: ParticipantId, g: Group, src: CellId, dst: CellId) -> None:
        seating.move(pid, g, src, dst)
        room[src] += 1
        room[dst] -= 1

    for c1, c2, a in seating.sweeps(cells):
        # a move into a cell with room: only between two cells the person ranks equally
        for src, dst in ((c1, c2), (c2, c1)):
            if room[dst] >= 1 and seating.move_change(a, src, dst) < 0:
                pa = next((p for p in members.get((src, a), ()) if effect(p, src, dst) == (0, 0)), None)
                if pa is not None:
                    relocate(pa, a, src, dst)
        for b in seating.groups:
            if a == b or seating.swap_change(a, c1, c2, b) >= 0:
                continue
            partners: dict[tuple[int, int], ParticipantId] = {}
            for pb in members.get((c2, b), ()):
                partners.setdefault(effect(pb, c2, c1), pb)
            pair = None
            for pa in members.get((c1, a), ()):
                f, r = effect(pa, c1, c2)
                partner = partners.get((-f, -r))
                if partner is not None:
                    pair = (pa, partner)
                    break
            if pair is None:
                continue
            pa, pb = pair
            relocate(pa, a, c1, c2)
            relocate(pb, b, c2, c1)


def assign_cells(
    preferences: Mapping[ParticipantId, Sequence[CellId]],
    groups: Mapping[ParticipantId, Group],
    capacities: Mapping[CellId, int | None],
    seed: Seed = None,
) -> Assignment[ParticipantId, CellId]:
    """Place participants in innovation cells from their ranked choices.

    ``preferences`` maps each participant to the cells they would join, best first (an
    empty list means "anywhere"); ``groups`` gives their stakeholder group (missing = None);
    ``capacities`` lists every cell with its capacity (None = unlimited).

    Guarantees: no cell over capacity; a participant is unassigned only when every cell
    is full; if capacities allow everyone their first choice, everyone gets it; the same
    inputs and seed give the same answer. When every listed cell is full, a participant
    is placed in any cell with room (counted in ``stats.unranked``).
    Raises ValueError on unknown cells, a cell listed twice, or a negative capacity.
    """
    _check_inputs(preferences, capacities)
    cells = sorted(capacities, key=order_key)
    people = sorted(preferences, key=order_key)
    n = len(people)
    rng = _rng(seed)
    not_listed = len(cells)  # any unlisted cell ranks after every listed one
    rank = {}
    for pid in people:
        listed = {cell: i for i, cell in enumerate(preferences[pid])}
        rank[pid] = {cell: listed.get(cell, not_listed) for cell in cells}

    seats_per_cell = [n if (capacity := capacities[c]) is None else min(capacity, n) for c in cells]
    seat_cell = np.repeat(np.arange(len(cells)), seats_per_cell)
    cell_of: dict[ParticipantId, CellId] = {}
    if n and len(seat_cell):
        # Integer costs, exact in float64 up to thousands of people: each term's
        # largest possible total is below one unit of the term before it.
        jitter_span = 1000
        w_rank = jitter_span * n + 1
        w_first = (not_listed * n + 1) * w_rank
        per_cell = np.empty((n, len(cells)))
        for row, pid in enumerate(people):
            for j, cell in enumerate(cells):
                r = rank[pid][cell]
                per_cell[row, j] = w_first * (r > 0) + w_rank * r + rng.randrange(jitter_span)
        # Fewer seats than people: the solver fills every seat and leaves the rest out.
        rows, cols = linear_sum_assignment(per_cell[:, seat_cell])
        cell_of = {people[r]: cells[seat_cell[c]] for r, c in zip(rows, cols)}
        room = {
            c: (float("inf") if (capacity := capacities[c]) is None else capacity)
            - sum(1 for v in cell_of.values() if v == c)
            for c in cells
        }
        _mix_groups(cell_of, groups, rank, cells, room)

    unassigned = tuple(pid for pid in people if pid not in cell_of)
    choice_counts = Counter(rank[pid][cell] + 1 for pid, cell in cell_of.items() if rank[pid][cell] < not_listed)
    group_counts: dict[CellId, dict[Group, int]] = {c: {} for c in cells}
    for pid, cell in cell_of.items():
        g = groups.get(pid)
        group_counts[cell][g] = group_counts[cell].get(g, 0) + 1
    stats = AssignmentStats(
        choice_counts=dict(sorted(choice_counts.items())),
        unranked=sum(1 for pid, cell in cell_of.items() if rank[pid][cell] == not_listed),
        unassigned=len(unassigned),
        cell_counts={c: sum(group_counts[c].values()) for c in cells},
        group_counts=group_counts,
    )
    return Assignment(
        cell_by_participant={pid: cell_of[pid] for pid in people if pid in cell_of},
        unassigned=unassigned,
        stats=stats,
    )

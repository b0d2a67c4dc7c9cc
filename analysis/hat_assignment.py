"""De Bono's six thinking hats: who wears which hat, and in which order the group thinks.

Each participant gets an individual hat ("intention") so that comments on a project
cover every angle without self-censorship. Two things matter when handing them out:

* balance — every hat is worn by as many people as the others, within one;
* mixing — a stakeholder group is spread over the hats, so the black hat is not
  "the employers' hat" and the yellow hat "the students' hat".

Hats are plain ids here; the web layer owns names, colours and symbols.
All functions are deterministic for a given seed (``random.Random`` seeding with an
int or a str is stable across processes) and never depend on input order.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from enum import Enum
from typing import TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from .seating import Seating, order_key

#: A participant's id: any hashable value, of one type throughout a call.
ParticipantId = TypeVar("ParticipantId", bound=Hashable)
#: A stakeholder group id; ``None`` when the participant did not pick one.
Group = Hashable
Seed = int | str | None


class Hat(str, Enum):
    """The six thinking hats, in de Bono's usual listing order."""

    WHITE = "white"
    RED = "red"
    BLACK = "black"
    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"


#: All hats, in a fixed order (also the order ``rotation`` moves people along).
HATS: tuple[Hat, ...] = tuple(Hat)

#: Default order of a hats session: blue frames it, then facts, ideas, benefits,
#: risks, feelings, and blue closes it.
DEFAULT_SEQUENCE: tuple[Hat, ...] = (
    Hat.BLUE,
    Hat.WHITE,
    Hat.GREEN,
    Hat.YELLOW,
    Hat.BLACK,
    Hat.RED,
    Hat.BLUE,
)


# --------------------------------------------------------------------------- helpers


def _rng(seed: Seed, *salt: Hashable) -> random.Random:
    if seed is None:
        return random.Random()
    # A str seed is hashed with SHA-512 by random.Random: stable across processes,
    # unlike hash() of a str.
    return random.Random("|".join([repr(seed), *map(repr, salt)]))


def _unique(participants: Iterable[tuple[ParticipantId, Group]]) -> list[tuple[ParticipantId, Group]]:
    people = list(participants)
    ids = [pid for pid, _ in people]
    if len(set(ids)) != len(ids):
        raise ValueError("a participant is listed twice")
    return sorted(people, key=lambda p: order_key(p[0]))


def hat_counts(assignment: Mapping[ParticipantId, Hat]) -> dict[Hat, int]:
    """Return how many participants wear each hat (every hat listed, zeros included)."""
    counts = Counter(Hat(h) for h in assignment.values())
    return {hat: counts.get(hat, 0) for hat in HATS}


# --------------------------------------------------------------------------- balanced


def balanced(participants: Sequence[tuple[ParticipantId, Group]], seed: Seed = None) -> dict[ParticipantId, Hat]:
    """Give every participant a hat: hats balanced within one, groups spread over hats.

    ``participants`` is a list of ``(participant_id, stakeholder_group)``. Both properties
    hold exactly: each hat's head count is within one of the others, and within every
    stakeholder group too.
    """
    rng = _rng(seed, "balanced")
    people = _unique(participants)
    by_group: dict[Group, list[ParticipantId]] = {}
    for pid, group in people:
        by_group.setdefault(group, []).append(pid)
    groups = sorted(by_group, key=order_key)
    rng.shuffle(groups)
    hat_order = list(HATS)
    rng.shuffle(hat_order)
    # Dealing hats round-robin, one group after the other, gives each group a
    # contiguous run of the cycle: totals and every group's counts are then within one.
    assignment: dict[ParticipantId, Hat] = {}
    dealt = 0
    for group in groups:
        members = by_group[group]
        rng.shuffle(members)
        for pid in members:
            assignment[pid] = hat_order[dealt % len(HATS)]
            dealt += 1
    return {pid: assignment[pid] for pid, _ in people}


def add_late_joiner(
    current_assignment: Mapping[ParticipantId, Hat],
    groups: Mapping[ParticipantId, Group],
    newcomer: tuple[ParticipantId, Group],
    seed: Seed = None,
) -> Hat:
    """Choose the hat for someone joining after hats were handed out.

    Picks among the least-worn hats (so balance stays within one) the one their stakeholder
    group wears least. Nobody else changes hat. A participant who already has a hat (a
    phone reconnecting) gets the same hat back.
    """
    pid, group = newcomer
    if pid in current_assignment:
        return Hat(current_assignment[pid])
    counts = hat_counts(current_assignment)
    group_counts = Counter(Hat(h) for p, h in current_assignment.items() if groups.get(p) == group)
    fewest = min(counts.values())
    least_worn = [h for h in HATS if counts[h] == fewest]
    fewest_in_group = min(group_counts.get(h, 0) for h in least_worn)
    candidates = [h for h in least_worn if group_counts.get(h, 0) == fewest_in_group]
    return _rng(seed, "late", pid).choice(candidates)


def rebalance(
    current_assignment: Mapping[ParticipantId, Hat],
    groups: Mapping[ParticipantId, Group],
    seed: Seed = None,
) -> dict[ParticipantId, Hat]:
    """Restore hats within one of each other after people left, moving as few as possible.

    Returns the whole new assignment (compare with the old one to tell who moved). The
    number of moves is the minimum; among the people who could move, those whose group is
    over-represented under their hat and under-represented under the new one go first.
    """
    rng = _rng(seed, "rebalance")
    assignment = {pid: Hat(h) for pid, h in current_assignment.items()}
    n = len(assignment)
    if n == 0:
        return assignment
    counts = hat_counts(assignment)
    base, extra = divmod(n, len(HATS))
    # The hats already fullest keep the "+1" seats: that minimises the surplus to move.
    tie_break = {h: rng.random() for h in HATS}
    fullest_first = sorted(HATS, key=lambda h: (-counts[h], tie_break[h]))
    target = {h: base + (1 if i < extra else 0) for i, h in enumerate(fullest_first)}
    if all(counts[h] == target[h] for h in HATS):
        return assignment
    group_counts = Counter((groups.get(pid), h) for pid, h in assignment.items())
    people = sorted(assignment, key=order_key)
    person_tie = {pid: rng.random() for pid in people}
    while True:
        surplus = [h for h in HATS if counts[h] > target[h]]
        deficit = [h for h in HATS if counts[h] < target[h]]
        if not surplus:
            break
        best = None
        for pid in people:
            src = assignment[pid]
            if src not in surplus:
                continue
            g = groups.get(pid)
            for dst in deficit:
                gain = group_counts[(g, src)] - group_counts[(g, dst)]
                key = (gain, person_tie[pid], -HATS.index(dst))
                if best is None or key > best[0]:
                    best = (key, pid, src, dst)
        assert best is not None  # a hat over its target has a wearer who may move to one under it
        _, pid, src, dst = best
        g = groups.get(pid)
        assignment[pid] = dst
        counts[src] -= 1
        counts[dst] += 1
        group_counts[(g, src)] -= 1
        group_counts[(g, dst)] += 1
    return {pid: assignment[pid] for pid in people}


# --------------------------------------------------------------------------- sequence


def hat_for_step(step: int, sequence: Sequence[Hat] = DEFAULT_SEQUENCE) -> Hat:
    """Return the hat the whole group wears at step ``step`` (0-based) of a hats session.

    Raises IndexError past the end of the sequence: the session is over, not restarting.
    """
    if step < 0 or step >= len(sequence):
        raise IndexError(f"step {step} is outside a {len(sequence)}-step hats sequence")
    return Hat(sequence[step])


# --------------------------------------------------------------------------- rotation


def hats_still_to_wear(history: Sequence[Hat]) -> frozenset[Hat]:
    """Return the hats a participant has not worn yet in the current cycle of six.

    Once all six were worn the cycle restarts, so the answer is never empty.
    """
    worn: set[Hat] = set()
    for hat in history:
        worn.add(Hat(hat))
        if len(worn) == len(HATS):
            worn = set()
    return frozenset(HATS) - worn


def _spread_groups(
    assignment: dict[ParticipantId, Hat],
    groups: Mapping[ParticipantId, Group],
    allowed: Mapping[ParticipantId, frozenset[Hat]],
) -> None:
    """Swap pairs of people (each to a hat they may wear) while it mixes groups better.

    Swaps keep every hat's head count, so balance is untouched. The measure is the sum over
    groups and hats of count², which falls by at least 2 per swap, so this ends.
    """
    seating = Seating(assignment, groups)
    members = seating.members
    for x, y, a in seating.sweeps(HATS):
        for b in seating.groups:
            if a == b or seating.swap_change(a, x, y, b) >= 0:
                continue
            pa = next((p for p in members.get((x, a), ()) if y in allowed[p]), None)
            pb = next((p for p in members.get((y, b), ()) if x in allowed[p]), None)
            if pa is None or pb is None:
                continue
            seating.move(pa, a, x, y)
            seating.move(pb, b, y, x)


def rotation(
    previous_hats_by_participant: Mapping[ParticipantId, Sequence[Hat]],
    participants: Sequence[tuple[ParticipantId, Group]],
    seed: Seed = None,
) -> dict[ParticipantId, Hat]:
    """Hand out new hats for the next project, each person getting a hat not yet worn.

    ``previous_hats_by_participant`` maps a participant to the hats already worn on this
    subject, oldest first (missing = none). Every participant gets a hat not worn in the
    current cycle of six (after six the cycle restarts). Within that rule, in order of
    priority: head counts as balanced as they can be (within one whenever possible),
    stakeholder groups spread over hats, and each person moving to the next hat in
    ``HATS`` order after their last one, so that rotating a balanced room keeps it
    balanced and everyone wears all six hats in six rounds.
    """
    people = _unique(participants)
    n = len(people)
    if n == 0:
        return {}
    rng = _rng(seed, "rotation")
    groups = dict(people)
    allowed: dict[ParticipantId, frozenset[Hat]] = {}
    step: dict[ParticipantId, dict[Hat, int]] = {}
    for pid, _ in people:
        history = [Hat(h) for h in previous_hats_by_participant.get(pid, ())]
        allowed[pid] = hats_still_to_wear(history)
        if history:
            last = HATS.index(history[-1])
            step[pid] = {h: (HATS.index(h) - last - 1) % len(HATS) for h in HATS}
        else:
            step[pid] = {h: 0 for h in HATS}

    # One column per possible seat under each hat; the k-th seat of a hat costs k × W, a
    # convex cost whose minimum is the most balanced head count. The preference for the
    # next hat in order (×1000) and a seeded tie-break (<1000) only choose among equally
    # balanced answers, because W exceeds everyone's preference costs together.
    pref, w = 1000, 6000 * n + 1
    per_hat = np.full((n, len(HATS)), np.inf)
    for row, (pid, _) in enumerate(people):
        for j, h in enumerate(HATS):
            jitter = rng.randrange(pref)  # drawn for every hat so the stream never depends on history
            if h in allowed[pid]:
                per_hat[row, j] = pref * step[pid][h] + jitter
    seat_hat: list[int] = []
    seat_rank: list[int] = []
    for j in range(len(HATS)):
        wearers = int(np.isfinite(per_hat[:, j]).sum())
        seat_hat += [j] * wearers
        seat_rank += range(wearers)
    seat_hat_arr = np.array(seat_hat, dtype=int)
    cost = per_hat[:, seat_hat_arr] + w * np.array(seat_rank, dtype=float)
    rows, cols = linear_sum_assignment(cost)
    assignment = {people[r][0]: HATS[seat_hat_arr[c]] for r, c in zip(rows, cols)}
    _spread_groups(assignment, groups, allowed)
    return {pid: assignment[pid] for pid, _ in people}

"""Who sits where, per stakeholder group: what the hats (hat_assignment) and the
cells (cell_assignment) both use to spread each group over their places once
everyone has one.

Both improve the same measure, the sum over places and groups of count²: it is
smallest when every group is spread evenly, and each move or swap they make
lowers it by at least 2, so their passes end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar

#: A participant's and a place's (a hat, a cell) id: any hashable value, of one type throughout a call.
ParticipantId = TypeVar("ParticipantId", bound=Hashable)
Place = TypeVar("Place", bound=Hashable)
#: A stakeholder group id; ``None`` when the participant did not pick one.
Group = Hashable


def order_key(value: Hashable) -> tuple[str, str]:
    # Ids may be ints or strings; a textual key gives one canonical order either way,
    # so results do not depend on the order the web layer happened to list people in.
    return (type(value).__name__, str(value))


class Seating(Generic[ParticipantId, Place]):
    """The people of each (place, group), in canonical order, and how many they are.

    ``place_of`` is the caller's own mapping: ``move`` keeps it up to date.
    ``groups`` lists the groups present, in canonical order.
    """

    def __init__(self, place_of: dict[ParticipantId, Place], group_of: Mapping[ParticipantId, Group]):
        self.place_of = place_of
        self.members: dict[tuple[Place, Group], list[ParticipantId]] = {}
        for pid in sorted(place_of, key=order_key):
            self.members.setdefault((place_of[pid], group_of.get(pid)), []).append(pid)
        self.count = Counter({key: len(pids) for key, pids in self.members.items()})
        self.groups = sorted({group_of.get(pid) for pid in place_of}, key=order_key)
        self.moves = 0

    def sweeps(self, places: Sequence[Place]) -> Iterator[tuple[Place, Place, Group]]:
        """Every two places and a group to move or swap between them, pass after
        pass until a whole pass moves nobody; nothing when there is one group only."""
        if len(self.groups) < 2:
            return
        while True:
            moves_before = self.moves
            for i, x in enumerate(places):
                for y in places[i + 1 :]:
                    for group in self.groups:
                        yield x, y, group
            if self.moves == moves_before:
                return

    def move_change(self, group: Group, src: Place, dst: Place) -> int:
        """How the measure changes if one person of `group` moves from `src` to `dst`."""
        return 2 * (self.count[(dst, group)] - self.count[(src, group)]) + 2

    def swap_change(self, a: Group, x: Place, y: Place, b: Group) -> int:
        """How the measure changes if one of group `a` goes from `x` to `y` and one of `b` from `y` to `x`."""
        count = self.count
        return 2 * (count[(y, a)] - count[(x, a)] + count[(x, b)] - count[(y, b)]) + 4

    def move(self, pid: ParticipantId, group: Group, src: Place, dst: Place) -> None:
        self.members[(src, group)].remove(pid)
        self.members.setdefault((dst, group), []).append(pid)
        self.count[(src, group)] -= 1
        self.count[(dst, group)] += 1
        self.place_of[pid] = dst
        self.moves += 1

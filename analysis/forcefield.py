"""Force-field evaluation (Lewin): the forces a room posts about a subject,
driving (facilitantes) or restraining (freinantes), and what they add up to.

Pure functions, no Flask: the app hands in plain records and draws what
comes back. A force's weight is its mean strength (1 to 5, one rating per
force merged into it) times (1 + the share of the room that agreed with
it), so a force the whole room backs weighs twice its strength. The
balance is the driving sum less the restraining sum: positive leans toward
change happening.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DRIVING = "driving"
RESTRAINING = "restraining"
SIDES = (DRIVING, RESTRAINING)
MIN_STRENGTH, MAX_STRENGTH = 1, 5


@dataclass(frozen=True)
class Posted:
    """One force as posted: its author's strength and who tapped +1 on it."""

    id: int
    side: str
    strength: int
    agreers: frozenset[int] = frozenset()
    merged_into: int | None = None
    hidden: bool = False


@dataclass(frozen=True)
class Force:
    """A force as the room weighs it, duplicates merged into it included."""

    id: int
    side: str
    mean_strength: float
    ratings: int
    agreements: int
    weight: float
    # Its arrow's length as a share of the heaviest force of either side (0 to 1].
    length: float
    merged: tuple[int, ...] = ()


@dataclass(frozen=True)
class Field:
    driving: tuple[Force, ...]
    restraining: tuple[Force, ...]
    driving_sum: float
    restraining_sum: float

    @property
    def balance(self) -> float:
        return round(self.driving_sum - self.restraining_sum, 6)

    def side(self, side: str) -> tuple[Force, ...]:
        return self.driving if side == DRIVING else self.restraining


def root_of(force_id: int, by_id: dict[int, Posted]) -> int:
    """The force a duplicate was merged into, following merges of merges."""
    seen = {force_id}
    current = by_id[force_id]
    while current.merged_into is not None and current.merged_into in by_id:
        if current.merged_into in seen:  # a cycle cannot come from the app; stop rather than loop
            break
        seen.add(current.merged_into)
        current = by_id[current.merged_into]
    return current.id


def groups(forces: Iterable[Posted]) -> dict[int, list[Posted]]:
    """Each kept force with the forces merged into it (itself first)."""
    by_id = {force.id: force for force in forces}
    gathered: dict[int, list[Posted]] = {}
    for force in sorted(by_id.values(), key=lambda f: f.id):
        gathered.setdefault(root_of(force.id, by_id), []).append(force)
    for root, members in gathered.items():
        members.sort(key=lambda f: (f.id != root, f.id))
    return gathered


def share(agreements: int, people: int) -> float:
    """The part of the room that agreed, at most all of it."""
    return min(1.0, agreements / people) if people > 0 else 0.0


def aggregate(forces: Iterable[Posted], people: int, include_hidden: bool = False) -> Field:
    """Weigh every kept force; each side strongest first (ties: oldest first)."""
    weighed: list[tuple[Posted, list[Posted], float, int, float]] = []
    for members in groups(forces).values():
        root = members[0]
        if root.hidden and not include_hidden:
            continue
        strengths = [min(MAX_STRENGTH, max(MIN_STRENGTH, m.strength)) for m in members]
        mean = sum(strengths) / len(strengths)
        agreers = frozenset().union(*(m.agreers for m in members))
        weight = mean * (1 + share(len(agreers), people))
        weighed.append((root, members, mean, len(agreers), weight))
    heaviest = max((w for *_rest, w in weighed), default=0.0)
    sides: dict[str, list[Force]] = {DRIVING: [], RESTRAINING: []}
    for root, members, mean, agreements, weight in weighed:
        sides[root.side].append(Force(
            id=root.id, side=root.side, mean_strength=round(mean, 6), ratings=len(members),
            agreements=agreements, weight=round(weight, 6), length=weight / heaviest if heaviest else 0.0,
            merged=tuple(m.id for m in members[1:])))
    for listed in sides.values():
        listed.sort(key=lambda f: (-f.weight, f.id))
    # Hidden forces may be listed for the facilitator but never count in the balance.
    counted = {f.id for f, *_rest in weighed if not f.hidden}
    return Field(driving=tuple(sides[DRIVING]), restraining=tuple(sides[RESTRAINING]),
                 driving_sum=round(sum(f.weight for f in sides[DRIVING] if f.id in counted), 6),
                 restraining_sum=round(sum(f.weight for f in sides[RESTRAINING] if f.id in counted), 6))


def merged(forces: Iterable[Posted], keep: int, gone: int) -> list[Posted]:
    """The forces after `gone` (and whatever was merged into it) joins `keep`."""
    from dataclasses import replace

    listed = list(forces)
    by_id = {f.id: f for f in listed}
    gone_root = root_of(gone, by_id)
    return [replace(f, merged_into=keep) if f.id == gone or root_of(f.id, by_id) == gone_root and f.id != keep
            else f for f in listed]


@dataclass(frozen=True)
class Theme:
    """Forces of one side the facilitator grouped under one label (None: not grouped)."""

    label: str | None
    forces: tuple[Force, ...]

    @property
    def weight(self) -> float:
        return round(sum(f.weight for f in self.forces), 6)


def themed(side: Iterable[Force], theme_of: dict[int, str | None]) -> list[Theme]:
    """One side's forces by the facilitator's groups: the heaviest group first
    (ties: by label), each strongest first as given, the forces not grouped last.
    A label differing only in case or spaces is the same group (the first spelling seen)."""
    listed = list(side)
    spelling: dict[str, str] = {}
    gathered: dict[str | None, list[Force]] = {}
    for force in listed:
        label = " ".join((theme_of.get(force.id) or "").split())
        key = label.casefold() or None
        if key is not None:
            spelling.setdefault(key, label)
        gathered.setdefault(key, []).append(force)
    labelled = [Theme(spelling[key], tuple(forces)) for key, forces in gathered.items() if key is not None]
    labelled.sort(key=lambda t: (-t.weight, (t.label or "").casefold()))  # every label here is a str
    rest = [Theme(None, tuple(gathered[None]))] if None in gathered else []
    return labelled + rest

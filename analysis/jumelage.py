"""Jumelage: an explained compatibility score per pair of people, and a global
assignment of international students and citizens into duos, with employers
attached to form trios. Pure functions, no Flask: the coordinator's pages and
the benchmark call the same code.

The assignment is deterministic (inputs sorted by id; SciPy's solver has no
randomness) and honours the hard constraints: a shared availability slot, the
coordinator's "never together", each employer's capacity, locked matches kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

ROLES = ("student", "citizen", "employer")
GROUP_SIZES = ("duo", "trio", "either")
FRENCH_LEVELS = ("none", "beginner", "intermediate", "advanced", "native")
FLUENT = ("advanced", "native")

# What counts, and how much; the coordinator changes these from the proposal page.
DEFAULT_WEIGHTS = {"interests": 3.0, "languages": 3.0, "place": 2.0, "availability": 2.0, "goals": 2.0, "field": 1.0}


@dataclass(frozen=True)
class Person:
    id: int
    role: str
    languages: frozenset[str] = frozenset()
    french_level: str = "native"
    interests: frozenset[str] = frozenset()
    field: str = ""
    place: str = ""  # the MRC
    slots: frozenset[str] = frozenset()  # "mon-am", "sat-pm"…
    goals: frozenset[str] = frozenset()
    group_size: str = "either"
    capacity: int = 1  # employers only: how many trios they can join


@dataclass
class Score:
    value: float
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (code, detail) for the page to word


@dataclass
class Match:
    student: int
    citizen: int
    employer: int | None
    score: float
    reasons: list[tuple[str, str]]
    locked: bool = False


@dataclass
class Proposal:
    matches: list[Match]
    unmatched_students: list[int]
    unmatched_citizens: list[int]
    trio_wanted_without_employer: list[tuple[int, int]]


def overlap(a: Person, b: Person) -> frozenset[str]:
    return a.slots & b.slots


def _fraction(shared: int, a: int, b: int) -> float:
    smaller = min(a, b)
    return shared / smaller if smaller else 0.0


def _language_part(a: Person, b: Person) -> tuple[float, str, str]:
    """Complementary when one wants French practice and the other speaks it
    well; otherwise worth half if they share a language to talk in."""
    for learner, speaker in ((a, b), (b, a)):
        if "french" in learner.goals and learner.french_level not in FLUENT and speaker.french_level in FLUENT:
            return 1.0, "french_practice", ""
    common = sorted(a.languages & b.languages)
    if common:
        return 0.5, "common_language", ", ".join(common)
    return 0.0, "", ""


def pair_score(a: Person, b: Person, weights: dict[str, float] | None = None,
               neighbours: dict[str, frozenset[str]] | None = None) -> Score:
    """How well two people fit, with the reasons that make up the score."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    neighbours = neighbours or {}
    total, reasons = 0.0, []
    shared = sorted(a.interests & b.interests)
    if shared:
        total += w["interests"] * _fraction(len(shared), len(a.interests), len(b.interests))
        reasons.append(("interests", ", ".join(shared)))
    part, code, detail = _language_part(a, b)
    if part:
        total += w["languages"] * part
        reasons.append((code, detail))
    if a.place and a.place == b.place:
        total += w["place"]
        reasons.append(("same_place", a.place))
    elif a.place and b.place in neighbours.get(a.place, ()):
        total += w["place"] * 0.5
        reasons.append(("near_place", f"{a.place} / {b.place}"))
    slots = overlap(a, b)
    if slots:
        total += w["availability"] * _fraction(len(slots), len(a.slots), len(b.slots))
        reasons.append(("slots", " ".join(sorted(slots))))
    goals = sorted(a.goals & b.goals)
    if goals:
        total += w["goals"] * _fraction(len(goals), len(a.goals), len(b.goals))
        reasons.append(("goals", ", ".join(goals)))
    if a.field and a.field.casefold() == b.field.casefold():
        total += w["field"]
        reasons.append(("field", a.field))
    return Score(round(total, 4), reasons)


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def feasible_pair(a: Person, b: Person, never: set[tuple[int, int]]) -> bool:
    return bool(overlap(a, b)) and _key(a.id, b.id) not in never


def feasible_trio(student: Person, citizen: Person, employer: Person, never: set[tuple[int, int]]) -> bool:
    """A trio meets together: one slot all three share, and no "never together" inside it."""
    return (bool(student.slots & citizen.slots & employer.slots)
            and _key(student.id, employer.id) not in never and _key(citizen.id, employer.id) not in never)


def wants_trio(student: Person, citizen: Person) -> bool:
    """A duo becomes a trio when one of them asked for it and neither asked for a duo only."""
    sizes = {student.group_size, citizen.group_size}
    return "trio" in sizes and "duo" not in sizes


def _solve(scores: np.ndarray, feasible: np.ndarray) -> list[tuple[int, int]]:
    """Rows to columns: as many feasible pairs as possible first, then the
    highest total score among those (a bonus larger than any total score on
    every feasible cell makes cardinality come first)."""
    if scores.size == 0 or not feasible.any():
        return []
    bonus = float(np.abs(scores).sum()) + 1.0
    gain = np.where(feasible, scores + bonus, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols) if feasible[r, c]]


def trio_reasons(student: int, citizen: int, employer: int, *scores: Score) -> list[tuple[str, str]]:
    """A trio's three pairs' reasons, each after a ("pair", "a b") line that says whose they are."""
    reasons: list[tuple[str, str]] = []
    for (a, b), score in zip(((student, citizen), (student, employer), (citizen, employer)), scores):
        reasons += [("pair", f"{a} {b}"), *score.reasons]
    return reasons


def combined(student: int, citizen: int, employer: int | None, *scores: Score) -> tuple[float, list[tuple[str, str]]]:
    """A match's score (the sum over its pairs) and its reasons."""
    value = round(sum(s.value for s in scores), 4)
    return value, (trio_reasons(student, citizen, employer, *scores) if employer is not None else scores[0].reasons)


def assign(people: list[Person], weights: dict[str, float] | None = None,
           never: set[tuple[int, int]] | None = None,
           locked: list[tuple[int, int, int | None]] | None = None,
           neighbours: dict[str, frozenset[str]] | None = None) -> Proposal:
    """Duos of a student and a citizen, then employers attached to the duos
    that asked for a trio. Locked (student, citizen, employer-or-None) matches
    are kept as they are and their people taken out of the pools."""
    never = {_key(a, b) for a, b in (never or set())}
    by_id = {p.id: p for p in people}
    kept: list[Match] = []
    taken: set[int] = set()
    used = {p.id: 0 for p in people if p.role == "employer"}
    for s, c, e in locked or []:
        scores = [pair_score(by_id[s], by_id[c], weights, neighbours)]
        if e is not None:
            scores += [pair_score(by_id[s], by_id[e], weights, neighbours),
                       pair_score(by_id[c], by_id[e], weights, neighbours)]
            used[e] = used.get(e, 0) + 1
        value, reasons = combined(s, c, e, *scores)
        kept.append(Match(s, c, e, value, reasons, locked=True))
        taken.update((s, c))
    students = sorted((p for p in people if p.role == "student" and p.id not in taken), key=lambda p: p.id)
    citizens = sorted((p for p in people if p.role == "citizen" and p.id not in taken), key=lambda p: p.id)
    duos = _duos(students, citizens, weights, never, neighbours)
    employers = sorted((p for p in people if p.role == "employer"), key=lambda p: p.id)
    matches = _trios(duos, by_id, employers, used, weights, never, neighbours)
    paired = {m.student for m in matches} | {m.citizen for m in matches}
    lonely_trios = [(m.student, m.citizen) for m in matches
                    if m.employer is None and wants_trio(by_id[m.student], by_id[m.citizen])]
    return Proposal(kept + matches, [p.id for p in students if p.id not in paired],
                    [p.id for p in citizens if p.id not in paired], lonely_trios)


def _duos(students, citizens, weights, never, neighbours) -> list[tuple[Person, Person, Score]]:
    n, m = len(students), len(citizens)
    scores = np.zeros((n, m))
    feasible = np.zeros((n, m), dtype=bool)
    found: dict[tuple[int, int], Score] = {}
    for i, s in enumerate(students):
        for j, c in enumerate(citizens):
            if feasible_pair(s, c, never):
                found[i, j] = pair_score(s, c, weights, neighbours)
                scores[i, j] = found[i, j].value
                feasible[i, j] = True
    return [(students[i], citizens[j], found[i, j]) for i, j in _solve(scores, feasible)]


def _trios(duos, by_id, employers, used, weights, never, neighbours) -> list[Match]:
    """Each employer offers its capacity left as places; trio-seeking duos take
    the places that fit them best, as many duos served as possible."""
    places = [e for e in employers for _ in range(max(0, e.capacity - used.get(e.id, 0)))]
    seeking = [k for k, (s, c, _) in enumerate(duos) if wants_trio(s, c)]
    scores = np.zeros((len(seeking), len(places)))
    feasible = np.zeros((len(seeking), len(places)), dtype=bool)
    cache: dict[tuple[int, int], tuple[Score, Score]] = {}
    for i, k in enumerate(seeking):
        s, c, _ = duos[k]
        for j, e in enumerate(places):
            if feasible_trio(s, c, e, never):
                if (k, e.id) not in cache:
                    cache[k, e.id] = (pair_score(s, e, weights, neighbours), pair_score(c, e, weights, neighbours))
                scores[i, j] = sum(x.value for x in cache[k, e.id])
                feasible[i, j] = True
    attached = {seeking[i]: places[j] for i, j in _solve(scores, feasible)}
    matches = []
    for k, (s, c, score) in enumerate(duos):
        e = attached.get(k)
        value, reasons = combined(s.id, c.id, e.id, score, *cache[k, e.id]) if e else (score.value, score.reasons)
        matches.append(Match(s.id, c.id, e.id if e else None, value, reasons))
    return matches


def greedy(people: list[Person], weights: dict[str, float] | None = None,
           never: set[tuple[int, int]] | None = None,
           neighbours: dict[str, frozenset[str]] | None = None) -> list[Match]:
    """The baseline the benchmark compares with: best feasible pair first,
    then employers the same way. What a coordinator does by hand."""
    never = {_key(a, b) for a, b in (never or set())}
    students = sorted((p for p in people if p.role == "student"), key=lambda p: p.id)
    citizens = sorted((p for p in people if p.role == "citizen"), key=lambda p: p.id)
    pairs = sorted(((pair_score(s, c, weights, neighbours), s, c) for s in students for c in citizens
                    if feasible_pair(s, c, never)), key=lambda t: (-t[0].value, t[1].id, t[2].id))
    done: set[int] = set()
    matches = []
    for score, s, c in pairs:
        if s.id not in done and c.id not in done:
            done.update((s.id, c.id))
            matches.append(Match(s.id, c.id, None, score.value, score.reasons))
    left = {p.id: p.capacity for p in people if p.role == "employer"}
    employers = [p for p in people if p.role == "employer"]
    by_id = {p.id: p for p in people}
    for match in matches:
        s, c = by_id[match.student], by_id[match.citizen]
        if not wants_trio(s, c):
            continue
        options = [(pair_score(s, e, weights, neighbours).value + pair_score(c, e, weights, neighbours).value, e)
                   for e in employers if left[e.id] > 0 and feasible_trio(s, c, e, never)]
        if options:
            value, e = max(options, key=lambda t: (t[0], -t[1].id))
            left[e.id] -= 1
            match.employer, match.score = e.id, round(match.score + value, 4)
    return matches

"""The jumelage score explains itself; the assignment keeps the hard rules,
places as many people as the rules allow, and beats a greedy coordinator."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from analysis import jumelage as j

SLOTS = [f"{d}-{p}" for d in ("mon", "tue", "wed", "sat") for p in ("am", "ev")]
PLACES = ["Saguenay", "Le Fjord-du-Saguenay", "Lac-Saint-Jean-Est"]
NEAR = {"Saguenay": frozenset({"Le Fjord-du-Saguenay"}), "Le Fjord-du-Saguenay": frozenset({"Saguenay"})}


def test_the_score_says_why():
    student = j.Person(1, "student", frozenset({"english", "spanish"}), "beginner", frozenset({"music", "sports"}),
                       "génie", "Saguenay", frozenset({"mon-ev", "sat-am"}), frozenset({"french", "job"}))
    citizen = j.Person(2, "citizen", frozenset({"french", "english"}), "native", frozenset({"music"}),
                       "Génie", "Le Fjord-du-Saguenay", frozenset({"sat-am"}), frozenset({"french"}))
    score = j.pair_score(student, citizen, neighbours=NEAR)
    codes = dict(score.reasons)
    assert codes["interests"] == "music"
    assert "french_practice" in codes  # she wants French practice, he speaks it: complementary
    assert codes["near_place"] == "Saguenay / Le Fjord-du-Saguenay"
    assert codes["slots"] == "sat-am"
    assert codes["goals"] == "french"
    assert "field" in codes
    # 3×1 + 3×1 + 2×0.5 + 2×(1/1) + 2×(1/1) + 1
    assert score.value == 12.0
    heavier = j.pair_score(student, citizen, {"interests": 6.0}, NEAR)
    assert heavier.value == 15.0


def test_without_a_shared_moment_no_pair():
    a = j.Person(1, "student", slots=frozenset({"mon-am"}))
    b = j.Person(2, "citizen", slots=frozenset({"tue-am"}))
    assert j.assign([a, b]).matches == []
    assert j.assign([a, b]).unmatched_students == [1]


def people_strategy():
    person = st.fixed_dictionaries({
        "slots": st.frozensets(st.sampled_from(SLOTS), min_size=0, max_size=4),
        "interests": st.frozensets(st.sampled_from(["music", "sports", "arts", "cooking"]), max_size=3),
        "place": st.sampled_from(PLACES),
        "group_size": st.sampled_from(j.GROUP_SIZES),
        "french_level": st.sampled_from(j.FRENCH_LEVELS),
        "goals": st.frozensets(st.sampled_from(["french", "job", "network"]), max_size=2),
        "capacity": st.integers(1, 3),
    })
    return st.tuples(st.lists(person, max_size=9), st.lists(person, max_size=9), st.lists(person, max_size=3),
                     st.integers(0, 2**16))


def build(students, citizens, employers):
    people, next_id = [], 1
    for role, rows in (("student", students), ("citizen", citizens), ("employer", employers)):
        for row in rows:
            people.append(j.Person(next_id, role, frozenset({"french"}), **row))
            next_id += 1
    return people


@settings(max_examples=150, deadline=None)
@given(people_strategy())
def test_constraints_always_hold_nobody_twice_nobody_left_out(drawn):
    students, citizens, employers, seed = drawn
    people = build(students, citizens, employers)
    by_id = {p.id: p for p in people}
    rng = random.Random(seed)
    ids = [p.id for p in people]
    never = {tuple(rng.sample(ids, 2)) for _ in range(min(3, len(ids) // 2))} if len(ids) >= 2 else set()
    proposal = j.assign(people, never=never)
    again = j.assign(list(reversed(people)), never=never)
    assert [(m.student, m.citizen, m.employer) for m in proposal.matches] == \
        [(m.student, m.citizen, m.employer) for m in again.matches]  # deterministic, whatever the order
    seen, load = [], {}
    never_keys = {tuple(sorted(p)) for p in never}
    for m in proposal.matches:
        s, c = by_id[m.student], by_id[m.citizen]
        assert s.role == "student" and c.role == "citizen"
        assert s.slots & c.slots and tuple(sorted((s.id, c.id))) not in never_keys
        seen += [m.student, m.citizen]
        if m.employer is not None:
            e = by_id[m.employer]
            assert e.role == "employer" and j.wants_trio(s, c)
            assert s.slots & c.slots & e.slots
            assert tuple(sorted((s.id, e.id))) not in never_keys and tuple(sorted((c.id, e.id))) not in never_keys
            load[e.id] = load.get(e.id, 0) + 1
    assert len(seen) == len(set(seen))  # no one twice
    assert all(load[e] <= by_id[e].capacity for e in load)
    # Nobody left out when a place exists: as many duos as the largest feasible matching.
    studs = [p for p in people if p.role == "student"]
    cits = [p for p in people if p.role == "citizen"]
    if studs and cits:
        graph = np.array([[j.feasible_pair(s, c, never_keys) for c in cits] for s in studs], dtype=int)
        best = int((maximum_bipartite_matching(csr_matrix(graph), perm_type="column") >= 0).sum())
        assert len(proposal.matches) == best
    for s in proposal.unmatched_students:
        for c in proposal.unmatched_citizens:
            assert not j.feasible_pair(by_id[s], by_id[c], never_keys)


def test_locked_matches_are_kept_and_their_people_taken_out():
    people = build([{"slots": frozenset({"mon-am"})}] * 2, [{"slots": frozenset({"mon-am"})}] * 2, [])
    proposal = j.assign(people, locked=[(1, 4, None)])
    pairs = {(m.student, m.citizen, m.locked) for m in proposal.matches}
    assert (1, 4, True) in pairs and (2, 3, False) in pairs


def random_people(rng: random.Random, students: int, citizens: int, employers: int) -> list[j.Person]:
    def one(pid, role):
        return j.Person(pid, role, frozenset(rng.sample(["french", "english", "spanish", "arabic"], 2)),
                        rng.choice(j.FRENCH_LEVELS), frozenset(rng.sample(["music", "sports", "arts", "cooking",
                                                                           "games", "outdoors"], 2)),
                        rng.choice(["génie", "santé", "gestion"]), rng.choice(PLACES),
                        frozenset(rng.sample(SLOTS, 3)), frozenset(rng.sample(["french", "job", "network",
                                                                               "culture"], 2)),
                        rng.choice(j.GROUP_SIZES), rng.randint(1, 3))
    roles = ["student"] * students + ["citizen"] * citizens + ["employer"] * employers
    return [one(i + 1, role) for i, role in enumerate(roles)]


def test_at_program_size_it_beats_greedy_and_places_at_least_as_many():
    people = random_people(random.Random(19), 60, 60, 10)
    best, greedy = j.assign(people), j.greedy(people)
    assert len(best.matches) >= len(greedy)
    if len(best.matches) == len(greedy):
        assert sum(m.score for m in best.matches) >= sum(m.score for m in greedy) - 1e-6

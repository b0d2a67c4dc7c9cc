"""Time the jumelage assignment for 300 students, 300 citizens and 50 employers,
and compare its total score with a greedy coordinator (best pair first).

Run: .venv/bin/python benchmarks/jumelage.py [--students 300 --citizens 300 --employers 50 --seed 19]
Profiles are random but realistic in shape: 3–6 availability moments out of 21,
2–4 interests of 10, goals, MRCs of Saguenay–Lac-Saint-Jean, duo/trio wishes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import jumelage as j  # noqa: E402

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOTS = [f"{d}-{p}" for d in DAYS for p in ("am", "pm", "ev")]
INTERESTS = ("sports", "cooking", "music", "outdoors", "arts", "games", "volunteering", "technology", "reading",
             "travel")
GOALS = ("french", "network", "job", "culture", "housing")
PLACES = ("Saguenay", "Le Fjord-du-Saguenay", "Lac-Saint-Jean-Est", "Le Domaine-du-Roy", "Maria-Chapdelaine")
NEIGHBOURS = {"Saguenay": frozenset({"Le Fjord-du-Saguenay", "Lac-Saint-Jean-Est"}),
              "Le Fjord-du-Saguenay": frozenset({"Saguenay", "Lac-Saint-Jean-Est", "Maria-Chapdelaine"}),
              "Lac-Saint-Jean-Est": frozenset({"Saguenay", "Le Fjord-du-Saguenay", "Le Domaine-du-Roy",
                                               "Maria-Chapdelaine"}),
              "Le Domaine-du-Roy": frozenset({"Lac-Saint-Jean-Est", "Maria-Chapdelaine"}),
              "Maria-Chapdelaine": frozenset({"Le Fjord-du-Saguenay", "Lac-Saint-Jean-Est", "Le Domaine-du-Roy"})}


def person(pid: int, role: str, rng: random.Random) -> j.Person:
    student = role == "student"
    return j.Person(
        pid, role,
        frozenset(rng.sample(["french", "english", "spanish", "arabic", "wolof", "mandarin"], 2 if student else 1))
        | ({"french"} if not student else frozenset()),
        rng.choice(j.FRENCH_LEVELS[:4]) if student else rng.choice(j.FRENCH_LEVELS[3:]),
        frozenset(rng.sample(INTERESTS, rng.randint(2, 4))), rng.choice(["génie", "santé", "gestion", "éducation"]),
        rng.choice(PLACES), frozenset(rng.sample(SLOTS, rng.randint(3, 6))),
        frozenset(rng.sample(GOALS, rng.randint(1, 3))), rng.choice(j.GROUP_SIZES),
        rng.randint(1, 4) if role == "employer" else 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--employers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    roles = ["student"] * args.students + ["citizen"] * args.citizens + ["employer"] * args.employers
    people = [person(i + 1, role, rng) for i, role in enumerate(roles)]
    never = {tuple(rng.sample(range(1, len(people) + 1), 2)) for _ in range(30)}
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        proposal = j.assign(people, never=never, neighbours=NEIGHBOURS)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    greedy = j.greedy(people, never=never, neighbours=NEIGHBOURS)
    greedy_time = time.perf_counter() - start
    ours = sum(m.score for m in proposal.matches)
    theirs = sum(m.score for m in greedy)
    print(f"{args.students} students, {args.citizens} citizens, {args.employers} employers (seed {args.seed})")
    print(f"assignment: median {statistics.median(times):.2f} s over {args.repeats} runs "
          f"(min {min(times):.2f} s); greedy {greedy_time:.2f} s")
    print(f"matches: {len(proposal.matches)} ({sum(1 for m in proposal.matches if m.employer)} trios), "
          f"greedy {len(greedy)} ({sum(1 for m in greedy if m.employer)} trios)")
    print(f"total score: {ours:.1f}, greedy {theirs:.1f} ({(ours / theirs - 1) * 100:+.1f} %)")
    print(f"not placed: {len(proposal.unmatched_students)} students, {len(proposal.unmatched_citizens)} citizens; "
          f"trio wanted but no employer fits: {len(proposal.trio_wanted_without_employer)}")


if __name__ == "__main__":
    main()

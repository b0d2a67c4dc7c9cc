"""Time the tallies at forum scale: 1,000 voters × 60 items, for each vote type.

Run: .venv/bin/python benchmarks/tally_speed.py
The budget is well under 50 ms per tally, ballot validation included.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.tally import Ballot, RoundRules, VoteKind, tally  # noqa: E402

VOTERS = 1_000
ITEMS = 60
GROUPS = (
    "etudiant_international",
    "employeur",
    "etablissement",
    "communautaire",
    "municipalite_ministere",
    "recherche",
    "citoyen",
    "autre",
)
REPEATS = 15


def make_ballots(kind: VoteKind, rules: RoundRules, rng: random.Random) -> list[Ballot]:
    """Build one valid ballot per voter; impact × feasibility scores every item (worst case)."""
    ballots = []
    for pid in range(VOTERS):
        group = rng.choice(GROUPS)
        if kind is VoteKind.DOTS:
            content: dict = {}
            for _ in range(rules.dots_per_participant):
                item = rng.choice(rules.items)
                if content.get(item, 0) < rules.max_dots_per_item:
                    content[item] = content.get(item, 0) + 1
        elif kind is VoteKind.IMPACT_FEASIBILITY:
            content = {item: (rng.randint(1, 5), rng.randint(1, 5)) for item in rules.items}
        elif kind is VoteKind.RANKING:
            content = rng.sample(rules.items, rules.top_k)
        else:
            content = rng.sample(rules.items, rng.randint(0, rules.max_approvals))
        ballots.append(Ballot(pid, group, content))
    return ballots


def main() -> None:
    """Print the median and worst time of each tally, with and without validation."""
    rng = random.Random(2024)
    rules = RoundRules(
        items=tuple(f"idea-{i}" for i in range(ITEMS)),
        dots_per_participant=10,
        max_dots_per_item=3,
        top_k=10,
        max_approvals=10,
    )
    print(f"{VOTERS} voters × {ITEMS} items, {REPEATS} runs each (median / max, ms)")
    for kind in VoteKind:
        ballots = make_ballots(kind, rules, rng)
        for validate in (True, False):
            times = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                tally(kind, ballots, rules, validate=validate)
                times.append((time.perf_counter() - start) * 1000)
            label = "validated" if validate else "trusted  "
            print(f"  {kind.value:<20} {label} {statistics.median(times):7.2f} / {max(times):7.2f}")


if __name__ == "__main__":
    main()

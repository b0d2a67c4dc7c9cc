"""The load benchmark still drives the app and the floor end to end (at a small
size: these check that it runs and counts, not how fast anything is)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run_load(*options: str) -> tuple[list[dict], str]:
    done = subprocess.run([sys.executable, "benchmarks/load.py", "--no-features", *options], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]
    rows = [dict(zip(header, row, strict=True)) for row in cells  # the ideas table, not the votes'
            if len(row) == len(header) and row[0] in ("atelier", "floor")]
    return rows, done.stdout


def test_a_fixed_rate_run_measures_atelier_and_the_floor_with_the_same_phones():
    rows, output = run_load("--phones", "40", "--rate", "20", "--duration", "2", "--generators", "2",
                            "--votes", "0", "--with-floor")
    assert [row["server"] for row in rows] == ["atelier", "floor"]
    for row in rows:
        assert row["target/s"] == "20"
        assert (row["lost"], row["duplicated"], row["stored once"], row["errors"]) == ("0", "0", "yes", "0")
        assert float(row["server CPU s/1,000"]) > 0
        assert float(row["generator CPU s/1,000"]) > 0
    assert "Atelier / floor, 40 phones, 20/s: p95 ×" in output


def test_repeated_runs_alternate_atelier_and_the_floor_and_give_the_median_ratio():
    rows, output = run_load("--phones", "30", "--rate", "20", "--duration", "1", "--generators", "1",
                            "--votes", "0", "--with-floor", "--repeat", "2")
    assert [row["server"] for row in rows] == ["atelier", "floor", "atelier", "floor"]
    ratio = next(line for line in output.splitlines() if line.startswith("Atelier / floor"))
    assert "30 phones, 20/s" in ratio and ratio.count("(median of 2 runs, ") == 2


def test_the_default_run_drops_phones_and_votes_as_before():
    rows, output = run_load("--phones", "40", "--spread", "2", "--votes", "1", "--drop", "0.2")
    (row,) = rows
    assert (row["lost"], row["duplicated"], row["stored once"]) == ("0", "0", "yes")
    assert "| atelier | 40 | 40 |" in output  # every phone's dot counted in the votes table


def test_a_grouping_pressed_after_a_burst_gets_the_features_worker_s_features():
    """The real features worker, in its own process, behind a burst of 120 ideas:
    seeing the grouping start, it writes what it held and catches up, and the
    grouping goes by every idea's meaning, not by words."""
    from analysis.clustering import embedding_available

    done = subprocess.run([sys.executable, "benchmarks/grouping_after_burst.py", "--sizes", "120"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    row = [cell.strip() for cell in done.stdout.splitlines()[-1].strip("|").split("|")]
    size, worker, at_press, _waited, still, method = row[:6]
    assert (size, worker, still) == ("120", "yes", "0")
    assert int(at_press) > 0  # the worker held what it computed: the room was not calm yet
    assert method == ("auto" if embedding_available() else "tfidf")


def test_the_send_cost_benchmark_sends_stores_and_pushes_each_idea_and_prints_every_part():
    done = subprocess.run([sys.executable, "benchmarks/send_cost.py", "--phones", "3", "--ideas", "15",
                           "--repeat", "2"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "31 ideas sent and stored, each pushed to both screens" in done.stdout  # a warm-up idea and 2 × 15
    table = [[cell.strip() for cell in line.strip("|").split("|")] for line in done.stdout.splitlines()
             if line.startswith("| ")]
    rows = {cells[0]: cells[1:] for cells in table[1:]}  # the header first
    assert list(rows) == ["whole send", "request alone", "participant lookup", "lookup statement without the ORM",
                          "projector card", "control card"]
    for median, spread in rows.values():
        low, high = (float(value) for value in spread.split("–"))
        assert 0 < low <= float(median) <= high
    # The lookup is part of a send, and the request part of the lookup.
    assert float(rows["request alone"][0]) < float(rows["participant lookup"][0]) < float(rows["whole send"][0])

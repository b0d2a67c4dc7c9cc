"""analysis.spread: the matrix's discs never cover each other, at the size of a real round."""

from __future__ import annotations

import math
import random

from analysis.spread import spread


def closest(points):
    return min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1:])


def means_of_a_round(projects: int, voters: int, seed: int) -> list[tuple[float, float]]:
    """Each project's mean impact and feasibility from `voters` ratings of 1 to 5, as the
    matrix places them (feasibility across, impact up, 1–5 on 50–450)."""
    rng = random.Random(seed)
    points = []
    for _ in range(projects):
        lean = rng.uniform(2, 4)
        impact = sum(min(5, max(1, round(rng.gauss(lean, 1)))) for _ in range(voters)) / voters
        feasibility = sum(min(5, max(1, round(rng.gauss(lean, 1)))) for _ in range(voters)) / voters
        points.append((50 + (feasibility - 1) / 4 * 400, 450 - (impact - 1) / 4 * 400))
    return points


def test_forty_projects_rated_by_forty_people_never_cover_each_other():
    for seed in range(5):
        points = means_of_a_round(40, 40, seed)
        assert closest(points) < 36  # as rated, several discs sit on one another
        placed = spread(points, radius=18, low=50, high=450)
        assert closest(placed) >= 36 - 0.5
        assert all(50 - 1e-9 <= c <= 450 + 1e-9 for point in placed for c in point)
        # Moved only as far as needed: on average within a disc and a half of where the ratings put it.
        assert sum(math.dist(a, b) for a, b in zip(points, placed)) / len(points) < 54


def test_a_point_alone_stays_where_it_is_and_equal_points_part_the_same_way_each_time():
    alone = [(100.0, 100.0), (300.0, 300.0)]
    assert spread(alone, radius=18, low=50, high=450) == alone
    # A point on the frame stays on it while others elsewhere are parted.
    assert spread([(50.0, 50.0), (250.0, 250.0), (250.0, 250.0)], radius=18, low=50, high=450)[0] == (50.0, 50.0)
    same = [(250.0, 250.0)] * 6
    placed = spread(same, radius=18, low=50, high=450)
    assert closest(placed) >= 36 - 0.5 and placed == spread(same, radius=18, low=50, high=450)
    assert spread([], radius=18, low=50, high=450) == []


def test_more_points_than_the_chart_can_part_are_left_as_rated():
    """Past MAX_POINTS (a 500-item round) the chart cannot hold the discs apart: no work is spent trying."""
    from analysis.spread import MAX_POINTS

    points = means_of_a_round(MAX_POINTS + 1, 10, 0)
    assert spread(points, radius=18, low=50, high=450) == points

"""Points on a chart moved apart just enough that their numbered discs never
cover each other (the impact × feasibility matrix: 40 projects rated 1–5 give
many equal or near means, whose discs would sit on one another).

Each pass pushes every overlapping pair apart along the line between them,
half each, and keeps every centre inside the chart; it stops when none overlap
or after `passes`. Points with the same spot leave it in a fixed direction per
index, so the same input always gives the same picture.

Each pass compares every pair, so the work grows with the square of the
points: past MAX_POINTS the chart could not hold the discs apart anyway (a
400 px square holds about 120 discs of 36 px), and they stay where they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

MAX_POINTS = 100


def spread(points: Sequence[tuple[float, float]], radius: float, low: float, high: float,
           passes: int = 200) -> list[tuple[float, float]]:
    """Where to draw each disc of `radius` centred near `points` (x, y), with
    its centre in [low, high] on both axes, no two closer than 2 × radius where
    the room allows it. A point far from every other stays where it is."""
    if len(points) > MAX_POINTS:
        return [(float(x), float(y)) for x, y in points]
    if not points:
        return []
    at = np.array(points, dtype=float)
    n = len(at)
    least = 2 * radius
    # A fixed direction per index for points exactly on top of each other.
    turn = np.array([[math.cos(i * 2.399963), math.sin(i * 2.399963)] for i in range(n)])
    inside = (low, high)
    for _ in range(passes):
        gap = at[:, None, :] - at[None, :, :]  # gap[i, j] = at[i] - at[j]
        distance = np.sqrt((gap ** 2).sum(axis=2))
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(least - distance, 0, None)
        if not overlap.any():
            break
        same = distance < 1e-9
        direction = np.where(same[:, :, None], (turn[:, None, :] - turn[None, :, :]), gap)
        norm = np.sqrt((direction ** 2).sum(axis=2, keepdims=True))
        direction = direction / np.where(norm < 1e-9, 1, norm)
        # Half the overlap each, and a little more, so that a pass clears a lone pair.
        at = np.clip(at + (direction * (overlap[:, :, None] * 0.51)).sum(axis=1), *inside)
    return [(float(x), float(y)) for x, y in at]

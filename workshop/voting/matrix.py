"""Where the impact × feasibility matrix draws each project (templates/voting/_matrix.html)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from analysis.spread import spread

SIZE, PAD, RADIUS = 400, 50, 18  # the chart's square, its margin for the axes, a numbered disc


@dataclass(frozen=True)
class MatrixPoint:
    number: int  # the project's place in the ranked legend
    item: Any
    x: float  # where its disc is drawn
    y: float
    rated_x: float  # where its means put it: a thin line joins the two when they differ
    rated_y: float

    @property
    def moved(self) -> bool:
        return abs(self.x - self.rated_x) + abs(self.y - self.rated_y) > 2


def matrix_points(items) -> list[MatrixPoint]:
    """The rated items of a round (result.items, ranked), numbered as the legend
    numbers them, each disc moved off the others just enough to be read: 40
    projects give many equal means, whose discs would cover each other."""
    rated = [item for item in items if item.impact_mean is not None]
    spots = [(PAD + (item.feasibility_mean - 1) / 4 * SIZE, PAD + SIZE - (item.impact_mean - 1) / 4 * SIZE)
             for item in rated]
    drawn = _spread(tuple(spots))
    return [MatrixPoint(n, item, x, y, rx, ry)
            for n, (item, (x, y), (rx, ry)) in enumerate(zip(rated, drawn, spots), start=1)]


@lru_cache(maxsize=32)
def _spread(spots: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    # The same results are drawn for the projector, the control view and the
    # report, in each language: parted once per change of the means.
    return tuple(spread(spots, RADIUS, PAD, PAD + SIZE))

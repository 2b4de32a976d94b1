"""Where a scatter's names go: beside their points, inside the plot, overlapping least
(:func:`label_places`), for :func:`ui.charts.scatter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ui.chartstyle import AXES, HEIGHT

#: where a scatter's name goes from its point: right, left, above, below
PLACES: dict[str, dict[str, Any]] = {
    "right": {"align": "left", "dx": 7, "baseline": "middle"},
    "left": {"align": "right", "dx": -7, "baseline": "middle"},
    "above": {"align": "center", "dy": -8, "baseline": "bottom"},
    "below": {"align": "center", "dy": 8, "baseline": "top"},
}
#: a scatter's plot in pixels as a page draws it (a half-width column leaves less: the
#: placement is a good guess, not a layout), and an 11 px character's width
_PLOT_W, _PLOT_H, _CHAR_W = 700, HEIGHT + 60 - AXES, 6.2
#: names longer than this are cut with an ellipsis (the tooltip has the whole name)
NAME_LIMIT = 28


def short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "…"


def domain(values: pd.Series, rules: Sequence[float]) -> tuple[float, float]:
    """From the lowest to the highest of ``values`` and ``rules``, 10% wider each side."""
    lo = min(float(values.min()), *rules) if rules else float(values.min())
    hi = max(float(values.max()), *rules) if rules else float(values.max())
    pad = (hi - lo) * 0.1 or 0.5
    return lo - pad, hi + pad


def label_places(
    xs: pd.Series,
    ys: pd.Series,
    names: pd.Series,
    x_dom: tuple[float, float],
    y_dom: tuple[float, float],
) -> list[str]:
    """A side of its point for each name (``right``, ``left``, ``above``, ``below``):
    the first, in that order, where the name stays inside the plot and overlaps the
    names placed before it least (points from left to right: none, when a side is
    free). A few dozen projects: a loop over them is fine.

    Example: two points at the same height a name's width apart: the left one's name
    goes right, the other's right too only if it does not run into the first.
    """

    (x0, x1), (y0, y1) = x_dom, y_dom
    placed: list[tuple[float, float, float, float]] = []
    out = ["right"] * len(xs)
    order = sorted(range(len(xs)), key=lambda i: (xs.iloc[i], ys.iloc[i]))
    for i in order:
        px = (xs.iloc[i] - x0) / (x1 - x0) * _PLOT_W
        py = (1 - (ys.iloc[i] - y0) / (y1 - y0)) * _PLOT_H
        w = len(str(names.iloc[i])) * _CHAR_W
        boxes = {
            "right": (px + 7, py - 6, px + 7 + w, py + 6),
            "left": (px - 7 - w, py - 6, px - 7, py + 6),
            "above": (px - w / 2, py - 20, px + w / 2, py - 8),
            "below": (px - w / 2, py + 8, px + w / 2, py + 20),
        }
        inside = [p for p, b in boxes.items()
                  if b[0] >= 0 and b[2] <= _PLOT_W and b[1] >= 0 and b[3] <= _PLOT_H]  # fmt: skip
        # the side overlapping the names placed least (none, ideally)
        options = inside or ["left" if px > _PLOT_W / 2 else "right"]
        choice = min(options, key=lambda p: sum(overlap(boxes[p], b) for b in placed))
        out[i] = choice
        placed.append(boxes[choice])
    return out


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """The area two boxes (left, top, right, bottom) share, 0 when apart."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

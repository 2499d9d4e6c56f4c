"""Which village names a map can print without one covering another.

At county scale (300 villages) every name on the township's first view runs into its neighbours.
The names are placed greedily, largest village first: a name is printed where its box (text width
by line height, in screen pixels at the map's first view) touches no name already placed. A
village left unnamed still shows its name in its tooltip, and zooming in (the map's own) does not
add names: the labels are a fixed layer.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

__all__ = ["label_box", "screen_xy", "printable"]

_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]")
WORLD_PX = 512  # deck.gl's world is 512 * 2^zoom px wide (cockpit.geo.boundaries.view_state)


def label_box(text: str, font_px: float) -> tuple[float, float]:
    """(width, height) in px of ``text`` set at ``font_px``: a CJK character is one em wide, other
    characters about 0.6 em; lines are 1.25 em apart; a few px of background padding around."""
    lines = str(text).split("\n") or [""]
    width = max(sum(1.0 if _WIDE.match(c) else 0.6 for c in line) for line in lines) * font_px
    return width + 6, len(lines) * 1.25 * font_px + 2


def screen_xy(lon, lat, view: dict) -> tuple[np.ndarray, np.ndarray]:
    """Pixel offsets from the view's centre (x right, y down) in web mercator at the view's zoom."""
    scale = WORLD_PX * 2 ** view["zoom"]

    def y(lat_deg):
        lat_deg = np.clip(np.asarray(lat_deg, float), -85.0511, 85.0511)
        return np.log(np.tan(np.pi / 4 + np.radians(lat_deg) / 2))

    x = (np.asarray(lon, float) - view["longitude"]) / 360.0 * scale
    dy = (y(lat) - y(view["latitude"])) / (2 * math.pi) * scale
    return x, -dy


def printable(labels: pd.DataFrame, view: dict, font_px: float = 14) -> list[bool]:
    """For each row of ``labels`` (lon, lat, text, weight: the village's area), whether its name is
    printed: greedily by weight, largest first, where its box overlaps no box printed before."""
    if labels.empty:
        return []
    x, y = screen_xy(labels["lon"], labels["lat"], view)
    sizes = [label_box(t, font_px) for t in labels["text"]]
    order = np.argsort(-np.asarray(labels["weight"], float), kind="stable")
    placed: list[tuple[float, float, float, float]] = []
    keep = [False] * len(labels)
    for i in order:
        w, h = sizes[i]
        box = (x[i] - w / 2, y[i] - h / 2, x[i] + w / 2, y[i] + h / 2)
        if all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1] for b in placed):
            placed.append(box)
            keep[i] = True
    return keep

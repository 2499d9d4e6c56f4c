"""Village names on the map: none printed over another, the largest villages named first."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cockpit.geo import boundaries as geo
from cockpit.geo.labels import label_box, printable, screen_xy


def test_label_boxes_measure_cjk_as_one_em_and_latin_narrower():
    assert label_box("溪口村", 14) == (3 * 14 + 6, 1.25 * 14 + 2)
    assert label_box("Xikou", 10) == pytest.approx((5 * 6 + 6, 12.5 + 2))
    assert label_box("溪口村\nXikou Village", 10)[1] == 2 * 12.5 + 2


def test_screen_offsets_follow_web_mercator():
    view = {"longitude": 118.0, "latitude": 27.0, "zoom": 10}
    x, y = screen_xy([118.0, 118.0 + 360 / 2 ** 10 / 512 * 100], [27.0, 27.0], view)
    assert x == pytest.approx([0, 100]) and y == pytest.approx([0, 0])
    assert screen_xy([118.0], [27.01], view)[1][0] < 0          # north is up


def test_three_hundred_villages_get_names_that_never_overlap_largest_first():
    rng = np.random.default_rng(7)
    n = 300
    labels = pd.DataFrame({"lon": 118 + rng.uniform(0, 0.5, n), "lat": 27 + rng.uniform(0, 0.4, n),
                           "text": [f"{'溪口上坪岭头'[i % 6]}{i}村" for i in range(n)], "weight": rng.uniform(1, 9, n)})
    view = {"longitude": 118.25, "latitude": 27.2, "zoom": 10.5}
    keep = printable(labels, view)
    assert 20 < sum(keep) < n
    x, y = screen_xy(labels["lon"], labels["lat"], view)
    boxes = []
    for i in np.flatnonzero(keep):
        w, h = label_box(labels["text"][i], 14)
        boxes.append((x[i] - w / 2, y[i] - h / 2, x[i] + w / 2, y[i] + h / 2))
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    assert keep[int(np.argmax(labels["weight"]))]                 # the largest village is always named


def test_the_sample_township_names_every_village():
    gdf = geo.load_villages_geojson(Path(__file__).resolve().parents[2] / "geodata" / "villages.geojson")
    view = geo.view_state(gdf, 1100, 700)
    labels = geo.label_points(gdf).assign(weight=[g.area for g in gdf.geometry], text="溪口村")
    assert all(printable(labels, view))

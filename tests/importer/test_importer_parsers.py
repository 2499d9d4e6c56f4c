"""Cell parsers of the importer: dates, ids, numbers, coded values, coordinates and GCJ-02."""

from datetime import date, datetime

import numpy as np
import pytest

from cockpit.importer import coords, dates, values
from cockpit.importer.problems import ValueProblem


@pytest.mark.parametrize("cell,expected,had_time", [
    ("2026-10-05", datetime(2026, 10, 5), False),
    ("2026-10-05 08:30:00", datetime(2026, 10, 5, 8, 30), True),
    ("2026-10-05T08:30:00+08:00", datetime(2026, 10, 5, 8, 30), True),
    ("2026-10-05T00:30:00Z", datetime(2026, 10, 5, 8, 30), True),          # UTC → Beijing time
    ("2026-10-05T08:30:00-05:00", datetime(2026, 10, 5, 21, 30), True),
    ("2026/10/5", datetime(2026, 10, 5), False),
    ("2026/10/05 8:30", datetime(2026, 10, 5, 8, 30), True),
    ("2026.10.05", datetime(2026, 10, 5), False),
    ("2026年10月5日", datetime(2026, 10, 5), False),
    ("2026年10月5日 8:30", datetime(2026, 10, 5, 8, 30), True),
    ("2026年10月5日8时30分", datetime(2026, 10, 5, 8, 30), True),
    ("2026年10月5日 下午3:20", datetime(2026, 10, 5, 15, 20), True),
    ("2026年10月5日 上午12:10", datetime(2026, 10, 5, 0, 10), True),
    ("10/05/2026 03:04:05 PM", datetime(2026, 10, 5, 15, 4, 5), True),
    ("10/05/2026 12:00:00 AM", datetime(2026, 10, 5, 0, 0), True),
    ("10/5/26 8:05", datetime(2026, 10, 5, 8, 5), True),                   # Excel-mangled M/D/YY H:MM
    ("1/2/99 23:59", datetime(1999, 1, 2, 23, 59), True),                  # YY 30-99 is 19YY
    ("20261005", datetime(2026, 10, 5), False),
    ("20261005083000", datetime(2026, 10, 5, 8, 30), True),
    ("46300", datetime(2026, 10, 5), False),                               # Excel serial as text
    (46300.5, datetime(2026, 10, 5, 12), True),                            # Excel serial number
    (datetime(2026, 10, 5, 8, 30), datetime(2026, 10, 5, 8, 30), True),    # a spreadsheet date cell
    (date(2026, 10, 5), datetime(2026, 10, 5), False),
    ("２０２６-１０-０５", datetime(2026, 10, 5), False),                   # full-width digits
])
def test_every_date_format(cell, expected, had_time):
    assert dates.parse_datetime(cell) == (expected, had_time)


@pytest.mark.parametrize("cell,code", [
    ("2026-02-30", "impossible_date"), ("2026/13/01", "impossible_date"), ("2026年2月30日", "impossible_date"),
    ("13/45/2026", "impossible_date"), ("2026-10-05 25:00", "impossible_date"),
    ("10/05/2026 13:00 PM", "impossible_date"), ("yesterday", "not_a_date"), ("1850-01-01", "date_out_of_range"),
    ("2026-10", "not_a_date"), (True, "not_a_date"), ("0", "not_a_date"), ("99999999999", "not_a_date"),
])
def test_impossible_dates_are_problems(cell, code):
    with pytest.raises(ValueProblem) as info:
        dates.parse_datetime(cell)
    assert info.value.problem.code == code


def test_empty_date_and_date_only():
    assert dates.parse_datetime(None) is None
    assert dates.parse_date("2026/10/05 18:00") == date(2026, 10, 5)


@pytest.mark.parametrize("cell,expected", [
    ("07", "07"), (" 2A ", "2A"), ("350781105001", "350781105001"), (350781105001, "350781105001"),
    (350781105001.0, "350781105001"), ("350781105001.0", "350781105001"), ("'0701", "0701"),
    ("３５０７", "3507"), (None, None),
])
def test_ids_stay_text(cell, expected):
    assert values.parse_id(cell) == expected


@pytest.mark.parametrize("cell,code", [("3.50781E+11", "id_scientific"), (3.5, "bad_id"), (True, "bad_id")])
def test_ids_that_lost_digits_are_refused(cell, code):
    with pytest.raises(ValueProblem) as info:
        values.parse_id(cell)
    assert info.value.problem.code == code


def test_numbers_shares_and_ranges():
    assert values.parse_int("1,234") == 1234
    assert values.parse_int("1234人") == 1234
    assert values.parse_int(12.0) == 12
    assert values.parse_float("¥1,200.50") == 1200.5
    assert values.parse_share("85%") == pytest.approx(0.85)
    assert values.parse_share("0.85") == pytest.approx(0.85)
    with pytest.raises(ValueProblem, match="share_range"):
        values.parse_share("85")
    with pytest.raises(ValueProblem, match="not_an_integer"):
        values.parse_int("12.5")
    with pytest.raises(ValueProblem, match="out_of_range"):
        values.parse_int("40000", "SMALLINT")
    with pytest.raises(ValueProblem, match="out_of_range"):
        values.parse_int("350781105001", "INTEGER")  # a 12-digit code overflows 32-bit integers
    with pytest.raises(ValueProblem, match="not_a_number"):
        values.parse_float("nan")


def test_coded_values_in_both_languages():
    assert values.parse_enum("村", "kind") == "village"
    assert values.parse_enum("Community", "kind") == "community"
    assert values.parse_enum("农村", "area_group") == "rural"
    assert values.parse_enum("已办结", "case_status") == "closed"
    assert values.parse_enum("12345热线", "channel") == "hotline"
    assert values.parse_bool("是") is True and values.parse_bool("N") is False
    assert values.parse_satisfaction("非常满意") == 5 and values.parse_satisfaction("4") == 4
    with pytest.raises(ValueProblem, match="rating_range"):
        values.parse_satisfaction(6)
    with pytest.raises(ValueProblem) as info:
        values.parse_enum("镇", "kind")
    assert info.value.problem.params["allowed"] == ["community", "seat", "village"]


@pytest.mark.parametrize("cell,expected", [
    ("2026-10", "2026-10"), ("2026/1", "2026-01"), ("202610", "2026-10"), ("2026年10月", "2026-10"),
    ("2026-10-05", "2026-10"), (datetime(2026, 10, 5), "2026-10"),
])
def test_periods(cell, expected):
    assert values.parse_period(cell) == expected


def test_quarters():
    assert [values.parse_quarter(q) for q in ("2026-Q3", "2026Q3", "2026年第3季度", "2026年三季度")] == ["2026-Q3"] * 4
    with pytest.raises(ValueProblem):
        values.parse_quarter("2026-Q5")


# Pairs from the eviltransform project's tests (WGS84 lat, lon -> GCJ-02 lat, lon).
GCJ_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),   # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),   # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),   # Beijing
]


@pytest.mark.parametrize("wlat,wlon,glat,glon", GCJ_PAIRS)
def test_gcj02_against_known_pairs(wlat, wlon, glat, glon):
    lon, lat = coords.wgs84_to_gcj02(wlon, wlat)
    assert (lon, lat) == pytest.approx((glon, glat), abs=1e-9)
    lon, lat = coords.gcj02_to_wgs84(glon, glat)
    assert (lon, lat) == pytest.approx((wlon, wlat), abs=1e-8)


def test_gcj02_round_trip_arrays_and_outside_china():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(100, 125, 500), rng.uniform(20, 45, 500)
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat))
    assert np.max(np.abs(back[0] - lon)) < 1e-8 and np.max(np.abs(back[1] - lat)) < 1e-8
    shift = np.hypot(*(np.asarray(coords.wgs84_to_gcj02(lon, lat)) - np.array([lon, lat])))
    assert 0.001 < shift.min() and shift.max() < 0.01            # a few hundred metres
    assert coords.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)   # Paris is not shifted


def test_points_and_swaps():
    assert coords.parse_point("(27.43, 118.14)") == (27.43, 118.14)
    assert coords.parse_point("27.43，118.14") == (27.43, 118.14)
    assert coords.parse_point("POINT(118.14 27.43)") == (27.43, 118.14)
    with pytest.raises(ValueProblem, match="not_a_point"):
        coords.parse_point("north of the bridge")
    box = coords.BBox(117.5, 26.8, 118.7, 28.0)
    assert coords.settle(118.14, 27.43, box) == (118.14, 27.43, False)
    assert coords.settle(27.43, 118.14, box) == (118.14, 27.43, True)
    with pytest.raises(ValueProblem, match="coords_outside"):
        coords.settle(100.2, 40.1, box)

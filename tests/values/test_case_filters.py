"""CaseFilter, Period and the SQL the store makes of a filter (SQL and parameters checked apart)."""

from datetime import datetime

import pytest

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.store.case_sql import counts_sql, filter_sql


def test_filter_normalises_and_is_hashable():
    f = CaseFilter(village_ids=["b", "a", "a"], channels=("app",))
    assert f.village_ids == ("a", "b") and f.channels == ("app",)
    assert f == CaseFilter(village_ids=("a", "b"), channels=["app"])
    assert hash(f) == hash(CaseFilter(village_ids=("b", "a"), channels=("app",)))
    assert CaseFilter().is_empty and not f.is_empty
    assert f.with_(channels=()).channels == () and f.channels == ("app",)


def test_filter_rejects_a_bare_string_naming_the_field():
    with pytest.raises(TypeError, match="village_ids"):
        CaseFilter(village_ids="350781105001")
    with pytest.raises(TypeError, match="channels"):
        CaseFilter(channels=[1])


def test_filter_sql_binds_every_value():
    assert filter_sql(None) == ("", [])
    assert filter_sql(CaseFilter()) == ("", [])
    sql, args = filter_sql(CaseFilter(village_ids=("v2", "v1"), domain_ids=("health",),
                                      category_ids=("c1",), department_ids=("d",),
                                      channels=("app", "grid")))
    assert sql == (" AND c.village_id IN (?, ?)"
                   " AND c.category_id IN (SELECT category_id FROM categories WHERE domain_id IN (?))"
                   " AND c.category_id IN (?) AND c.department_id IN (?) AND c.channel IN (?, ?)")
    assert args == ["v1", "v2", "health", "c1", "d", "app", "grid"]


def test_hostile_values_stay_parameters():
    evil = "x'); DROP TABLE cases; --"
    sql, args = counts_sql("village", CaseFilter(village_ids=(evil,)))
    assert evil not in sql and "DROP" not in sql
    assert args == [evil, evil]  # once for the cases, once for the village list


def test_counts_sql_rejects_unknown_grouping():
    with pytest.raises(ValueError, match="by 'nope'"):
        counts_sql("nope")


def test_period_single_month_and_range():
    p = Period.of("2026-10")
    assert (p.start, p.end, p.months, p.label) == ("2026-10", "2026-10", 1, "2026-10")
    assert p.bounds() == (datetime(2026, 10, 1), datetime(2026, 11, 1))
    r = Period.of("2025-11..2026-02")
    assert r == Period.of(("2025-11", "2026-02")) and r.months == 4
    assert r.bounds() == (datetime(2025, 11, 1), datetime(2026, 3, 1))
    assert r.previous() == Period("2025-07", "2025-10")
    assert Period.of("2026-01").previous() == Period("2025-12", "2025-12")
    assert Period.of(p) is p


def test_period_rejects_bad_input():
    with pytest.raises(ValueError, match="after its end"):
        Period("2026-10", "2026-09")
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.of("2026-13")
    with pytest.raises(TypeError, match="period must be"):
        Period.of(202610)

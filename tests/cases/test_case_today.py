"""The secretary's day: cases due soon and party tasks due this week, against a direct computation."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pandas as pd
import pytest

from cockpit.values.case_filter import CaseFilter
from cockpit.cases.today import as_of, due_soon, tasks_due
from cockpit.store import Store


@pytest.fixture(scope="module")
def store(sample_db):
    s = Store(sample_db, read_only=True)
    yield s
    s.close()


def test_today_is_the_month_end_or_the_data_end(store):
    last = store.periods()[-1]
    assert as_of(store, last) == store.data_end()
    assert as_of(store, store.periods()[0]) < store.data_end()


@pytest.mark.parametrize("days", [1, 3, 10])
def test_due_soon_are_the_open_cases_whose_deadline_comes_within_days(store, sample_db, days):
    period = store.periods()[-1]
    moment = as_of(store, period)
    got = due_soon(store, period, days=days)
    with duckdb.connect(str(sample_db), read_only=True) as con:
        want = [r[0] for r in con.execute(
            "SELECT case_id FROM cases WHERE status <> 'cancelled' AND received_at < ? "
            "AND (closed_at IS NULL OR closed_at >= ?) AND due_at >= ? AND due_at < ? ORDER BY due_at, case_id",
            [moment, moment, moment, moment + timedelta(days=days)]).fetchall()]
    assert list(got["case_id"]) == want and len(want) > 0
    assert (got["hours_left"] >= 0).all() and (got["hours_left"] < 24 * days).all()
    assert got["phone"].isna().all() or not got["phone"].str.match(r"^1\d{10}$").any()   # masked


def test_due_soon_keeps_to_the_filter(store):
    period = store.periods()[-1]
    village = "350781105201"
    got = due_soon(store, period, CaseFilter(village_ids=(village,)), days=10)
    assert set(got["village_id"]) <= {village}


def test_tasks_due_this_week_include_overdue_ones_and_not_done_ones():
    tasks = pd.DataFrame({"task_id": ["a", "b", "c", "d", "e"],
                          "due_on": pd.to_datetime(["2026-10-25", "2026-11-03", "2026-11-08", "2026-11-09", "2026-11-02"]),
                          "status": ["in_progress", "not_started", "in_progress", "in_progress", "done"]})
    got = tasks_due(tasks, datetime(2026, 11, 1), days=7)
    assert list(got["task_id"]) == ["a", "b"] and list(got["days_left"]) == [-7, 2]
    assert list(tasks_due(tasks, datetime(2026, 11, 1), days=8)["task_id"]) == ["a", "b", "c"]

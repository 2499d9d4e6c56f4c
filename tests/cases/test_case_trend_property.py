"""The monthly trend equals the window counts of each month, whatever the cases, the filter, the
cancellations and the months without receipts (issue 15).

Random cases are written into a copy of the tiny township's database; every row of
``case_counts_by_period`` must equal the total row of ``case_counts`` for that month, and the
trend must list every calendar month from the first receipt to the last.
"""

from datetime import datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cockpit.values.case_filter import CaseFilter
from cockpit.store.case_sql import COUNT_COLUMNS

A, B = "350781105001", "350781105002"
START = datetime(2026, 1, 1)
CATEGORY_DEPARTMENT = {"c1": "health_office", "c2": "net_office"}

case = st.fixed_dictionaries({
    "day": st.integers(0, 300),  # received: days after 2026-01-01 (months without receipts happen)
    "due_days": st.integers(0, 60),
    "close_days": st.none() | st.integers(-3, 120),  # negative: closed before received
    "village": st.sampled_from([A, B]),
    "category": st.sampled_from(sorted(CATEGORY_DEPARTMENT)),
    "channel": st.sampled_from(["hotline", "app"]),
    "cancelled": st.booleans(),
    "satisfaction": st.none() | st.integers(1, 5),
})
filters = st.sampled_from([None, CaseFilter(village_ids=(A,)), CaseFilter(village_ids=(B,)),
                           CaseFilter(channels=("app",)), CaseFilter(category_ids=("c2",)),
                           CaseFilter(village_ids=(B,), channels=("hotline",))])


def _write(store, cases):
    con = store.cursor()
    con.execute("DELETE FROM case_contacts")
    con.execute("DELETE FROM cases")
    for i, c in enumerate(cases):
        received = START + timedelta(days=c["day"], hours=9)
        closed = None if c["close_days"] is None else received + timedelta(days=c["close_days"], hours=1)
        status = "cancelled" if c["cancelled"] else "open" if closed is None else "closed"
        con.execute(
            "INSERT INTO cases (case_id, village_id, category_id, department_id, channel, received_at, "
            "acknowledged_at, due_at, closed_at, status, satisfaction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [f"P{i}", c["village"], c["category"], CATEGORY_DEPARTMENT[c["category"]], c["channel"], received,
             received + timedelta(hours=3), received + timedelta(days=c["due_days"]), closed, status,
             c["satisfaction"] if closed is not None else None])


def _months(cases):
    first = min(START + timedelta(days=c["day"]) for c in cases)
    last = max(START + timedelta(days=c["day"]) for c in cases)
    return [p.strftime("%Y-%m") for p in pd.period_range(first, last, freq="M")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(case, min_size=1, max_size=25), filt=filters)
def test_every_month_of_the_trend_equals_its_window_counts(store, cases, filt):
    _write(store, cases)
    by_month = store.case_counts_by_period(filt).set_index("period")
    assert list(by_month.index) == _months(cases)
    for period in by_month.index:
        counts = store.case_counts(period, filt)
        total = counts[counts["village_id"].isna()].iloc[0]
        for column in COUNT_COLUMNS:
            a, b = by_month.loc[period, column], total[column]
            assert (pd.isna(a) and pd.isna(b)) or a == pytest.approx(b), (period, column, filt)


def test_a_month_without_receipts_keeps_its_closures_and_open_cases(store):
    # received in January and March; February has none, yet a closure, a due date and open cases
    _write(store, [dict(day=5, due_days=40, close_days=35, village=A, category="c1", channel="hotline",
                        cancelled=False, satisfaction=5),
                   dict(day=10, due_days=30, close_days=None, village=A, category="c1", channel="hotline",
                        cancelled=False, satisfaction=None),
                   dict(day=70, due_days=5, close_days=None, village=B, category="c2", channel="app",
                        cancelled=True, satisfaction=None)])
    feb = store.case_counts_by_period().set_index("period").loc["2026-02"]
    # case 1 closed 02-10, due 02-15; case 2 due 02-10, still open; the cancelled March case counts nowhere
    assert (feb["received"], feb["closed"], feb["due"], feb["open_at_end"], feb["overdue_at_end"]) == (0, 1, 2, 1, 1)
    march = store.case_counts_by_period().set_index("period").loc["2026-03"]
    assert (march["received"], march["open_at_end"], march["overdue_at_end"]) == (0, 1, 1)

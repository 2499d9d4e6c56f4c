"""The store's case counts against a plain pandas implementation of DOMAIN.md, on the sample."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.store import Store
from cockpit.store.case_sql import COUNT_COLUMNS

FILTERS = [None, CaseFilter(channels=("app", "grid")),
           CaseFilter(domain_ids=("health", "elderly"), village_ids=("350781105202", "350781105211")),
           CaseFilter(department_ids=("URB",))]


@pytest.fixture(scope="module")
def frames(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    cases = con.execute("SELECT c.*, k.response_hours, k.domain_id FROM cases c "
                        "JOIN categories k USING (category_id)").df()
    con.close()
    return cases


@pytest.fixture(scope="module")
def store(sample_db):
    s = Store(sample_db)
    yield s
    s.close()


def _keep(cases, filt):
    keep = cases["status"] != "cancelled"
    if filt is None:
        return cases[keep]
    for field, column in (("village_ids", "village_id"), ("domain_ids", "domain_id"),
                          ("category_ids", "category_id"), ("department_ids", "department_id"),
                          ("channels", "channel")):
        values = getattr(filt, field)
        if values:
            keep &= cases[column].isin(values)
    return cases[keep]


def reference_counts(cases: pd.DataFrame, start, end) -> dict:
    """DOMAIN.md's definitions, row by row, for the window [start, end)."""
    rec, ack, due, clo = (cases[c] for c in ("received_at", "acknowledged_at", "due_at", "closed_at"))
    inw = lambda t: (t >= start) & (t < end)  # noqa: E731
    delay = (ack - rec).dt.total_seconds()
    received = inw(rec)
    due_in = inw(due)
    closed = inw(clo)
    open_end = (rec < end) & (clo.isna() | (clo >= end))
    days = (clo - rec).dt.total_seconds() / 86400
    ok_days = days[closed & (clo >= rec)]
    sat = cases["satisfaction"]
    return dict(
        received=received.sum(),
        responded_on_time=(received & (ack >= rec) & (delay <= cases["response_hours"] * 3600)).sum(),
        due=due_in.sum(), closed_of_due=(due_in & clo.notna()).sum(),
        on_time_of_due=(due_in & (clo <= due)).sum(), closed=closed.sum(),
        rated=(closed & sat.between(1, 5)).sum(), satisfied=(closed & sat.between(4, 5)).sum(),
        resolution_flagged=(closed & cases["resolved"].notna()).sum(),
        resolved=(closed & (cases["resolved"] == True)).sum(),  # noqa: E712
        open_at_end=open_end.sum(), overdue_at_end=(open_end & (due < end)).sum(),
        median_days_to_close=ok_days.quantile(0.5) if len(ok_days) else np.nan,
        p90_days_to_close=ok_days.quantile(0.9) if len(ok_days) else np.nan,
    )


def _close(a, b):
    return (pd.isna(a) and pd.isna(b)) or a == pytest.approx(b, rel=1e-9)


@pytest.mark.parametrize("filt", FILTERS)
def test_window_counts_match_reference(store, frames, filt):
    cases = _keep(frames, filt)
    for period in ("2024-11", "2025-03", "2026-10", ("2025-06", "2025-08")):
        start, end = (pd.Timestamp(x) for x in Period.of(period).bounds())
        ref = reference_counts(cases, start, end)
        got = store.case_counts(period, filt)
        total = got[got["village_id"].isna()].iloc[0]
        for col in COUNT_COLUMNS:
            assert _close(total[col], ref[col]), (filt, period, col)
        village = "350781105202"
        if filt is None or not filt.village_ids or village in filt.village_ids:
            one = reference_counts(cases[cases["village_id"] == village], start, end)
            row = got[got["village_id"] == village].iloc[0]
            for col in COUNT_COLUMNS:
                assert _close(row[col], one[col]), (filt, period, village, col)


@pytest.mark.parametrize("filt", FILTERS[:2])
def test_monthly_counts_match_reference(store, frames, filt):
    cases = _keep(frames, filt)
    by_month = store.case_counts_by_period(filt).set_index("period")
    assert len(by_month) == 24
    for period, row in by_month.iterrows():
        start, end = (pd.Timestamp(x) for x in Period.of(period).bounds())
        ref = reference_counts(cases, start, end)
        for col in COUNT_COLUMNS:
            assert _close(row[col], ref[col]), (filt, period, col)

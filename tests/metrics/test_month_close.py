"""Month close (月结) on the tiny township: frozen figures, what changed since, reopening, restating."""

import datetime as dt

import pandas as pd
import pytest

from cockpit.metrics import snapshot
from cockpit.auth.audit_log import read_audit
from cockpit.values.case_filter import CaseFilter
from cockpit.cases.kpis import kpi_table
from cockpit.cases.page import load_case_page
from cockpit.metrics.month_close import (ClosedFigures, MonthCloseError, close_month, differences, reopen_month,
                                 standing_closes)
from cockpit.store import Store, build_database
from cockpit.store.scope import ScopedStore
from tests.tiny_township import write_tiny_township

NOV_5 = dt.datetime(2026, 11, 5, 10, 0)


@pytest.fixture
def db(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    build_database(folder, tmp_path / "db.duckdb")
    store = Store(tmp_path / "db.duckdb", read_only=False)
    yield store.cursor(), store
    store.close()


def _total(counts):
    return counts[counts.iloc[:, 0].isna()].iloc[0]


def test_a_closed_month_keeps_its_figures_and_lists_what_changed(db):
    con, store = db
    close = close_month(con, "2026-10", "leader", at=NOV_5)
    assert (close.version, close.closed_by, close.closed_at) == (1, "leader", NOV_5)
    assert standing_closes(store) == {"2026-10": close}
    # October by hand: due 1, 2, 5, 6, 7, all closed; open at the end: 3 and 4 (8 is cancelled)
    frozen = ClosedFigures(store, standing_closes(store))
    t = _total(frozen.case_counts("2026-10"))
    assert (t["due"], t["closed_of_due"], t["open_at_end"], t["closed"]) == (5, 5, 2, 5)
    assert list(frozen.case_counts("2026-10")["village_id"].iloc[:2]) == ["350781105001", "350781105002"]

    # a late import closes case 3 on 10-30 and moves case 5 to the other village
    con.execute("UPDATE cases SET closed_at = TIMESTAMP '2026-10-30 09:00', status = 'closed' WHERE case_id = '3'")
    con.execute("UPDATE cases SET village_id = '350781105001' WHERE case_id = '5'")
    assert _total(store.case_counts("2026-10"))["open_at_end"] == 1  # as of now
    assert _total(frozen.case_counts("2026-10"))["open_at_end"] == 2  # as closed
    assert _total(frozen.case_counts_by_department("2026-10"))["open_at_end"] == 2
    # a filter, another month or a range read the data as of now
    assert _total(frozen.case_counts("2026-10", CaseFilter(channels=("hotline",))))["open_at_end"] == 1
    assert frozen.case_counts(("2026-09", "2026-10")).equals(store.case_counts(("2026-09", "2026-10")))

    changed = differences(store, close.period, close.version).set_index("metric")
    assert changed.loc["open_at_end", "at_close"] == 2 and changed.loc["open_at_end", "now"] == 1
    assert changed.loc["open_at_end", "change"] == -1
    assert "closure_rate" not in changed.index  # every case due in October was closed either way
    cases = store.month_close_case_changes("2026-10", 1)
    rows = {(r.case_id, r.field): (None if pd.isna(r.at_close) else r.at_close, r.now) for r in cases.itertuples()}
    assert rows[("3", "status")] == ("open", "closed")
    assert rows[("3", "closed_at")] == (None, "2026-10-30 09:00:00")
    assert rows[("5", "village_id")] == ("350781105002", "350781105001")
    assert len(rows) == 3

    # the appeals page's KPIs of a closed month come from the close
    page = load_case_page(frozen, "2026-10")
    kpis = page.kpis.set_index("metric")
    assert kpis.loc["open_at_end", "actual"] == 2
    assert kpi_table(store, "2026-10").set_index("metric").loc["open_at_end", "actual"] == 1

    # the township's monthly series (overview, map, command screen, meetings): October as closed,
    # September as now; the village table of every page too
    series = frozen.case_counts_by_period().set_index("period")
    now = store.case_counts_by_period().set_index("period")
    assert series.at["2026-10", "open_at_end"] == 2 and now.at["2026-10", "open_at_end"] == 1
    assert series.loc["2026-09"].equals(now.loc["2026-09"])
    assert frozen.case_counts_by_period(CaseFilter(channels=("hotline",))).equals(
        store.case_counts_by_period(CaseFilter(channels=("hotline",))))
    signed = snapshot.township_series(frozen)
    assert signed.at["2026-10", "open_at_end"] == 2
    vt = snapshot.village_table(frozen, "2026-10").set_index("village_id")
    assert vt["open_at_end"].sum() == 2


def test_reopen_and_restate(db):
    con, store = db
    close_month(con, "2026-10", "leader", at=NOV_5)
    con.execute("UPDATE cases SET closed_at = TIMESTAMP '2026-10-30 09:00', status = 'closed' WHERE case_id = '3'")
    with pytest.raises(MonthCloseError, match="already closed"):
        close_month(con, "2026-10", "leader", at=NOV_5)
    with pytest.raises(MonthCloseError) as why:
        reopen_month(con, "2026-10", "leader", "  ")
    assert why.value.key == "close.error.reason"
    reopen_month(con, "2026-10", "leader", "case 3 closed in October, entered late",
                 at=NOV_5 + dt.timedelta(days=1))
    assert standing_closes(store) == {}
    restated = close_month(con, "2026-10", "leader", at=NOV_5 + dt.timedelta(days=2))
    assert restated.version == 2
    frozen = ClosedFigures(store, standing_closes(store))
    assert _total(frozen.case_counts("2026-10"))["open_at_end"] == 1
    assert store.month_close_counts("2026-10", 1, "village").pipe(_total)["open_at_end"] == 2  # kept
    closes = store.month_closes()
    assert closes["version"].tolist() == [1, 2]
    assert closes.iloc[0]["reopen_reason"] == "case 3 closed in October, entered late"
    events = read_audit(con)  # newest first
    months = events[events["event"].str.startswith("month_")]
    assert months["event"].tolist() == ["month_close", "month_reopen", "month_close"]
    assert '"version": 1' in months.iloc[1]["detail"] and "entered late" in months.iloc[1]["detail"]


@pytest.mark.parametrize("period, key", [("2026-11", "close.error.not_over"), ("2026-12", "close.error.not_over"),
                                          (("2026-09", "2026-10"), "close.error.not_month"),
                                          ("2025-01", "close.error.empty")])
def test_what_cannot_be_closed(db, period, key):
    con, store = db
    with pytest.raises(MonthCloseError) as why:
        close_month(con, period, "leader", at=NOV_5)
    assert why.value.key == key
    assert store.month_closes().empty
    with pytest.raises(MonthCloseError) as why:
        reopen_month(con, "2026-10", "leader", "no reason needed")
    assert why.value.key == "close.error.not_closed"


def test_closure_rate_by_the_months_end_beside_closures_to_date(db):
    con, store = db
    # case 5, due 10-15, is entered as closed on 11-03: it counts to date, not by October's end
    con.execute("UPDATE cases SET closed_at = TIMESTAMP '2026-11-03 09:00' WHERE case_id = '5'")
    total = _total(store.case_counts("2026-10"))
    assert (total["due"], total["closed_of_due"]) == (5, 5)
    assert store.closures_by_end("2026-10") == (5, 4)
    assert store.closures_by_end("2026-10", CaseFilter(channels=("app",))) == (1, 0)
    assert store.closures_by_end(("2026-09", "2026-10")) == (6, 4)   # and case 4, due 09-25, still open
    scoped = ScopedStore(store, ["350781105001"])                    # case 5 is in the other village
    assert scoped.closures_by_end("2026-10") == (2, 2)

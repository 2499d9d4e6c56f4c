"""A county uses the months its townships closed (月结): the package carries a township's standing
closes, ``county add`` keeps them under the township's code, and the county's figures of a closed
month are the signed ones, equal to what the township's own cockpit shows, not its current ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from cockpit.metrics import snapshot
from cockpit.values.case_filter import CaseFilter
from cockpit.county.assemble import add_packages, create_county
from cockpit.county.figures import COUNT_COLUMNS, township_table
from cockpit.county.package import _FORBIDDEN
from cockpit.metrics.month_close import ClosedFigures, MonthCloseError, close_month, reopen_month, standing_closes
from cockpit.store import Store
from cockpit.store.month_close_sql import CASE_FIELDS
from cockpit.store.scope import ScopedStore
from tests.county.test_county_assemble import A, B, _publish, _township

OCT, NOV_5 = "2026-10", dt.datetime(2026, 11, 5, 10, 0)
WEIGHTS = (0.3, 0.35, 0.35)


def _close(db: Path, period: str = OCT, who: str = "leader", at: dt.datetime = NOV_5) -> None:
    with duckdb.connect(str(db)) as con:
        close_month(con, period, who, at=at)


def _late_closure(db: Path) -> None:
    """A case of October open at its end is closed on 10-30, entered after the close."""
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE cases SET closed_at = TIMESTAMP '2026-10-30 09:00', status = 'closed' WHERE case_id = '3'")


def _total(counts: pd.DataFrame) -> pd.Series:
    return counts[counts.iloc[:, 0].isna()].iloc[0]


def _villages(store, code: str) -> list[str]:
    t = store.townships()
    return list(t.loc[t["township_code"] == code, "village_id"])


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    """Township A closes October, then a late closure changes a case of October; B does not close;
    both publish; the county adds them."""
    root = tmp_path_factory.mktemp("closes")
    a = _township(root / "a", A, "小溪镇", "Xiaoxi Town")
    b = _township(root / "b", B, "大溪镇", "Daxi Town")
    _close(a)
    _late_closure(a)
    packages = [_publish(a, root / "pkg-a"), _publish(b, root / "pkg-b")]
    county = root / "county.duckdb"
    create_county(county, "青溪县", "Qingxi County")
    assert all(r.loaded for r in add_packages(county, packages, "clerk"))
    return {"a": a, "b": b, "county": county, "pa": packages[0], "root": root}


def test_the_package_carries_the_standing_closes_without_personal_fields(trip):
    folder = trip["pa"]
    closes = pq.read_table(folder / "month_closes.parquet").to_pandas()
    assert list(closes.columns) == ["period", "version", "closed_by", "closed_at"]   # nothing about reopenings
    assert list(closes["period"]) == [OCT] and list(closes["closed_by"]) == ["leader"]
    counts = pq.read_table(folder / "month_close_counts.parquet").to_pandas()
    assert set(counts["grouping"]) == {"village", "department"} and "township_code" not in counts.columns
    cases = pq.read_table(folder / "month_close_cases.parquet")
    assert cases.column_names == ["period", "version", "case_id", *CASE_FIELDS]
    assert not set(cases.column_names) & _FORBIDDEN and not set(CASE_FIELDS) & _FORBIDDEN
    assert cases.num_rows > 0


def test_a_reopened_close_does_not_travel(tmp_path):
    db = _township(tmp_path / "t", A, "小溪镇", "Xiaoxi Town")
    _close(db, "2026-09")
    _close(db)
    with duckdb.connect(str(db)) as con:
        reopen_month(con, OCT, "leader", "a late import", at=NOV_5 + dt.timedelta(days=1))
    out = _publish(db, tmp_path / "pkg")
    assert list(pq.read_table(out / "month_closes.parquet").to_pandas()["period"]) == ["2026-09"]
    assert set(pq.read_table(out / "month_close_counts.parquet").to_pandas()["period"]) == {"2026-09"}
    assert set(pq.read_table(out / "month_close_cases.parquet").to_pandas()["period"]) == {"2026-09"}


def test_the_county_s_october_of_the_township_is_the_signed_one(trip):
    own, county = Store(trip["a"]), Store(trip["county"])
    try:
        own_closes = standing_closes(own)
        signed = ClosedFigures(own, own_closes)
        closes = standing_closes(county, A)
        assert closes[OCT].version == 1 and closes[OCT].closed_by == "leader" and closes[OCT].township == A
        assert standing_closes(county) == {} and standing_closes(county, B) == {}   # the county closes nothing
        theirs = ClosedFigures(ScopedStore(county, _villages(county, A)), closes, frozen=county)
        for query in ("case_counts", "case_counts_by_department"):
            want = getattr(signed, query)(OCT)
            got = getattr(theirs, query)(OCT)
            pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False)
        # the late closure shows as of now, not in the signed figures
        assert _total(theirs.case_counts(OCT))["open_at_end"] == 2
        now = county.case_counts(OCT, CaseFilter(village_ids=tuple(_villages(county, A))))
        assert _total(now)["open_at_end"] == 1
        # the monthly series (overview, command screen) as the township's own
        want = signed.case_counts_by_period().set_index("period").loc[OCT, list(COUNT_COLUMNS)]
        got = theirs.case_counts_by_period().set_index("period").loc[OCT, list(COUNT_COLUMNS)]
        assert list(got) == list(want)
        # what changed since: the same case, qualified
        changes = county.month_close_case_changes(OCT, 1, A)
        mine = own.month_close_case_changes(OCT, 1)
        assert list(changes["case_id"]) == [f"{A}:{c}" for c in mine["case_id"]]
        assert list(changes["field"]) == list(mine["field"]) and set(changes["field"]) == {"status", "closed_at"}
    finally:
        own.close()
        county.close()


def test_the_township_ranking_uses_the_signed_counts_and_says_so(trip):
    own, county = Store(trip["a"]), Store(trip["county"])
    try:
        signed_total = _total(ClosedFigures(own, standing_closes(own)).case_counts(OCT))
        totals = county.month_close_totals(OCT)
        assert list(totals["township_code"]) == [A]
        table = township_table(snapshot.village_table(county, OCT), county.townships(), WEIGHTS, totals)
        plain = township_table(snapshot.village_table(county, OCT), county.townships(), WEIGHTS)
    finally:
        own.close()
        county.close()
    assert table.loc[A, "signed"] and not table.loc[B, "signed"]
    assert table.loc[A, "open_at_end"] == signed_total["open_at_end"] == 2 and plain.loc[A, "open_at_end"] == 1
    assert list(table.loc[A, list(COUNT_COLUMNS)]) == list(signed_total[list(COUNT_COLUMNS)])
    pd.testing.assert_series_equal(table.loc[B], plain.loc[B].reindex(table.columns).fillna({"signed": False}),
                                   check_names=False, check_dtype=False)


def test_two_townships_closing_one_month_stand_side_by_side_and_a_newer_package_replaces(trip, tmp_path):
    b = trip["b"]
    _close(b, who="daxi-leader")
    county = tmp_path / "county.duckdb"
    create_county(county, "青溪县", "Qingxi County")
    add_packages(county, [trip["pa"], _publish(b, tmp_path / "pkg-b")], "clerk")
    store = Store(county)
    try:
        assert standing_closes(store, A)[OCT].closed_by == "leader"
        assert standing_closes(store, B)[OCT].closed_by == "daxi-leader"
        assert list(store.month_close_totals(OCT)["township_code"]) == [A, B]
        n_a = len(store.month_close_counts(OCT, 1, "village", A))
    finally:
        store.close()
    # A reopens October and restates it; its newer package replaces its closes, B keeps its own
    with duckdb.connect(str(trip["a"])) as con:
        reopen_month(con, OCT, "leader", "restated", at=NOV_5 + dt.timedelta(days=2))
        close_month(con, OCT, "leader2", at=NOV_5 + dt.timedelta(days=3))
    try:
        (again,) = add_packages(county, [_publish(trip["a"], tmp_path / "pkg-a2", at="2026-12-01T09:00:00")], "clerk")
    finally:   # the module's township goes back to its one close of October
        with duckdb.connect(str(trip["a"])) as con:
            for table in ("month_closes", "month_close_counts", "month_close_cases"):
                con.execute(f"DELETE FROM {table} WHERE version = 2")
            con.execute("UPDATE month_closes SET reopened_by = NULL, reopened_at = NULL, reopen_reason = NULL")
    assert again.loaded and again.replaced and again.rows["month_closes"] == 1
    store = Store(county)
    try:
        assert standing_closes(store, A)[OCT].version == 2 and standing_closes(store, A)[OCT].closed_by == "leader2"
        assert standing_closes(store, B)[OCT].closed_by == "daxi-leader"
        assert len(store.month_close_counts(OCT, 2, "village", A)) == n_a
        assert store.month_close_counts(OCT, 1, "village", A).empty      # the old close is gone, not doubled
        with duckdb.connect(str(county), read_only=True) as con:
            per = dict(con.execute("SELECT township_code, count(*) FROM month_closes GROUP BY 1").fetchall())
            cases = con.execute("SELECT count(*) FROM month_close_cases WHERE NOT starts_with(case_id, township_code || ':')"
                                ).fetchone()[0]
        assert per == {A: 1, B: 1} and cases == 0
    finally:
        store.close()


def test_a_county_closes_and_reopens_nothing(trip, tmp_path):
    county = tmp_path / "c.duckdb"
    create_county(county, "青溪县", "Qingxi County")
    add_packages(county, [trip["pa"]], "clerk")
    with duckdb.connect(str(county)) as con:
        with pytest.raises(MonthCloseError) as closing:
            close_month(con, "2026-09", "head", at=NOV_5)
        with pytest.raises(MonthCloseError) as reopening:
            reopen_month(con, OCT, "head", "why not")
    assert closing.value.key == reopening.value.key == "close.error.county"

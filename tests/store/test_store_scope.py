"""The village scope of the store (cockpit/store/scope.py) on the sample township."""

from __future__ import annotations

import pandas as pd
import pytest

from cockpit.metrics import snapshot
from cockpit.values.case_filter import CaseFilter
from cockpit.cases.page import load_case_page
from cockpit.store import Store
from cockpit.store.scope import CASE_QUERIES, NO_VILLAGE, SHARED_QUERIES, ScopedStore, ScopeError, narrow_filter

OWN, OTHER = "350781105201", "350781105202"


@pytest.fixture(scope="module")
def store(sample_db):
    s = Store(sample_db)
    yield s
    s.close()


@pytest.fixture(scope="module")
def scoped(store):
    return ScopedStore(store, [OWN])


@pytest.fixture(scope="module")
def period(store):
    return store.periods()[-1]


# -- narrow_filter ----------------------------------------------------------------------------

def test_narrow_filter_limits_villages_and_keeps_the_rest():
    assert narrow_filter(None, [OWN]) == CaseFilter(village_ids=[OWN])
    assert narrow_filter(CaseFilter(channels=["app"]), [OWN, OTHER]) == \
        CaseFilter(village_ids=[OWN, OTHER], channels=["app"])
    assert narrow_filter(CaseFilter(village_ids=[OWN, "x"]), [OWN, OTHER]).village_ids == (OWN,)


@pytest.mark.parametrize("asked, scope", [([OTHER], [OWN]), ([], []), ([OWN], [])])
def test_narrow_filter_fails_closed(asked, scope):
    assert narrow_filter(CaseFilter(village_ids=asked), scope).village_ids == (NO_VILLAGE,)


# -- rows of the scope's villages only ----------------------------------------------------------

def test_village_rows_are_the_scope_only(store, scoped, period):
    assert list(scoped.villages()["village_id"]) == [OWN]
    for frame in (scoped.facilities(), scoped.coverage(period), scoped.coverage_all(),
                  scoped.allocations(period), scoped.party_branches(), scoped.party_tasks()):
        assert len(frame) and set(frame["village_id"]) == {OWN}
    assert set(scoped.party_assessments()["branch_id"]) == set(store.party_branches(OWN)["branch_id"])
    assert scoped.party_tasks(OTHER).empty and scoped.party_branches(OTHER).empty
    assert scoped.coverage_history(OTHER).empty and len(scoped.coverage_history(OWN))
    latest = scoped.latest_cases(pd.Timestamp("2100-01-01").to_pydatetime(), 20)
    assert len(latest) == 20 and set(latest["village_id"]) == {OWN}


def test_reference_data_naming_no_village_is_shared(store, scoped):
    for name in ("periods", "meta", "domains", "departments", "categories", "norms"):
        a, b = getattr(store, name)(), getattr(scoped, name)()
        assert (a.equals(b) if isinstance(a, pd.DataFrame) else a == b), name


def test_queries_not_scoped_are_refused(scoped):
    with pytest.raises(ScopeError, match="queue_history"):
        scoped.queue_history()
    with pytest.raises(AttributeError):  # ScopeError is one: hasattr() says False
        scoped.close()
    assert not hasattr(scoped, "coverage_funding_history")
    with pytest.raises(ScopeError, match="cursor"):   # no raw access round the scope
        scoped.cursor()


def test_every_store_query_is_scoped_shared_or_refused(store, scoped):
    public = {n for n in dir(Store) if not n.startswith("_")}
    # a month close freezes the township's figures: a scope reads its villages' current ones
    # a raw cursor reads every village: a scoped store has none to give
    refused = {"close", "coverage_funding_history", "due_mix", "queue_history", "month_close_counts", "planner_model",
               "month_close_case_changes", "month_close_totals", "cursor"}
    handled = set(CASE_QUERIES) | set(SHARED_QUERIES) | set(vars(ScopedStore))
    assert public - handled == refused, "a new store query: scope it in cockpit/store/scope.py"


# -- case queries run with the filter narrowed ---------------------------------------------------

def test_case_counts_are_the_villages_own(store, scoped, period):
    own = store.case_counts(period, CaseFilter(village_ids=[OWN]))
    pd.testing.assert_frame_equal(scoped.case_counts(period), own)
    pd.testing.assert_frame_equal(scoped.case_counts(period, CaseFilter(village_ids=[OWN, OTHER])), own)
    assert scoped.case_counts(period, filt=CaseFilter(village_ids=[OTHER]))["received"].sum() == 0
    by_month = scoped.case_counts_by_period(days=False)
    pd.testing.assert_frame_equal(by_month, store.case_counts_by_period(CaseFilter(village_ids=[OWN]), days=False))


def test_case_lists_and_checks_hold_own_cases_only(scoped, period):
    listed = scoped.case_list(period, kind="open")
    assert len(listed) and set(listed["village_id"]) == {OWN}
    assert scoped.case_list(period, CaseFilter(village_ids=[OTHER]), kind="open").empty
    found = scoped.quality_quick_closures(None)
    assert set(found["village_id"]) <= {OWN}
    assert scoped.quality_month_end_rows([(OTHER, 202601)]).empty
    page = load_case_page(scoped, period)
    assert set(page.villages["village_id"]) == {OWN}
    assert set(page.matrix["village_id"]) <= {OWN} and set(page.ranking["village_id"]) == {OWN}
    assert set(page.overdue["village_id"]) <= {OWN}
    assert all(set(v) <= {OWN} for v in page.repeats.groups["villages"])


# -- township figures over the scope only --------------------------------------------------------

def test_township_series_of_one_village_is_that_village(store, scoped):
    series = snapshot.township_series(scoped)
    for p in store.periods()[-3:]:
        row = snapshot.village_table(store, p).set_index("village_id").loc[OWN]
        for key in ("coverage:health", "service_index", "on_time_rate", "response_rate", "satisfaction_rate",
                    "overdue_at_end", "received", "funding_per_resident", "staff_per_1000", "population"):
            assert series.loc[p, key] == pytest.approx(row[key], nan_ok=True), (p, key)


def test_township_series_of_two_villages_weighs_their_population(store, period):
    two = ScopedStore(store, [OWN, OTHER])
    series = snapshot.township_series(two).loc[period]
    vt = snapshot.village_table(store, period).set_index("village_id").loc[[OWN, OTHER]]
    pop = vt["population"]
    assert series["population"] == pop.sum()
    assert series["coverage:health"] == pytest.approx((vt["coverage:health"] * pop).sum() / pop.sum())
    assert series["received"] == vt["received"].sum()
    assert series["on_time_rate"] == pytest.approx(vt["on_time_of_due"].sum() / vt["due"].sum())
    assert series["funding_per_resident"] == pytest.approx(vt["funding_yuan"].sum() / pop.sum())


def test_empty_scope_sees_nothing(store, period):
    none = ScopedStore(store, [])
    assert none.villages().empty and none.facilities().empty and none.coverage(period).empty
    assert none.case_counts(period)["received"].sum() == 0
    assert none.case_list(period, kind="open").empty
    assert none.coverage_by_period().empty and none.allocations_by_period().empty
    series = snapshot.township_series(none)
    assert (series["population"] == 0).all() and (series["received"] == 0).all()
    assert series["on_time_rate"].isna().all() and series["service_index"].isna().all()


# -- the pages' data object ----------------------------------------------------------------------

def test_data_scope_never_widens():
    from cockpit.ui.data import Data

    data = Data("x.duckdb", 1, (0.3, 0.35, 0.35))
    assert data.scoped(None) is data and data.allows(OTHER)
    mine = data.scoped([OWN])
    assert mine.scope == (OWN,) and mine.allows(OWN) and not mine.allows(OTHER)
    assert mine.scoped(None).scope == (OWN,)
    assert mine.scoped([OWN, OTHER]).scope == (OWN,)
    assert data.scoped([]).scope == ()


def test_data_reads_a_reference_table_once_per_run_and_hands_out_copies(sample_db, monkeypatch):
    from cockpit.ui import data as data_module

    reads = []

    def reference(path, version, name, scope=None):
        reads.append((name, scope))
        return {"domains": pd.DataFrame({"domain_id": ["edu", "health"], "name_zh": ["教育", "卫生"],
                                         "name_en": ["Education", "Health"]}),
                "periods": ["2026-09", "2026-10"]}[name]

    monkeypatch.setattr(data_module, "_reference", reference)
    data = data_module.Data(str(sample_db), 1, (0.3, 0.35, 0.35)).scoped([OWN])
    first = data.domains()
    first["name_zh"] = "changed"  # a page changing its frame changes nobody else's
    first.drop(columns="name_en", inplace=True)
    assert list(data.domains()["name_zh"]) == ["教育", "卫生"]
    assert list(data.domains().columns) == ["domain_id", "name_zh", "name_en"]
    assert data.domain_names("en").to_dict() == {"edu": "Education", "health": "Health"}
    assert data.domain_names("zh")["health"] == "卫生"
    data.periods().append("2026-11")
    assert data.periods() == ["2026-09", "2026-10"]
    assert reads == [("domains", None), ("periods", None)]  # once each, whatever the calls
    # another run (a new Data) reads again
    data_module.Data(str(sample_db), 1, (0.3, 0.35, 0.35)).domains()
    assert reads[-1] == ("domains", None)


def test_a_scope_lists_only_the_saved_scenarios_that_stay_inside_it(sample_db, tmp_path):
    import shutil

    import duckdb

    from cockpit.store.scenarios import Scenario, save_scenario
    from cockpit.ui.data import Data

    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    period = Store(db).periods()[-1]
    with duckdb.connect(str(db)) as con:
        mine = save_scenario(con, Scenario("own", "secretary", None, period, "neutral", 0.0, staff={OWN: 1.0}))
        both = save_scenario(con, Scenario("both", "leader", None, period, "neutral", 0.0,
                                           funding={OWN: {"education": 2.0}, OTHER: {"education": -2.0}}))
    data = Data(str(db), 1, (0.3, 0.35, 0.35))
    assert set(data.saved_scenarios()["scenario_id"]) == {mine, both}
    assert list(data.scoped([OWN]).saved_scenarios()["scenario_id"]) == [mine]
    assert data.scoped([OTHER]).saved_scenarios().empty

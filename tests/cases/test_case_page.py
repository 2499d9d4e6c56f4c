"""load_case_page: every part of the cases page agrees with the functions it is made of."""

import pandas as pd
import pytest

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.cases.kpis import kpi_table
from cockpit.cases.page import load_case_page
from cockpit.cases.ranking import village_ranking

A, B = "350781105001", "350781105002"


def test_page_parts(store, monkeypatch):
    monkeypatch.delenv("COCKPIT_THREE_RATES_WEIGHTS", raising=False)
    page = load_case_page(store, "2026-10")
    assert page.period == Period("2026-10", "2026-10") and page.filt == CaseFilter()
    pd.testing.assert_frame_equal(page.kpis, kpi_table(store, "2026-10"))
    pd.testing.assert_frame_equal(page.ranking, village_ranking(store, "2026-10"))
    v = page.villages.set_index("village_id")
    assert v.loc[A, "cases_per_10k"] == pytest.approx(3 * 10_000 / 2000)
    assert v.loc[B, "on_time_rate"] == pytest.approx(2 / 3)
    assert page.overdue["case_id"].tolist() == ["4"] and page.overdue.iloc[0]["phone"] == "139****1111"
    assert len(page.findings) == 6 and page.exclusions["rows"].sum() == 2
    assert list(page.trend.index) == ["2026-09", "2026-10"]
    # the most telling first: the two groups that came back after a closure, the larger first
    assert page.repeats.groups["group_id"].tolist() == ["caller-1", "place-2", "place-1"]
    assert (page.repeats.total, page.repeats.came_back) == (3, 2)


def test_page_with_filter(store):
    page = load_case_page(store, "2026-10", CaseFilter(village_ids=(B,)), weights=(1, 0, 0))
    assert page.villages["village_id"].tolist() == [B]
    assert page.ranking["three_rates_score"].tolist() == [1.0]
    assert page.matrix["village_id"].unique().tolist() == [B]
    assert page.exclusions["reason"].tolist() == ["closed_before_received"]

"""AppTest of Today (今日待办): a village secretary's own figures, cases and tasks only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.values.case_filter import CaseFilter
from cockpit.cases.overdue import overdue_list
from cockpit.cases.today import as_of, due_soon, tasks_due
from cockpit.store import Store
from cockpit.store.scope import ScopedStore
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
XIKOU = "350781105201"


def _today(user: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, user)
    at.query_params["lang"] = lang
    at.switch_page("pages/today.py")
    return at.run()


def _frame(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_secretary_sees_their_own_village_only(sample_db):
    at = _today("secretary")
    assert not at.exception and not at.error
    assert at.title[0].value == "今日待办：溪口村"
    store = ScopedStore(Store(sample_db, read_only=True), [XIKOU])
    period = store.periods()[-1]
    overdue = overdue_list(store, period, CaseFilter(), allowed=True)
    soon = due_soon(store, period, CaseFilter(), allowed=True)
    tasks = tasks_due(store.party_tasks(), as_of(store, period))
    headings = [h.value for h in at.subheader]
    assert f"已超期诉求 · {len(overdue)}" in headings and f"三天内到期诉求 · {len(soon)}" in headings
    assert f"本周到期的党建任务 · {len(tasks)}" in headings
    cases = pd.concat([d.value for d in at.dataframe if "工单号" in d.value.columns])
    assert "村（社区）" not in cases.columns                      # one village: no column naming it
    assert len(cases) == min(len(overdue), 30) + min(len(soon), 30)
    assert set(cases["工单号"]) <= set(overdue["case_id"]) | set(soon["case_id"])
    cases_page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(cases_page, "secretary")
    cases_page.switch_page("pages/cases.py")
    cases_page.run()
    received = next(m.value for m in cases_page.metric if m.label.startswith("受理诉求"))
    assert at.metric[0].label.startswith("受理诉求") and at.metric[0].value == received
    assert at.get("download_button") or at.button(key="village_pdf_off")


def test_the_page_in_english_and_who_may_open_it():
    at = _today("secretary", "en")
    assert at.title[0].value == "Today: Xikou Village"
    assert [h.value for h in at.subheader][-1] == "Village file"
    for other in ("leader", "viewer"):                      # Today is a village secretary's page
        refused = _today(other)
        assert not refused.title or not refused.title[0].value.startswith("今日待办")


def test_a_secretary_of_two_villages_sees_which_village_each_case_is_in(fresh_db):
    import duckdb

    from cockpit.auth.passwords import ScryptParams
    from cockpit.auth.users import add_user

    with duckdb.connect(str(fresh_db)) as con:
        add_user(con, "two.villages", "a long enough password", "village_secretary",
                 villages=[XIKOU, "350781105202"], params=ScryptParams(n=2**10, r=8, p=1))
    at = _today("two.villages")
    assert at.title[0].value == "今日待办：溪口村、上坪村"
    villages = set(pd.concat([d.value for d in at.dataframe if "工单号" in d.value.columns])["村（社区）"])
    assert villages and villages <= {"溪口村", "上坪村"}     # two villages: each row says which
    assert at.selectbox(key="today_village").options == ["溪口村", "上坪村"]

"""Month close on the appeals page (AppTest): a leader closes the month, a later change leaves the
closed figures as signed and is listed, "as of now" shows it, reopening needs a reason; all audited."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.auth.audit_log import read_audit
from cockpit.text.numbers import format_value
from cockpit.store import Store
from cockpit.ui import connection
from cockpit.ui.shell import radio_key
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90


def _cases_page(user: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, user)
    at.switch_page("pages/cases.py")
    at.query_params["lang"] = lang
    return at.run()


def _tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _events(db: Path) -> list[tuple[str, str, dict]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        log = read_audit(con)
    finally:
        con.close()
    log = log[log["event"].str.startswith("month_")].iloc[::-1]
    return [(r.event, r.user_name, json.loads(r.detail)) for r in log.itertuples()]


def test_close_change_compare_and_reopen(fresh_db):
    store = Store(fresh_db)
    period = store.meta()["data_end"]
    open_at_end = int(store.case_counts(period).pipe(lambda c: c[c["village_id"].isna()]).iloc[0]["open_at_end"])
    late = store._df("SELECT case_id FROM cases WHERE status = 'open' AND received_at < CAST(? AS DATE) "
                     "ORDER BY case_id LIMIT 1", [f"{period}-01"]).iloc[0]["case_id"]
    due, by_end = store.closures_by_end(period)
    store.close()

    at = _cases_page("leader")
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Closure rate: closures to date" in captions
    assert f"by the period's end it was {format_value(by_end / due, 'percent')}." in captions
    at.button(key="month_close").click().run()
    assert not at.exception
    assert any("closed." in s.value for s in at.success)
    assert any("was closed by leader" in i.value for i in at.info)
    assert _events(fresh_db) == [("month_close", "leader", {"period": period, "version": 1})]
    assert _tiles(at)["Open cases"] == format_value(open_at_end, "count")

    # an import closes one of the month's open cases afterwards, as if it had been closed in the month
    with connection.writing(str(fresh_db)) as cur:
        cur.execute("UPDATE cases SET status = 'closed', closed_at = CAST(? AS TIMESTAMP) WHERE case_id = ?",
                    [f"{period}-20 10:00", late])
    at.run()
    assert _tiles(at)["Open cases"] == format_value(open_at_end, "count")  # as signed
    changes = [d.value for d in at.dataframe if "Case" in d.value.columns]
    assert changes and late in set(changes[0]["Case"])
    assert set(changes[0][changes[0]["Case"] == late]["What"]) == {"Status", "Closed"}
    at.radio(key=radio_key("month_figures", "en")).set_value("now").run()
    assert _tiles(at)["Open cases"] == format_value(open_at_end - 1, "count")
    assert "Closure rate: closures to date" in " ".join(c.value for c in at.caption)

    # reopening: refused without a reason, then done and audited
    reopen = next(b for b in at.button if b.label.startswith("Reopen"))
    reopen.click().run()
    assert any("Say why" in e.value for e in at.error)
    at.text_input(key="month_reopen_reason").input("late closures entered")
    next(b for b in at.button if b.label.startswith("Reopen")).click().run()
    assert not at.exception
    assert not any("was closed by" in i.value for i in at.info), ([e.value for e in at.error], [s.value for s in at.success], [b.label for b in at.button])
    assert _tiles(at)["Open cases"] == format_value(open_at_end - 1, "count")
    assert _events(fresh_db)[-1] == ("month_reopen", "leader",
                                      {"period": period, "version": 1, "reason": "late closures entered"})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_village_secretary_sees_the_close_but_cannot_close(fresh_db, lang):
    at = _cases_page("leader", lang)
    at.button(key="month_close").click().run()
    at = _cases_page("secretary", lang)
    assert not at.exception
    assert not [b for b in at.button if b.key == "month_close"]
    banner = " ".join(i.value for i in at.info)
    assert ("月结" in banner) if lang == "zh" else ("was closed by" in banner)
    assert not [r for r in at.radio if r.key == radio_key("month_figures", lang)]  # own villages: as of now


def _overview(user: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, user)
    at.query_params["lang"] = "en"
    return at.run()


def test_every_page_shows_a_closed_month_as_closed(fresh_db):
    store = Store(fresh_db)
    period = store.meta()["data_end"]
    open_at_end = int(store.case_counts(period).pipe(lambda c: c[c["village_id"].isna()]).iloc[0]["open_at_end"])
    late = store._df("SELECT case_id, village_id FROM cases WHERE status = 'open' AND received_at < CAST(? AS DATE) "
                     "ORDER BY case_id LIMIT 1", [f"{period}-01"]).iloc[0]
    store.close()
    _cases_page("leader").button(key="month_close").click().run()
    with connection.writing(str(fresh_db)) as cur:
        cur.execute("UPDATE cases SET status = 'closed', closed_at = CAST(? AS TIMESTAMP) WHERE case_id = ?",
                    [f"{period}-20 10:00", late["case_id"]])

    at = _overview("planner")
    assert not at.exception
    assert _tiles(at)["Open cases"] == format_value(open_at_end, "count")   # as signed
    assert any("every page shows its figures as closed" in c.value for c in at.sidebar.caption)

    # a village secretary's own villages read as of now, and no note says otherwise
    secretary = _overview("secretary")
    assert not secretary.exception
    assert not any("as closed" in c.value for c in secretary.sidebar.caption)

"""The party-building page (党建引领) and the users-and-audit page in Chromium.

Party page, in Chinese, signed in as the demo party committee: the KPI tiles equal the quarter
scoreboard cockpit.party.review computes on the test database; the branch trend charts are drawn and the
period radio (按季度 → 按月) changes the periods plotted; no English words are left, every radio
shows a choice.

Admin page, in English, signed in as the demo administrator: the roles table lists every role of
cockpit.auth.ROLES by its English name; the audit log, filtered to the user ``admin``, shows the
sign-in of this very session. A viewer who opens /admin is refused and sees no audit rows.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from cockpit.auth.audit_log import now as audit_now
from cockpit.auth.roles import ROLES, role
from cockpit.text.numbers import format_value
from cockpit.i18n import Translator
from cockpit.party.review import TREND_BY, branch_trend, quarter_bounds, quarter_of, scoreboard
from cockpit.store import Store
from tests.e2e.conftest import open_page, wait_for_app_idle
from tests.e2e.page_checks import english_words, save_whole_page, unchecked_radios

EN, ZH = Translator("en"), Translator("zh")
TILE = '[data-testid="stMetric"]'
# The party committee's demo display name ("演示党建办 Demo party committee") is data.
PARTY_NAME_WORDS = {"Demo", "party", "committee"}

# The x values (periods) of a Plotly chart, in order of first appearance over all its traces.
_PERIODS_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  if (!gd || !gd._fullData) return null;
  const seen = [];
  for (const trace of gd._fullData) for (const x of Array.from(trace.x || [])) if (!seen.includes(x)) seen.push(x);
  return seen;
}"""
_TRACE_COUNT_JS = """(key) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  return gd && gd._fullData ? gd._fullData.length : null;
}"""


def _wait_for_periods(page, key: str, expected: list[str], timeout_ms: float = 10_000) -> None:
    """Wait (up to ``timeout_ms``) until chart ``key`` plots ``expected``; the assertion after it
    reports what it plots when it never does."""
    js = f"(expected) => JSON.stringify(({_PERIODS_JS})({key!r})) === JSON.stringify(expected)"
    try:
        page.wait_for_function(js, arg=expected, timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - the caller's assertion shows the difference
        pass


def _as_of(period: str) -> dt.date:
    """The day the party page takes its figures: the last day of the selected month (party_view._as_of)."""
    return (pd.Timestamp(f"{period}-01") + pd.offsets.MonthEnd(0)).date()


def _trend_periods(periods: list[str], period: str, by: str) -> list[str]:
    """The periods of the branch trend as party_view._trend chooses them (8 quarters or 12 months)."""
    upto = periods[: periods.index(period) + 1]
    if by == "quarter":
        keep = sorted({quarter_of(m) for m in upto})[-8:]
        upto = [m for m in upto if quarter_of(m) in keep]
    else:
        upto = upto[-12:]
    return upto


@pytest.fixture(scope="module")
def truth(sample_db):
    """The party page's figures, from the functions its data layer calls (cockpit.party.review)."""
    store = Store(sample_db)
    try:
        periods = store.periods()
        period = periods[-1]
        quarter = quarter_of(period)
        start, _ = quarter_bounds(quarter)
        as_of = _as_of(period)
        tasks, branches, assessments = store.party_tasks(), store.party_branches(), store.party_assessments()
        assessed = sorted(q for q in assessments["quarter"].unique() if q <= quarter)
        score_quarter = assessed[-1] if assessed else None
        board = scoreboard(tasks, branches, assessments, start, as_of, score_quarter)
        trends = {by: branch_trend(tasks, branches, assessments, _trend_periods(periods, period, by), by,
                                   as_of=as_of) for by in TREND_BY}
        yield {"period": period, "quarter": quarter, "as_of": as_of, "score_quarter": score_quarter,
               "board": board, "trends": trends, "branches": len(branches)}
    finally:
        store.close()


def _tile_value(page, label: str) -> str:
    tile = page.locator(TILE).filter(has=page.get_by_text(label, exact=True)).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _expected_tiles(board: pd.DataFrame) -> dict[str, str]:
    """The KPI row as party_view.quarter_summary formats it (label key → text)."""
    due = board["due"].sum()
    return {
        "party.due": format_value(due, "count"),
        "party.completion_rate": format_value(board["completed"].sum() / due if due else None, "percent"),
        "party.on_time_rate": format_value(board["on_time"].sum() / due if due else None, "percent"),
        "party.overdue": format_value(board["overdue"].sum(), "count"),
        "party.no_evidence": format_value(board["no_evidence"].sum(), "count"),
        "party.score": f"{board['score'].mean():.1f}" if board["score"].notna().any() else "–",
    }


def _grid(page, header: str):
    """The data grid with a column headed exactly ``header``."""
    th = page.locator('th[role="columnheader"]', has_text=re.compile(rf"^{re.escape(header)}$"))
    return page.locator('[data-testid="stDataFrame"]').filter(has=th)


def test_party_page_in_chinese(browser_page, app_server, truth):
    page = browser_page
    open_page(page, f"{app_server}/party?lang=zh&period={truth['period']}", user="party", password="demo-party")
    page.get_by_role("heading", name=ZH("party.title")).wait_for()

    # KPI row: the township's quarter-to-date figures of the scoreboard
    expected = _expected_tiles(truth["board"])
    assert page.locator(TILE).count() == len(expected)
    shown = {key: _tile_value(page, ZH(key)) for key in expected}
    assert shown == expected
    assert int(truth["board"]["due"].sum()) > 0  # the figures are not all dashes
    caption = ZH("party.quarter_caption", quarter=truth["quarter"], date=truth["as_of"].isoformat(),
                 score_quarter=truth["score_quarter"] or "–")
    assert page.get_by_text(caption, exact=True).is_visible()

    # the township completion trend and the branch trend (small multiples, by quarter by default)
    expect(page.locator(".st-key-party_trend .js-plotly-plot")).to_be_visible()
    page.get_by_role("heading", name=ZH("party.branch_trend")).scroll_into_view_if_needed()
    panels = page.locator(".st-key-party_branch_trend .js-plotly-plot")
    expect(panels).to_be_visible()
    assert panels.bounding_box()["height"] > 200
    by_quarter = list(dict.fromkeys(truth["trends"]["quarter"]["period"]))
    assert page.evaluate(_PERIODS_JS, "party_branch_trend") == by_quarter
    assert page.evaluate(_TRACE_COUNT_JS, "party_branch_trend") == 2 * truth["branches"]  # branch + township

    # 按季度 → 按月: the same panels now plot the months
    radio = page.get_by_test_id("stRadio").filter(has_text=ZH("party.trend_by"))
    expect(radio.get_by_role("radio", name=ZH("party.trend_by.quarter"), exact=True)).to_be_checked()
    radio.get_by_text(ZH("party.trend_by.month"), exact=True).click()
    wait_for_app_idle(page)
    expect(radio.get_by_role("radio", name=ZH("party.trend_by.month"), exact=True)).to_be_checked()
    by_month = list(dict.fromkeys(truth["trends"]["month"]["period"]))
    assert by_month != by_quarter and all(re.fullmatch(r"\d{4}-\d{2}", m) for m in by_month)
    expect(panels).to_be_visible()
    _wait_for_periods(page, "party_branch_trend", by_month)  # Plotly redraws after the run
    assert page.evaluate(_PERIODS_JS, "party_branch_trend") == by_month

    # the assessment scores by quarter (second tab): a drawn grid of the quarters assessed
    page.get_by_role("tab", name=ZH("party.score_trend")).click()
    scores = page.locator(".st-key-party_score_trend .js-plotly-plot")
    expect(scores).to_be_visible()
    assessed = truth["trends"]["quarter"].dropna(subset=["score"])["period"]
    assert page.evaluate(_PERIODS_JS, "party_score_trend") == list(dict.fromkeys(assessed))
    page.get_by_role("tab", name=ZH("party.tab_tasks")).click()

    english = english_words(page, PARTY_NAME_WORDS)
    assert not english, f"English words in the Chinese page: {sorted(english)}"
    assert unchecked_radios(page) == []
    save_whole_page(page, "party_zh")


def _choose(page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox of widget key ``key``."""
    page.locator(f'.st-key-{key} [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app_idle(page)


def test_admin_page_lists_roles_and_this_sign_in(browser_page, app_server):
    page = browser_page
    before = audit_now()  # the log's clock (local time, to the second); the server runs on this machine
    open_page(page, f"{app_server}/admin?lang=en", user="admin")
    page.get_by_role("heading", name=EN("nav.admin")).wait_for()

    # the roles table: one row per role of cockpit.auth.ROLES, by its English name, in order
    page.get_by_role("heading", name=EN("admin.roles")).wait_for()
    roles = page.get_by_test_id("stTable").filter(has_text=EN("admin.col.description"))
    expect(roles).to_be_visible()
    expect(roles.locator("tbody tr th")).to_have_text([EN(r.name_key) for r in ROLES])
    box, main = roles.bounding_box(), page.get_by_test_id("stMain").bounding_box()
    assert box["x"] + box["width"] <= main["x"] + main["width"] + 1  # every column on screen, no scrolling

    # the audit log, filtered to the user admin: the newest event is this session's sign-in
    audit_heading = page.get_by_role("heading", name=EN("admin.audit"))
    audit_heading.scroll_into_view_if_needed()
    user_filter = page.locator('.st-key-admin_audit_user')
    expect(user_filter.get_by_test_id("stWidgetLabel")).to_have_text(EN("admin.filter_user"))
    _choose(page, "admin_audit_user", "admin")
    log = _grid(page, EN("admin.col.detail"))
    expect(log).to_be_visible()
    expect(user_filter.get_by_role("combobox")).to_have_value("admin")
    users = log.locator('tbody td[aria-colindex="2"]')
    # the grid redraws after the script has finished: wait until it holds the admin's events only
    expect(users.filter(has_not_text=re.compile(r"^admin$"))).to_have_count(0)
    expect(users.first).to_have_text("admin")
    newest = log.locator("tbody tr").first.locator("td").all_inner_texts()
    logged_at, user, event, detail = [c.strip() for c in newest]
    assert (user, event) == ("admin", EN("admin.event.login_success"))
    assert '"role": "administrator"' in detail
    when = dt.datetime.fromisoformat(logged_at.replace("T", " "))
    assert before - dt.timedelta(seconds=1) <= when <= audit_now() + dt.timedelta(seconds=1), (before, logged_at)
    # the count above the log is the number of rows in it, all the admin's
    caption = page.get_by_text(re.compile(r"^Events: [\d,]+ \(newest first, at most 1,000\)$"))
    n = int(caption.inner_text().split()[1].replace(",", ""))
    assert n >= 1 and EN("admin.audit_count", n=f"{n:,}") == caption.inner_text()
    expect(log.locator("table")).to_have_attribute("aria-rowcount", str(n + 1))  # header + a row per event
    save_whole_page(page, "admin_en")


def test_viewer_is_refused_the_admin_page(browser_page, app_server):
    page = browser_page
    open_page(page, f"{app_server}/admin?lang=en", user="viewer")
    page.get_by_role("heading", name=EN("auth.forbidden_title")).wait_for()
    alert = page.get_by_test_id("stAlert")
    expect(alert.filter(has_text=EN("auth.forbidden", role=EN(role("viewer").name_key)))).to_have_count(1)
    expect(alert.filter(has_text=EN("auth.forbidden_hint"))).to_have_count(1)
    # nothing of the page itself: no roles table, no audit log, no grid at all
    for key in ("nav.admin", "admin.roles", "admin.audit", "admin.users"):
        assert page.get_by_role("heading", name=EN(key)).count() == 0, key
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert page.locator('th[role="columnheader"]').count() == 0
    assert page.get_by_text(EN("admin.event.login_success"), exact=True).count() == 0
    # and the sidebar offers no link to it
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name=EN("nav.overview"))).to_be_visible()
    assert sidebar.get_by_role("link", name=EN("nav.admin")).count() == 0

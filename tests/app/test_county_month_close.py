"""AppTest: in a county's database a township's closed month (月结) shows as the township signed it,
on the appeals page of the county narrowed to that township as in the township's own cockpit, with
no close or reopen for the county, and the county page's ranking says whose figures are signed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.auth.passwords import ScryptParams
from cockpit.auth.users import add_user
from cockpit.county.assemble import add_packages, create_county
from cockpit.i18n import Translator
from cockpit.metrics.month_close import close_month
from cockpit.ui.shell import radio_key
from tests.app.conftest import sign_in
from tests.county.test_county_assemble import A, B, _publish, _township

ROOT = Path(__file__).resolve().parents[2]
FAST = ScryptParams(n=2**10, r=8, p=1)
OCT = "2026-10"


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    """Xiaoxi (A) closes October, then closes one of its open cases late; Daxi (B) closes nothing."""
    root = tmp_path_factory.mktemp("county-close")
    a = _township(root / A, A, "小溪镇", "Xiaoxi Town")
    b = _township(root / B, B, "大溪镇", "Daxi Town")
    with duckdb.connect(str(a)) as con:
        close_month(con, OCT, "leader", at=dt.datetime(2026, 11, 5, 10, 0))
        con.execute("UPDATE cases SET closed_at = TIMESTAMP '2026-10-30 09:00', status = 'closed' WHERE case_id = '3'")
        add_user(con, "head", "a long enough password 2", "leader", params=FAST)
    county = root / "county.duckdb"
    create_county(county, "青溪县", "Qingxi County")
    assert all(r.loaded for r in add_packages(county, [_publish(a, root / "pa"), _publish(b, root / "pb")], "clerk"))
    with duckdb.connect(str(county)) as con:
        add_user(con, "head", "a long enough password 2", "leader", params=FAST)
    return {"county": county, "a": a}


def _use(monkeypatch, db: Path) -> None:
    monkeypatch.setenv("COCKPIT_DB", str(db))
    monkeypatch.setenv("COCKPIT_GEODATA", str(db.with_suffix(".geojson")))


def _cases_page(lang: str = "en", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = lang
    at.query_params["period"] = OCT
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/cases.py")
    return at.run()


def _tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_township_s_closed_month_in_the_county_is_the_signed_one_and_the_county_cannot_reopen_it(
        dbs, monkeypatch, lang):
    t = Translator(lang)
    _use(monkeypatch, dbs["a"])
    own = _cases_page(lang)
    assert not own.exception, own.exception
    _use(monkeypatch, dbs["county"])
    at = _cases_page(lang, township=A)
    assert not at.exception and not at.error, [*at.exception, *at.error]
    assert at.sidebar.selectbox(key="_w_township").value == A
    banner = " ".join(i.value for i in at.info)
    assert t("close.banner", period=t.period(OCT), who="leader", when="2026-11-05 10:00") in banner
    captions = [c.value for c in at.caption]
    assert t("close.county.signed") in captions
    assert any(t("close.signed_note", who="leader", when="2026-11-05 10:00") == c.value for c in at.sidebar.caption)
    assert not [b for b in at.button if b.key == "month_close"]
    assert not [b for b in at.button if b.label.startswith(t("close.reopen_button", period=t.period(OCT)))]
    assert _tiles(at) == _tiles(own)   # the township's own cockpit shows the same for October
    assert _tiles(at)[t("metric.open_at_end.label")] == "2"   # as signed: the late closure is not in it
    at.radio(key=radio_key("month_figures", lang)).set_value("now").run()
    assert not at.exception
    assert _tiles(at)[t("metric.open_at_end.label")] == "1"   # as of now, one click away
    changes = [d.value for d in at.dataframe if t("close.col.case") in d.value.columns]
    assert changes and set(changes[0][t("close.col.case")]) == {f"{A}:3"}


def test_the_whole_county_and_a_township_that_did_not_close_offer_no_close(dbs, monkeypatch):
    t = Translator("en")
    _use(monkeypatch, dbs["county"])
    for query, caption in (({}, "close.county.choose"), ({"township": B}, "close.county.none")):
        at = _cases_page("en", **query)
        assert not at.exception and not at.error, [*at.exception, *at.error]
        assert t(caption) in [c.value for c in at.caption]
        assert not [b for b in at.button if b.key == "month_close"]
        assert not any("was closed by" in i.value for i in at.info)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_county_page_says_which_townships_figures_are_signed(dbs, monkeypatch, lang):
    t = Translator(lang)
    _use(monkeypatch, dbs["county"])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = lang
    at.query_params["period"] = OCT
    at.run()
    at.switch_page("pages/county.py")
    at.run()
    assert not at.exception and not at.error, [*at.exception, *at.error]
    shown = at.dataframe[0].value.set_index(t("county.township"))
    names = {A: "小溪镇", B: "大溪镇"} if lang == "zh" else {A: "Xiaoxi Town", B: "Daxi Town"}
    assert shown.loc[names[A], t("county.figures")] == t("county.figures.signed")
    assert shown.loc[names[B], t("county.figures")] == t("county.figures.now")
    assert any(t("county.signed_note") in c.value for c in at.caption)

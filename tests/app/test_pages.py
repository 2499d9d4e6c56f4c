"""AppTest: every page runs in both languages, and the behaviour users rely on holds."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cockpit.metrics import snapshot
from cockpit.text.numbers import format_value
from cockpit.i18n import Translator
from cockpit.store import Store
from cockpit.ui.shell import radio_key
from tests.app.conftest import sign_in, sign_out_test

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
OVERVIEW = ROOT / "pages" / "overview.py"
MAP_PAGE = ROOT / "pages" / "map.py"
TIMEOUT = 60


def _app(path: Path, user: str | None = "leader") -> AppTest:
    """An AppTest of ``path`` run the way the server runs it (app.py is the entrypoint), signed
    in as ``user`` (a demo account of the sample; None: signed out)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)  # signed in: conftest
    if user:
        sign_in(at, user)
    else:
        sign_out_test(at)
    if path != OVERVIEW:  # the front page: the first run lands on it
        at.switch_page(str(path.relative_to(ROOT)))
    return at


def _run(path: Path, lang: str | None = None, **state) -> AppTest:
    at = _app(path)
    if lang:
        at.query_params["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


@pytest.fixture(scope="module")
def truth(sample_db):
    store = Store(sample_db)
    period = store.periods()[-1]
    domains = store.domains()
    yield {"period": period, "series": snapshot.township_series(store),
           "villages": snapshot.village_table(store, period),
           "domains_en": list(domains["name_en"]), "domain_ids": list(domains["domain_id"])}
    store.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_runs(sample_db, path, lang):
    at = _run(path, lang)
    assert not at.exception, at.exception
    # every page has a title; the command screen draws its own large one in HTML
    assert at.title or any("cmd-title" in m.value for m in at.markdown), "every page has a title"
    assert at.query_params["lang"] == [lang] or at.query_params["lang"] == lang


def test_overview_kpis_equal_the_store(sample_db, truth):
    at = _run(OVERVIEW, "en")
    tiles = {m.label: m.value for m in at.metric}
    row = truth["series"].loc[truth["period"]]
    assert tiles["On-time closure rate"] == format_value(row["on_time_rate"], "percent")
    assert tiles["Response rate"] == format_value(row["response_rate"], "percent")
    assert tiles["Overdue cases"] == format_value(row["overdue_at_end"], "count")
    assert tiles["Health"] == format_value(row["coverage:health"], "percent")
    assert tiles["Funding per resident"] == format_value(row["funding_per_resident"], "yuan", "en")
    assert len(at.metric) == 6 + 7 + 2


def test_language_switch_changes_labels_and_is_remembered(sample_db):
    at = _run(OVERVIEW)
    assert "按期结案率" in [m.label for m in at.metric]  # default language is Chinese
    at.selectbox(key="_w_lang").set_value("en").run()
    assert "On-time closure rate" in [m.label for m in at.metric]
    assert at.session_state["lang"] == "en"
    at.switch_page("pages/map.py").run()
    assert at.title[0].value == Translator("en")("map.title")


def test_period_selector_changes_figures(sample_db, truth):
    earlier = truth["series"].index[-7]
    at = _run(OVERVIEW, "en")
    at.selectbox(key="_w_period").set_value(earlier).run()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Closure rate"] == format_value(truth["series"].loc[earlier, "closure_rate"], "percent")
    assert at.query_params["period"] in ([earlier], earlier)


def test_attention_panel_names_three_villages(sample_db, truth):
    at = _run(OVERVIEW, "zh")
    names = set(truth["villages"]["name_zh"])
    shown = [m.value[5:] for m in at.markdown if m.value.startswith("#### ")]
    assert len(shown) == 3 and set(shown) <= names
    reasons = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert reasons and all("全镇" in r for r in reasons)


def _deck(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def _fills(deck: dict) -> dict[str, list[int]]:
    layer = next(layer for layer in deck["layers"] if layer["id"] == "villages")
    return {f["properties"]["village_id"]: f["properties"]["fill"] for f in layer["data"]["features"]}


def test_map_is_offline_and_metric_changes_colours(sample_db, truth):
    at = _run(MAP_PAGE, "en")
    spec = at.get("deck_gl_json_chart")[0].proto.json
    assert "http" not in spec and "mapbox" not in spec.lower() and "carto" not in spec.lower()
    deck = _deck(at)
    assert deck.get("mapStyle") in (None, "__MAP_STYLE__")  # the sentinel Streamlit drops
    before = _fills(deck)
    assert set(before) == set(truth["villages"]["village_id"])
    at.selectbox(key="map_metric").set_value("on_time_rate").run()
    after = _fills(_deck(at))
    assert after != before
    vt = truth["villages"].set_index("village_id")
    worst, best = vt["on_time_rate"].idxmin(), vt["on_time_rate"].idxmax()
    assert after[worst][0] > after[worst][1] and after[best][1] > after[best][0]


def test_map_selection_shows_card_and_survives_metric_change(sample_db, truth):
    vt = truth["villages"]
    village = vt[vt["kind"] == "village"].iloc[0]
    selection = {"selection": {"indices": {"villages": [0]},
                               "objects": {"villages": [{"properties": {"village_id": village["village_id"]}}]}}}
    at = _run(MAP_PAGE, "zh", village_map=selection)
    assert not at.exception
    assert village["name_zh"] in [s.value for s in at.subheader]
    at.selectbox(key="map_metric").set_value("satisfaction_rate").run()
    assert village["name_zh"] in [s.value for s in at.subheader]
    card_metrics = {m.label: m.value for m in at.metric}
    assert card_metrics["户籍人口"] == format_value(village["population"], "count")


def test_map_village_from_url_and_facilities_toggle(sample_db, truth):
    vt = truth["villages"]
    seat = vt[vt["kind"] == "seat"].iloc[0]
    at = _app(MAP_PAGE)
    at.query_params["lang"] = "en"
    at.query_params["village"] = seat["village_id"]
    at.run()
    assert seat["name_en"] in [s.value for s in at.subheader]
    facilities = lambda: next(l for l in _deck(at)["layers"] if l["id"] == "facilities")["data"]
    assert facilities() == []
    at.multiselect(key="map_facilities").set_value(["health"]).run()
    assert len(facilities()) > 0


def test_unusable_database_gives_clear_message(tmp_path, monkeypatch, sample_db):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database" * 200)
    monkeypatch.setenv("COCKPIT_DB", str(junk))
    at = _run(OVERVIEW, "en")
    assert not at.exception
    assert str(junk) in html.unescape(at.error[0].value)  # the path, as plain text (cockpit.text.literal)


def test_first_run_builds_the_missing_database(tmp_path, monkeypatch, sample_db):
    db = tmp_path / "new" / "cockpit.duckdb"
    monkeypatch.setenv("COCKPIT_DB", str(db))
    at = _run(OVERVIEW, "en")
    assert not at.exception
    assert db.is_file() and Store(db).periods()
    assert len(at.metric) == 6 + 7 + 2


def test_village_profile_from_url(sample_db, truth):
    vt = truth["villages"]
    village = vt[vt["kind"] == "village"].sort_values("coverage:elderly").iloc[0]
    at = _app(ROOT / "pages" / "village.py")
    at.query_params["lang"] = "en"
    at.query_params["village"] = village["village_id"]
    at.run()
    assert not at.exception
    assert at.title[0].value == f"Village profile: {village['name_en']}"
    facts = {m.label: m.value for m in at.metric}
    assert facts["Population"] == format_value(village["population"], "count")
    assert any("Elderly-care coverage" in w.value for w in at.warning)  # lowest elderly coverage
    access = next(d.value for d in at.dataframe if "This village" in d.value.columns
                  and d.value[""].iloc[0] == truth["domains_en"][0]).set_index("")
    assert access.loc[truth["domains_en"][0], "This village"] == format_value(
        village[f"access:{truth['domain_ids'][0]}"], "per1000")
    at.selectbox(key="_w_village").set_value(vt.iloc[0]["village_id"]).run()
    assert at.title[0].value == f"Village profile: {vt.iloc[0]['name_en']}"
    assert at.query_params["village"] in ([vt.iloc[0]["village_id"]], vt.iloc[0]["village_id"])


def _buttons(at: AppTest) -> dict[str, object]:
    """Download and plain buttons by label."""
    return {b.proto.label: b for b in list(at.get("download_button")) + list(at.button)}


def test_overview_and_command_screen_show_the_months_case_spikes(sample_db, truth, monkeypatch):
    from cockpit.cases.alerts import alerts

    store = Store(sample_db)
    try:
        months = [p for p in store.periods() if not alerts(store, p).empty]
        assert months, "the sample has some weeks far above their baseline"
        period = months[-1]
        spike = alerts(store, period).iloc[0]
        names = store.villages().set_index("village_id")["name_en"].to_dict()
        names.update(store.categories().set_index("category_id")["name_en"].to_dict())
    finally:
        store.close()
    name = names[spike["key"]]
    at = _run(OVERVIEW, "en", period=period)
    assert not at.exception
    expected = (f"{spike['kind'].capitalize()} {name}: {int(spike['count'])} cases in the week of "
                f"{str(spike['week'])[:10]}, usual {spike['baseline']:.1f}")
    assert any(w.value.startswith(expected) for w in at.warning), [w.value for w in at.warning]
    quiet = next(p for p in truth["series"].index[13:] if p not in months)
    at = _run(OVERVIEW, "en", period=quiet)
    assert "No category or village is far above its usual weekly count." in [c.value for c in at.caption]
    monkeypatch.setenv("COCKPIT_COMMAND_ROTATION", "0")  # both panels at once
    wall = _app(ROOT / "pages" / "command.py")
    wall.query_params["lang"] = "en"
    wall.query_params["period"] = period
    wall.run()
    assert not wall.exception
    html = " ".join(m.value for m in wall.markdown)
    assert f"<span>{name}</span><span class='cmd-tag overdue'>{int(spike['count'])} (usual {spike['baseline']:.0f})" in html


def test_cases_page_span_score_and_configured_targets(sample_db, truth, monkeypatch):
    from cockpit.values.case_filter import span_period
    from cockpit.cases.kpis import kpi_table
    from cockpit.cases.scorecard import overall_score, parse_targets

    monkeypatch.setenv("COCKPIT_CASE_TARGETS", "on_time_rate=0.5,median_days_to_close=3")
    targets = parse_targets("on_time_rate=0.5,median_days_to_close=3")
    store = Store(sample_db)
    period = truth["period"]
    at = _run(ROOT / "pages" / "cases.py", "en")
    assert not at.exception
    month = kpi_table(store, period, targets=targets)
    tiles = {m.label: m for m in at.metric}
    assert tiles["Score against targets"].value == f"{overall_score(month):.2f}"
    card = at.dataframe[0].value.set_index("")
    assert card.loc["On-time closure rate", "Target"] == "50.0%"
    assert card.loc["On-time closure rate", "Score against targets"] == pytest.approx(
        month.set_index("metric").loc["on_time_rate", "score"])
    at.radio(key=radio_key("case_span", "en")).set_value("3m").run()
    assert not at.exception
    span = span_period(period, "3m")
    quarter = kpi_table(store, span, targets=targets).set_index("metric")
    store.close()
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Cases received"] == format_value(quarter.loc["received", "actual"], "count")
    assert tiles["On-time closure rate"] == format_value(quarter.loc["on_time_rate", "actual"], "percent")
    from cockpit.i18n import Translator
    assert at.caption[0].value == f"{Translator('en').period(span[:7])} – {Translator('en').period(period)}"


def test_village_profile_offers_its_pdf_to_roles_that_may_export(sample_db):
    label = "Village file (PDF)"
    at = _app(ROOT / "pages" / "village.py")
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    button = _buttons(at)[label]
    assert button.type == "download_button" and not button.proto.disabled
    assert button.proto.help.startswith("The profile of this village as a printable PDF")
    viewer = _app(ROOT / "pages" / "village.py", user="viewer")
    viewer.query_params["lang"] = "en"
    viewer.run()
    assert not viewer.exception
    off = _buttons(viewer)[label]
    assert off.type == "button" and off.disabled
    assert off.help == "The PDF cannot be made: your role may not export"


def test_party_page_flags_planted_tasks_without_evidence(sample_db):
    import pandas as pd

    planted = pd.read_csv(ROOT / "sample_data" / "planted.csv", dtype=str)
    tasks = pd.read_csv(ROOT / "sample_data" / "party_tasks.csv", dtype=str)
    ids = planted[planted["pattern"].str.contains("evidence")]["record_id"]
    done = pd.to_datetime(tasks[tasks["task_id"].isin(ids)]["completed_on"])
    expected = int(((done >= "2025-07-01") & (done <= "2025-09-30")).sum())
    assert expected > 0
    at = _run(ROOT / "pages" / "party.py", "en")
    at.selectbox(key="_w_period").set_value("2025-09").run()
    assert not at.exception
    figures = {m.label: m.value for m in at.metric}
    assert figures["Done, no evidence"] == str(expected)
    flagged = at.dataframe[-1].value
    assert (flagged["Check"] == "⚠ done without evidence").sum() >= expected


def test_command_screen_wall_and_kiosk(sample_db, truth):
    at = _app(ROOT / "pages" / "command.py")
    at.query_params["lang"] = "en"
    at.query_params["kiosk"] = "1"
    at.run()
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert "stSidebar" in html and "display: none" in html  # kiosk hides the sidebar and menus
    row = truth["series"].loc[truth["period"]]
    assert format_value(row["on_time_rate"], "percent") in html
    assert format_value(row["overdue_at_end"], "count") in html
    assert not at.selectbox  # no menus in kiosk mode
    names = truth["villages"].set_index("village_id")["name_en"]
    worst = truth["villages"].sort_values("overdue_at_end", ascending=False).iloc[0]
    assert worst["overdue_at_end"] > 0 and names[worst["village_id"]] in html or "Latest appeals" in html


def test_command_screen_metric_from_url(sample_db):
    at = _app(ROOT / "pages" / "command.py")
    at.query_params["metric"] = "on_time_rate"
    at.run()
    assert not at.exception
    assert at.selectbox(key="command_metric").value == "on_time_rate"


def test_services_page_equity_figures_and_the_index(sample_db, truth):
    from cockpit.services.equity import gini
    from cockpit.services.index import index_definition
    from cockpit.services.figures import INDEX_ID

    vt = truth["villages"]
    at = _run(ROOT / "pages" / "services.py", "en")
    assert not at.exception
    at.selectbox(key="equity_domain").set_value("health").run()
    figures = {m.label: m.value for m in at.metric}
    expected = gini(vt["coverage:health"].to_numpy(), vt["population"].to_numpy())
    assert figures["Gini"] == f"{expected:.3f}"
    split = at.table[0].value  # Theil T and L, each split between and within urban and rural
    from cockpit.services import figures as services
    store = Store(sample_db)
    try:
        trend = services.equity_trend(services.coverage_long(store.coverage_all(), store.villages()))
    finally:
        store.close()
    row = trend[(trend["period"] == truth["period"]) & (trend["domain_id"] == "health")].iloc[0]
    assert split.loc["Theil T", "Between"] == f"{row['theil_t_between']:.4f}"
    assert split.loc["Theil L", "Within"] == f"{row['theil_l_within']:.4f}"
    assert split.loc["Theil T", "Between share"] == format_value(row["theil_t_between"] / row["theil_t"], "percent")
    assert figures["Urban ÷ rural"] == f"{row['gap_ratio']:.2f}"
    assert at.selectbox(key="equity_domain").options[0] == "Composite index"  # INDEX_ID first
    # the ranking by the township's one index, its definition stated beside it
    store = Store(sample_db)
    try:
        definition = index_definition(store)
    finally:
        store.close()
    caption = " ".join(c.value for c in at.caption)
    assert "Entropy weights, fixed on every village-month from" in caption
    health = dict(definition.weights)["health"]
    assert f"Health {health:.2f}" in caption
    ranking = at.dataframe[0].value
    top = vt.sort_values("service_index", ascending=False).iloc[0]
    assert ranking.iloc[0]["Village"] == top["name_en"]
    assert ranking.iloc[0]["Profile"] == f"village?village={top['village_id']}&lang=en&period={truth['period']}"
    assert INDEX_ID == "_index"


def test_cases_page_kpis_filters_cell_click_and_quality(sample_db, truth):
    import pandas as pd

    from cockpit.values.case_filter import CaseFilter
    from cockpit.cases.kpis import kpi_table

    store = Store(sample_db)
    period = truth["period"]
    at = _run(ROOT / "pages" / "cases.py", "en")
    assert not at.exception
    kpis = kpi_table(store, period).set_index("metric")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["On-time closure rate"] == format_value(kpis.loc["on_time_rate", "actual"], "percent")
    assert tiles["Cases received"] == format_value(kpis.loc["received", "actual"], "count")

    village = truth["villages"].sort_values("received", ascending=False).iloc[0]["village_id"]
    at.multiselect(key="_w_case_village_ids").set_value([village]).run()
    filtered = kpi_table(store, period, CaseFilter(village_ids=(village,))).set_index("metric")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Cases received"] == format_value(filtered.loc["received", "actual"], "count")
    # the filter persists across pages: to the map and back
    at.switch_page("pages/map.py").run()
    assert not at.exception
    at.switch_page("pages/cases.py").run()
    assert at.multiselect(key="_w_case_village_ids").value == [village]
    assert {m.label: m.value for m in at.metric}["Cases received"] == tiles["Cases received"]
    at.multiselect(key="_w_case_village_ids").set_value([]).run()

    overdue = store.case_list(period, CaseFilter(), kind="overdue")
    dept, vil = overdue.iloc[0]["department_id"], overdue.iloc[0]["village_id"]
    at.session_state["cases_matrix"] = {"selection": {"points": [{"customdata": [dept, vil]}],
                                                      "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    listed = at.dataframe[2].value  # the overdue list (after the scorecard and the ranking)
    expected = overdue[(overdue.department_id == dept) & (overdue.village_id == vil)]
    assert len(listed) == len(expected) > 0
    assert all("*" in name for name in listed["Name"])  # masked
    assert all("****" in phone for phone in listed["Phone"])

    at.radio(key=radio_key("quality_scope", "en")).set_value("all").run()
    planted = pd.read_csv(ROOT / "sample_data" / "planted.csv", dtype=str)
    n_closed_before = int((planted["pattern"] == "closed_before_received").sum())
    labels = [e.label for e in at.expander]
    assert any(f"Closed before received: {n_closed_before}" in label for label in labels), labels
    from cockpit.cases.repeats import repeats
    groups = repeats(store, period)
    came_back = int((groups["closed_then_repeated"] > 0).sum())
    assert f"{len(groups)} groups; {came_back} came back after a case was closed" in " ".join(c.value for c in at.caption)
    store.close()


def test_cases_matrix_shows_the_worst_villages_when_there_are_many(sample_db, truth, monkeypatch):
    import json

    from cockpit.cases.matrix import matrix
    from cockpit.ui import cases_view

    monkeypatch.setattr(cases_view, "MATRIX_VILLAGES", 3)
    store = Store(sample_db)
    wide = matrix(store.case_counts_matrix(truth["period"]), "overdue_at_end")
    store.close()
    worst = set(wide.sum(axis=0).sort_values(ascending=False, kind="stable").index[:3])
    at = _run(ROOT / "pages" / "cases.py", "en")
    assert not at.exception
    heatmap = next(d for c in at.get("plotly_chart") for d in json.loads(c.proto.spec)["data"]
                   if d["type"] == "heatmap")
    assert set(heatmap["x"]) == worst
    n_villages = len(truth["villages"])
    assert f"The 3 of {n_villages} villages with the most overdue cases at month end" in \
        " ".join(c.value for c in at.caption)


def _page_files_by_name():
    from cockpit.ui.pages import PAGES

    return {p.name: ROOT / p.path for p in PAGES}


@pytest.mark.parametrize("name", sorted(_page_files_by_name()))
def test_signed_out_every_page_shows_login_and_no_data(sample_db, name):
    at = _app(_page_files_by_name()[name], user=None)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.get("plotly_chart") and not at.get("deck_gl_json_chart")
    assert all("village_id" not in str(d.value.columns) for d in at.dataframe)


@pytest.mark.parametrize("role", ["viewer", "planner", "party", "secretary", "admin"])
def test_each_role_opens_exactly_the_pages_its_role_allows(sample_db, role):
    from cockpit.auth import can_open, get_user
    from cockpit.ui.pages import PAGES
    import duckdb

    con = duckdb.connect(str(sample_db), read_only=True)
    user = get_user(con, role)
    con.close()
    for name, path in _page_files_by_name().items():
        at = _app(path, user=role)
        at.query_params["lang"] = "en"
        at.run()
        assert not at.exception, (role, name, at.exception)
        refused = any(t.value == "Not available for your role" for t in at.title)
        assert refused != can_open(user, name), (role, name)
        if refused:
            assert not at.metric and not at.get("plotly_chart") and not at.get("deck_gl_json_chart")
        links = {link.proto.page for link in at.get("page_link")}  # url paths: "", "map" ...
        shown = {spec.name for spec in PAGES if spec.url_path in links}
        assert shown == {n for n in _page_files_by_name() if can_open(user, n)}, (role, name, links)


def test_village_secretary_sees_own_village_cases_unmasked_and_it_is_audited(fresh_db):
    import duckdb

    from cockpit.auth import get_user

    con = duckdb.connect(str(fresh_db), read_only=True)
    secretary = get_user(con, "secretary")
    names = dict(con.execute("SELECT village_id, name_en FROM villages").fetchall())
    con.close()
    (own,) = secretary.villages
    at = _app(ROOT / "pages" / "cases.py", user="secretary")
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.multiselect(key="_w_case_village_ids").options == [names[own]]
    listed = at.dataframe[2].value
    assert set(listed["Village"]) <= {names[own]}
    others = [n for v, n in names.items() if v != own]
    assert not any(n in " ".join(map(str, d.value.to_numpy().ravel())) for d in at.dataframe[1:3] for n in others)
    if len(listed):
        assert not any("*" in str(n) for n in listed["Name"])  # the role may see personal data
        con = duckdb.connect(str(fresh_db), read_only=True)
        events = [r[0] for r in con.execute("SELECT event FROM audit_log WHERE user_name = 'secretary'").fetchall()]
        con.close()
        assert "unmask" in events

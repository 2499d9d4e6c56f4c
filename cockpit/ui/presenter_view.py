"""The joint-meeting presenter (联席会议): slides in large type, speaker notes, the decision log
and the briefing PDF.

The slides come from :func:`cockpit.meeting.build.build_deck`; this module only draws them (the
decision log is cockpit/ui/decision_log_view.py). Every text put into Markdown or HTML here goes
through :func:`cockpit.text.literal.literal`. Session state (initialised here, the only place):
``presenter_slide`` (the slide shown, 0-based, mirrored to ``?slide=N`` 1-based),
``presenter_meeting`` (id of the meeting being recorded, once its first item is saved) and
``presenter_flash`` (a message for the next run).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cockpit import settings
from cockpit.meeting import briefing
from cockpit.text.literal import LABEL, LONG, literal
from cockpit.metrics.catalog import MAP_METRICS, coverage_key, metric
from cockpit.planner.compare import Comparison
from cockpit.meeting.build import build_deck
from cockpit.meeting.deck import MAX_SCENARIOS, Deck, PresenterFilters, PresenterInputs, Slide, Table
from cockpit.meeting.scenario_slides import comparison_of, saved_scenarios
from cockpit.ui import planner_data
from cockpit.ui.card_view import legend
from cockpit.ui.downloads import made_on_click, not_logged_warning, pdf_problem, record_download
from cockpit.ui.kpi import metric_label
from cockpit.ui.map_view import MapOptions, township_deck
from cockpit.ui.shell import PageContext

__all__ = ["SLIDE_KEY", "MEETING_KEY", "FLASH_KEY", "controls", "load_deck", "navigation", "slide_view",
           "speaker_notes", "briefing_button", "meeting_id", "departments", "user_name", "log_frames",
           "table_html"]

SLIDE_KEY, MEETING_KEY, FLASH_KEY = "presenter_slide", "presenter_meeting", "presenter_flash"
MAP_HEIGHT = 560
_CSS = """
<style>
.block-container { max-width: 1800px; }
.block-container h1 { font-size: 2.9rem; line-height: 1.2; }
.pr-caption { font-size: 1.05rem; opacity: .7; }
.pr-sub { font-size: 1.35rem; opacity: .8; margin: -0.4rem 0 0.8rem 0; }
.pr-tiles { display: grid; gap: 12px; margin: 6px 0 16px 0; }
.pr-tile { border: 1px solid #d5dce6; border-radius: 10px; padding: 10px 14px; min-width: 0; }
.pr-label { font-size: 1.1rem; opacity: .75; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pr-value { font-size: 2.6rem; font-weight: 700; line-height: 1.15; white-space: nowrap; }
.pr-delta { font-size: 1.05rem; opacity: .85; }
.pr-delta.good { color: #1a7f3c; } .pr-delta.bad { color: #be1e1e; }
.pr-table-title { font-size: 1.35rem; font-weight: 600; margin: 6px 0 6px 0; }
table.pr-table { border-collapse: collapse; width: 100%; font-size: 1.15rem; margin-bottom: 14px; }
table.pr-table th { background: #e5ecf6; text-align: left; padding: 6px 8px; }
table.pr-table td { border-top: 1px solid #d5dce6; padding: 6px 8px; vertical-align: top; }
.pr-notes { font-size: 1.25rem; line-height: 1.6; }
.pr-empty { font-size: 1.15rem; opacity: .7; }
.pr-item { font-size: 1.1rem; line-height: 1.45; }
.pr-item small { opacity: .7; font-size: .95rem; }
</style>
"""


# -- data ------------------------------------------------------------------------------------

def log_frames(ctx: PageContext) -> dict:
    """The decision log of the meeting being recorded (cockpit.ui.data.Data.decision_log)."""
    return ctx.data.decision_log(meeting_id())


def meeting_id() -> int | None:
    """The meeting being recorded in this session, once its first item is saved."""
    value = st.session_state.get(MEETING_KEY)
    return int(value) if value is not None else None


def departments(ctx: PageContext) -> pd.DataFrame:
    return log_frames(ctx)["departments"]


def _saved_scenarios(ctx: PageContext) -> dict[int, str]:
    """Saved scenarios in scope, newest first: id -> name."""
    saved = ctx.data.saved_scenarios()
    return {int(i): str(n) for i, n in zip(saved["scenario_id"], saved["name"])}


def controls(ctx: PageContext) -> tuple[PresenterFilters, str]:
    """The meeting's settings in the sidebar: title, villages, departments, map metric, the
    scenarios to compare."""
    t = ctx.t
    villages = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    depts = departments(ctx).set_index("department_id")[f"name_{ctx.lang}"]
    domains = ctx.data.domains()
    metrics = [coverage_key(d) for d in domains["domain_id"]] + list(MAP_METRICS)
    with st.sidebar:
        st.divider()
        st.markdown(f"**{t('presenter.settings')}**", help=t("presenter.filter.help"))
        title = st.text_input(t("presenter.meeting_title"), key="presenter_title",
                              value=t("presenter.default_title", period=t.period(ctx.period)), max_chars=200)
        chosen_v = st.multiselect(t("presenter.filter.villages"), list(villages.index), format_func=villages.get,
                                  key="presenter_villages", placeholder=t("presenter.filter.all"))
        chosen_d = st.multiselect(t("presenter.filter.departments"), list(depts.index), format_func=depts.get,
                                  key="presenter_departments", placeholder=t("presenter.filter.all"))
        metric_key = st.selectbox(t("presenter.filter.map_metric"), metrics, key="presenter_metric",
                                  index=metrics.index("service_index"), format_func=lambda k: metric_label(ctx, k))
        limit = st.number_input(t("presenter.filter.overdue_limit"), min_value=3, max_value=30, value=10,
                                step=1, key="presenter_limit")
        saved = _saved_scenarios(ctx)
        chosen_s = st.multiselect(t("presenter.filter.scenarios"), list(saved), format_func=saved.get,
                                  max_selections=MAX_SCENARIOS, key="presenter_scenarios",
                                  placeholder=t("presenter.filter.scenarios_none"),
                                  help=t("presenter.filter.scenarios_help"))
        meeting = meeting_id()
        if meeting is None:
            st.caption(t("presenter.meeting_none"))
        else:
            st.caption(t("presenter.meeting_open", id=meeting, date=dt.date.today().isoformat()))
            if st.button(t("presenter.new_meeting"), key="presenter_new_meeting"):
                st.session_state.pop(MEETING_KEY, None)
                st.rerun()
    return PresenterFilters(tuple(chosen_v), tuple(chosen_d), metric_key, int(limit),
                            tuple(i for i in chosen_s if i in saved)), title


def _comparison(ctx: PageContext, filters: PresenterFilters) -> Comparison | None:
    """The chosen scenarios compared (the planner's cached model and whole-township baselines)."""
    if not filters.scenario_ids:
        return None
    with ctx.data.reader() as con:
        scenarios = saved_scenarios(con, filters.scenario_ids)
    return comparison_of(scenarios, ctx.periods, lambda period: planner_data.baseline(ctx, period),
                         lambda: planner_data.model(ctx))


def load_deck(ctx: PageContext, filters: PresenterFilters) -> Deck:
    """The deck of the selected month and filters (data from the caches). A role without
    ``see_case_lists`` gets counts on the case slides, never case rows (nor in the briefing)."""
    log = log_frames(ctx)
    case_lists = ctx.can("see_case_lists")
    inputs = PresenterInputs(
        period=ctx.period, filters=filters, meta=ctx.data.meta(), series=ctx.data.township_series(),
        villages=ctx.data.village_table(ctx.period), domains=ctx.data.domains(),
        departments=log["departments"],
        **ctx.data.meeting_case_frames(ctx.period, filters.without_scenarios(), case_lists),
        party_tasks=ctx.data.party_tasks(), party_branches=ctx.data.party_branches(),
        party_assessments=ctx.data.party_assessments(), open_items=log["open_items"],
        meeting_items=log["meeting_items"], scenarios=_comparison(ctx, filters), case_lists=case_lists,
        index=ctx.data.index_definition(), close=ctx.data.month_closes().get(ctx.period))
    return build_deck(inputs, ctx.lang, township=ctx.township_name, county=ctx.t.county)


# -- navigation ------------------------------------------------------------------------------

def _set_slide(index: int) -> None:
    st.session_state[SLIDE_KEY] = index
    st.query_params["slide"] = str(index + 1)


def _current(total: int) -> int:
    url = st.query_params.get("slide")
    if url and str(url).isdigit() and 1 <= int(url) <= total:
        st.session_state[SLIDE_KEY] = int(url) - 1
    index = min(max(int(st.session_state.get(SLIDE_KEY, 0)), 0), total - 1)
    _set_slide(index)
    return index


def navigation(ctx: PageContext, deck: Deck) -> int:
    """Previous / next buttons and the slide number; returns the slide shown (0-based)."""
    total = len(deck.slides)
    index = _current(total)
    st.markdown(_CSS, unsafe_allow_html=True)
    left, prev, number, nxt, pdf = st.columns([5, 1.1, 0.8, 1.1, 2.2], vertical_alignment="center")
    left.markdown(f"<div class='pr-caption'>{literal(ctx.t('presenter.caption', township=deck.township, period=deck.period_label, n=index + 1, total=total))}</div>",
                  unsafe_allow_html=True)
    prev.button(ctx.t("presenter.previous"), key="presenter_prev", icon=":material/arrow_back:",
                disabled=index == 0, on_click=_set_slide, args=(index - 1,), width="stretch")
    number.markdown(f"<div style='text-align:center;font-size:1.4rem;font-weight:600' data-testid='slide-number'>"
                    f"{literal(ctx.t('presenter.slide_of', n=index + 1, total=total))}</div>", unsafe_allow_html=True)
    nxt.button(ctx.t("presenter.next"), key="presenter_next", icon=":material/arrow_forward:", type="primary",
               disabled=index == total - 1, on_click=_set_slide, args=(index + 1,), width="stretch")
    with pdf:
        briefing_button(ctx, deck)
    return index


# -- one slide -------------------------------------------------------------------------------

def _tiles(slide: Slide) -> str:
    n = len(slide.figures)
    per_row = n if n <= 6 and n != 5 else 4
    tiles = []
    for f in slide.figures:
        line = f.delta or f.detail
        tiles.append(f"<div class='pr-tile' title='{literal(f.help)}'><div class='pr-label'>{literal(f.label)}</div>"
                     f"<div class='pr-value'>{literal(f.value)}</div>"
                     f"<div class='pr-delta {literal(f.tone or '')}'>{literal(line) if line else '&nbsp;'}</div></div>")
    return (f"<div class='pr-tiles' style='grid-template-columns: repeat({per_row}, minmax(0, 1fr))'>"
            + "".join(tiles) + "</div>")


def table_html(table: Table) -> str:
    """A slide table as escaped HTML (cells are plain text: never Markdown or markup)."""
    title = f"<div class='pr-table-title'>{literal(table.title)}</div>"
    if table.frame.empty:
        return title + f"<div class='pr-empty'>{literal(table.empty_text)}</div>"
    head = "".join(f"<th>{literal(c)}</th>" for c in table.frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{literal(v, LONG)}</td>" for v in values) + "</tr>"
                   for values in table.frame.itertuples(index=False, name=None))
    return title + f"<table class='pr-table'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _map(ctx: PageContext, slide: Slide) -> None:
    spec = slide.map
    deck, entries = township_deck(ctx, ctx.data.village_table(ctx.period), MapOptions(spec.metric_key, [], ctx.lang),
                                  None, height=MAP_HEIGHT)
    if spec.highlight:  # outline every chosen village (township_deck outlines one)
        features = deck.layers[0].data["features"]
        deck.layers[1].data = {"type": "FeatureCollection", "features": [
            f for f in features if f["properties"]["village_id"] in spec.highlight]}
    legend(ctx, spec.title, entries, ctx.t(f"unit.{metric(spec.metric_key).unit}"))
    st.pydeck_chart(deck, height=MAP_HEIGHT, key="presenter_map")


def slide_view(ctx: PageContext, slide: Slide) -> None:
    """The slide in large type: title, subtitle, figures, then visuals beside the first table."""
    st.title(literal(slide.title, LABEL))
    if slide.subtitle:
        st.markdown(f"<div class='pr-sub'>{literal(slide.subtitle)}</div>", unsafe_allow_html=True)
    if slide.figures:
        st.markdown(_tiles(slide), unsafe_allow_html=True)
    tables = list(slide.tables)
    if slide.tables_first:  # full width above the charts
        for table in tables:
            st.markdown(table_html(table), unsafe_allow_html=True)
        tables = []
    beside = bool(tables) and len(tables[0].frame.columns) <= 3  # a narrow table fits beside
    if slide.charts or slide.map is not None:
        visual, side = st.columns([3, 2], gap="large") if beside else (st.container(), None)
        with visual:
            for chart in slide.charts:
                st.markdown(f"<div class='pr-table-title'>{literal(chart.title)}</div>", unsafe_allow_html=True)
                # theme=None: the figure's own large fonts, not Streamlit's smaller theme
                st.plotly_chart(chart.figure, key=f"presenter_{slide.key}_{chart.key}", theme=None,
                                config={"displayModeBar": False})
            if slide.map is not None:
                _map(ctx, slide)
        if side is not None:
            with side:
                st.markdown(table_html(tables.pop(0)), unsafe_allow_html=True)
    for table in tables:
        st.markdown(table_html(table), unsafe_allow_html=True)


def speaker_notes(ctx: PageContext, slide: Slide) -> None:
    with st.expander(ctx.t("presenter.notes"), icon=":material/record_voice_over:"):
        st.markdown(f"<div class='pr-notes'>{literal(slide.notes)}</div>", unsafe_allow_html=True)


# -- briefing PDF ----------------------------------------------------------------------------

def user_name(ctx: PageContext) -> str | None:
    user = getattr(ctx, "user", None)
    return getattr(user, "name", None)


def briefing_button(ctx: PageContext, deck: Deck) -> None:
    """One click: the briefing PDF of the deck shown, made when clicked."""
    not_logged_warning(ctx)  # the last download's audit entry could not be written
    problem = pdf_problem(ctx)
    if problem:
        st.button(ctx.t("presenter.download"), disabled=True, key="presenter_pdf_off",
                  help=ctx.t("presenter.no_pdf", reason=literal(problem)))
        return
    title = st.session_state.get("presenter_title") or ""
    synthetic = ctx.data.meta().get("synthetic", "").lower() == "true"
    geodata = settings.path("geodata_path")

    def make() -> bytes:  # runs in another thread when clicked: no Streamlit calls in here
        gdf, points = briefing.map_layers(geodata)
        return briefing.briefing_pdf(deck, gdf, points, meeting_title=title, synthetic=synthetic)

    detail = {"what": "briefing_pdf", "period": deck.period, "lang": deck.lang,
              "filters": deck.filters.as_dict(), "meeting_id": meeting_id()}
    st.download_button(ctx.t("presenter.download"), data=made_on_click(ctx, make, pdf=True), file_name=f"briefing-{deck.period}-{deck.lang}.pdf",
                       mime="application/pdf", key="presenter_pdf", icon=":material/picture_as_pdf:",
                       help=ctx.t("presenter.download_help"), on_click=record_download,
                       args=(ctx, "export", detail), width="stretch")

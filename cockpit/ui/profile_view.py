"""The village profile (村情档案): one village on one page, printable."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from cockpit import settings
from cockpit.meeting import briefing
from cockpit.text.numbers import format_value
from cockpit.text.literal import LABEL, NAME, SHORT, clean, literal
from cockpit.metrics.catalog import access_key, coverage_key, metric
from cockpit.services.norms import norm_gaps
from cockpit.values.periods import month_bounds
from cockpit.ui import state
from cockpit.ui.charts import coverage_bars, trend_lines
from cockpit.ui.downloads import made_on_click, not_logged_warning, pdf_problem, record_download
from cockpit.ui.kpi import metric_label
from cockpit.ui.index_view import index_caption
from cockpit.ui.shell import PageContext, persistent_selectbox
from cockpit.store import decisions
from cockpit.village.briefing import profile_inputs, village_deck
from cockpit.village.card import case_rows, resource_rows
from cockpit.village.profile import PROFILE_METRICS, change_table, history, task_summary

__all__ = ["choose_village", "header", "services", "appeals", "resources", "party", "changes",
           "print_button", "pdf_button", "export_buttons"]

_PRINT_CSS = """<style>@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], .st-key-profile_exports { display: none !important; }
  .block-container { padding: 0 !important; }
}</style>"""


_ROW_PX = 35  # height of a row of st.dataframe


def choose_village(ctx: PageContext, vt: pd.DataFrame) -> str:
    """The village shown (from ?village=, the session or the first one), with a selector."""
    ids = list(vt["village_id"])
    names = dict(zip(vt["village_id"], vt[f"name_{ctx.lang}"]))
    if state.selected_village(set(ids)) is None:
        state.select_village(ids[0])
    persistent_selectbox(ctx.t("profile.village"), ids, state.VILLAGE, names.get)
    state.select_village(st.session_state[state.VILLAGE])
    return st.session_state[state.VILLAGE]


def _tiles(ctx: PageContext, items: list[tuple[str, str]], per_row: int) -> None:
    """Metric tiles (label key, value) in rows of ``per_row``, wide enough for Chinese labels."""
    for start in range(0, len(items), per_row):
        for col, (key, value) in zip(st.columns(per_row), items[start:start + per_row]):
            col.metric(ctx.t(key), value, border=True)


def header(ctx: PageContext, v: pd.Series) -> None:
    st.markdown(_PRINT_CSS, unsafe_allow_html=True)
    name = ctx.t.name(v)
    st.title(ctx.t("profile.title", name=literal(name, LABEL)))
    st.caption(f"{ctx.t('kind.' + v['kind'])} · {ctx.t('group.' + v['area_group'])} · "
               f"{literal(v['village_id'], SHORT)} · {ctx.t.period(ctx.period)}")
    if clean(name) != clean(name, LABEL):  # cut in the title: the whole name, to read here
        with st.expander(ctx.t("profile.full_name")):
            st.markdown(literal(name))
    facts = [("card.population", format_value(v["population"], "count")),
             ("card.households", format_value(v["households"], "count")),
             ("card.elderly_share", format_value(v["elderly_share"], "percent")),
             ("card.distance", ctx.t("card.km", km=f"{v['distance_km']:.1f}")),
             ("card.broadband", format_value(v["broadband_share"], "percent")),
             ("profile.area", ctx.t("profile.km2", km2=f"{v['area_km2']:.1f}"))]
    _tiles(ctx, facts, per_row=3)


def services(ctx: PageContext, v: pd.Series, township: pd.Series) -> None:
    st.subheader(ctx.t("profile.services"))
    domains = ctx.data.domains()
    names = list(domains[f"name_{ctx.lang}"])
    norms = ctx.data.norms()
    coverage_norm = norms[norms["measure"] == "coverage"].set_index("domain_id")["threshold"]
    fig = coverage_bars(
        names,
        [v.get(coverage_key(d)) for d in domains["domain_id"]],
        [township.get(coverage_key(d)) for d in domains["domain_id"]],
        [coverage_norm.get(d) for d in domains["domain_id"]],
        {"village": ctx.t("card.this_village"), "township": ctx.t("card.township"),
         "norm": ctx.t("profile.norm")},
    )
    st.plotly_chart(fig, key="profile_coverage", config={"displayModeBar": False})
    index_caption(ctx)
    _accessibility(ctx, v, domains)
    if norms.empty:
        st.info(ctx.t("profile.no_norms"))
        return
    coverage = ctx.data.coverage(ctx.period)
    gaps = norm_gaps(ctx.data.villages(), ctx.data.facilities(), coverage, norms)
    mine = gaps[(gaps["village_id"] == v["village_id"]) & ~gaps["met"]]
    if mine.empty:
        st.success(ctx.t("profile.norms_all_met"))
        return
    names_by_norm = norms.set_index("norm_id")[f"name_{ctx.lang}"]
    lines = []
    for gap in mine.itertuples():
        unit = "count" if gap.measure == "facility_count" else "percent"
        lines.append("- " + ctx.t("profile.norm_short", norm=literal(names_by_norm[gap.norm_id], LABEL),
                                  actual=format_value(gap.actual, unit, ctx.lang),
                                  threshold=format_value(gap.threshold, unit, ctx.lang)))
    st.warning("\n".join(lines))


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    """Mean of the known ``values`` weighted by ``weights`` (NaN when none is known)."""
    known = values.notna()
    return float((values[known] * weights[known]).sum() / weights[known].sum()) if known.any() else float("nan")


def _accessibility(ctx: PageContext, v: pd.Series, domains: pd.DataFrame) -> None:
    """Supply within reach per 1,000 residents (2SFCA), the village against the township's
    population-weighted mean over the villages the user may see."""
    vt = ctx.data.village_table(ctx.period)
    keys = [access_key(d) for d in domains["domain_id"]]
    st.markdown(f"**{ctx.t('profile.access')}**")
    st.dataframe(pd.DataFrame({
        "": list(domains[f"name_{ctx.lang}"]),
        ctx.t("card.this_village"): [format_value(v.get(k), "per1000", ctx.lang) for k in keys],
        ctx.t("card.township"): [format_value(_weighted_mean(vt[k], vt["population"]), "per1000", ctx.lang)
                                 for k in keys],
    }), hide_index=True, width="stretch")
    st.caption(ctx.t("card.access_note"))


def _history(ctx: PageContext, village_id: str, keys: list[str]) -> pd.DataFrame:
    upto = ctx.periods[: ctx.periods.index(ctx.period) + 1][-13:]
    return history({p: ctx.data.village_table(p) for p in upto}, village_id, keys)


def appeals(ctx: PageContext, v: pd.Series, township: pd.Series) -> None:
    st.subheader(ctx.t("profile.appeals"))
    rows = case_rows(v, township)
    st.dataframe(pd.DataFrame({
        "": [metric_label(ctx, k) for k in rows["metric"]],
        ctx.t("card.this_village"): [format_value(x, metric(k).unit, ctx.lang)
                                     for k, x in zip(rows["metric"], rows["village"])],
        ctx.t("card.township"): [format_value(x, metric(k).unit, ctx.lang)
                                 for k, x in zip(rows["metric"], rows["township"])],
    }), hide_index=True, width="stretch")
    hist = _history(ctx, v["village_id"], ["on_time_rate", "satisfaction_rate"])
    series = ctx.data.township_series().reindex(hist.index)
    st.caption(ctx.t("profile.trend_on_time"))
    st.plotly_chart(trend_lines({ctx.t("card.this_village"): hist["on_time_rate"],
                                 ctx.t("card.township"): series["on_time_rate"]}, percent=True),
                    key="profile_on_time", config={"displayModeBar": False})


def resources(ctx: PageContext, v: pd.Series) -> None:
    st.subheader(ctx.t("card.resources"))
    domains = ctx.data.domains()
    res = resource_rows(ctx.data.allocations(ctx.period), v["village_id"], v["population"], domains)
    st.dataframe(pd.DataFrame({
        "": list(domains[f"name_{ctx.lang}"]),
        ctx.t("card.funding"): [format_value(x, "yuan", ctx.lang) for x in res["funding_yuan"]],
        ctx.t("metric.funding_per_resident.label"):
            [format_value(x, "yuan", ctx.lang) for x in res["funding_per_resident"]],
        ctx.t("card.staff"): [f"{x:.1f}" if pd.notna(x) else "–" for x in res["staff_fte"]],
        ctx.t("metric.staff_per_1000.label"):
            [format_value(x, "per1000", ctx.lang) for x in res["staff_per_1000"]],
    }), hide_index=True, width="stretch")


def party(ctx: PageContext, village_id: str) -> None:
    st.subheader(ctx.t("profile.party"))
    branches = ctx.data.party_branches(village_id)
    if branches.empty:
        st.info(ctx.t("profile.no_branch"))
        return
    b = branches.iloc[0]
    st.markdown(f"**{literal(ctx.t.name(b), NAME)}** · {ctx.t('profile.secretary')}{ctx.t('punct.colon')}"
                f"{literal(b['secretary'], NAME)} · "
                f"{ctx.t('profile.members', n=int(b['members']))}")
    tasks = ctx.data.party_tasks(village_id)
    as_of = (month_bounds(ctx.period)[1] - pd.Timedelta(days=1)).date()
    s = task_summary(tasks, as_of)
    counts = [("profile.tasks_total", s.total), ("profile.tasks_done", s.done), ("profile.tasks_overdue", s.overdue),
              ("profile.tasks_late", s.done_late), ("profile.tasks_no_evidence", s.done_without_evidence)]
    _tiles(ctx, [(key, format_value(value, "count")) for key, value in counts], per_row=3)
    open_tasks = tasks[(tasks["status"] != "done")
                       & (pd.to_datetime(tasks["assigned_on"]).dt.date <= as_of)]
    if not open_tasks.empty:
        st.dataframe(pd.DataFrame({
            ctx.t("profile.task"): open_tasks[f"title_{ctx.lang}"],
            ctx.t("profile.owner"): open_tasks["owner"],
            ctx.t("profile.due"): pd.to_datetime(open_tasks["due_on"]).dt.strftime("%Y-%m-%d"),
            ctx.t("profile.progress"): [f"{p:.0%}" for p in open_tasks["progress"]],
        }), hide_index=True, width="stretch")


def changes(ctx: PageContext, village_id: str) -> None:
    domains = list(ctx.data.domains()["domain_id"])
    keys = [coverage_key(d) for d in domains] + list(PROFILE_METRICS)
    table = change_table(_history(ctx, village_id, keys), keys)
    if table.empty:
        return
    st.subheader(ctx.t("profile.changes", before=ctx.t.period(table["before_period"][0]),
                       now=ctx.t.period(table["now_period"][0])))
    st.dataframe(pd.DataFrame({
        "": [metric_label(ctx, k) for k in table["metric"]],
        ctx.t.period(table["before_period"][0]): [format_value(x, metric(k).unit, ctx.lang)
                                                  for k, x in zip(table["metric"], table["before"])],
        ctx.t.period(table["now_period"][0]): [format_value(x, metric(k).unit, ctx.lang)
                                               for k, x in zip(table["metric"], table["now"])],
    }), hide_index=True, width="stretch", height=_ROW_PX * (len(table) + 1) + 3)  # every row, no scrolling


def print_button(ctx: PageContext) -> None:
    with st.container(key="print_button", width="content"):
        label = html.escape(ctx.t("profile.print"))
        # Fixed markup; the only text is our own catalog string, escaped.
        st.iframe(
            f"<button onclick='window.parent.print()' style='font-size:15px;padding:6px 14px;"
            f"border:1px solid #c5ccd6;border-radius:6px;background:#fff;cursor:pointer'>"
            f"{label}</button>", height=48, width=200)


def pdf_button(ctx: PageContext, village_id: str) -> None:
    """The village file as a PDF in the page's language (cockpit.village.briefing), made when clicked."""
    not_logged_warning(ctx)  # the last download's audit entry could not be written
    problem = pdf_problem(ctx)
    if problem:
        st.button(ctx.t("village_pdf.download"), disabled=True, key="village_pdf_off",
                  help=ctx.t("village_pdf.no_pdf", reason=literal(problem)))
        return
    with ctx.data.reader() as con:
        items = decisions.open_items(con)
    inputs = profile_inputs(ctx.data, ctx.periods, ctx.period, village_id, items)
    lang, township, scope = ctx.lang, ctx.township_name, set(ctx.data.villages()["village_id"])
    synthetic = ctx.data.meta().get("synthetic", "").lower() == "true"
    geodata = settings.path("geodata_path")

    def make() -> bytes:  # runs in another thread when clicked: no Streamlit calls in here
        gdf, points = briefing.map_layers(geodata, village_ids=scope, labelled=[village_id])
        return briefing.briefing_pdf(village_deck(inputs, lang, township), gdf, points, synthetic=synthetic)

    detail = {"what": "village_pdf", "village_id": village_id, "period": ctx.period, "lang": lang}
    st.download_button(ctx.t("village_pdf.download"), data=made_on_click(ctx, make, pdf=True), key="village_pdf",
                       file_name=f"village-{village_id}-{ctx.period}-{lang}.pdf", mime="application/pdf",
                       icon=":material/picture_as_pdf:", help=ctx.t("village_pdf.download_help"),
                       on_click=record_download, args=(ctx, "export", detail))


def export_buttons(ctx: PageContext, village_id: str) -> None:
    """Print the page, or download it as a PDF file (neither is printed)."""
    with st.container(key="profile_exports", horizontal=True, vertical_alignment="center", gap="small"):
        print_button(ctx)
        pdf_button(ctx, village_id)

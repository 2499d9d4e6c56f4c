"""The cases page (接诉即办): filters, KPI row, trend, 条块 matrix, ranking, overdue list,
repeats, alerts and the data-quality panel."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cockpit.values.case_filter import FILTER_FIELDS, SPANS, CaseFilter, Period, span_period
from cockpit.cases.matrix import cell_filter, matrix, worst_villages
from cockpit.cases.page import CasePage
from cockpit.cases.scorecard import overall_score
from cockpit.text.csv_export import to_csv_bytes
from cockpit.store import StoreError
from cockpit.text.numbers import format_value, shows_no_change
from cockpit.text.literal import NAME, SHORT, literal
from cockpit.metrics.catalog import metric
from cockpit.meeting.charts import plain
from cockpit.ui.charts import FONT
from cockpit.ui.downloads import AUDIT_FAILURES, made_on_click, not_logged_warning, record_download
from cockpit.ui.kpi import markdown_label, metric_help, metric_label
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["alert_lines", "alert_name", "filters", "overdue_cases", "kpi_row", "trend_chart", "matrix_panel", "ranking_table", "overdue_panel",
           "repeats_panel", "alerts_panel", "quality_panel", "CELL_KEY"]

CELL_KEY = "case_cell"  # (department_id, village_id) picked in the matrix
_PICKED = "_case_cell_selection"  # the matrix selection last applied (so "show all" can clear it)
_FILTER_STATE = "case_filter"  # persistent across pages


def _names(frame: pd.DataFrame, key: str, lang: str) -> dict[str, str]:
    return dict(zip(frame[key], frame[f"name_{lang}"]))


def filters(ctx: PageContext, departments: pd.DataFrame, categories: pd.DataFrame) -> CaseFilter:
    """Filter widgets; the choice is kept in the session so it survives page switches."""
    saved: CaseFilter = st.session_state.get(_FILTER_STATE) or CaseFilter()
    villages = ctx.data.villages()   # a village secretary's own only: the data is scoped
    domains = ctx.data.domains()
    options = {
        "village_ids": (list(villages["village_id"]), _names(villages, "village_id", ctx.lang)),
        "domain_ids": (list(domains["domain_id"]), _names(domains, "domain_id", ctx.lang)),
        "category_ids": (list(categories["category_id"]), _names(categories, "category_id", ctx.lang)),
        "department_ids": (list(departments["department_id"]),
                           _names(departments, "department_id", ctx.lang)),
        "channels": (["hotline", "app", "visit", "grid"],
                     {c: ctx.t(f"cases.channel.{c}") for c in ("hotline", "app", "visit", "grid")}),
    }
    chosen = {}
    with st.expander(ctx.t("cases.filters"), expanded=not saved.is_empty):
        cols = st.columns(len(FILTER_FIELDS))
        for col, name in zip(cols, FILTER_FIELDS):
            ids, labels = options[name]
            chosen[name] = col.multiselect(ctx.t(f"cases.filter.{name}"), ids,
                                           default=[i for i in getattr(saved, name) if i in ids],
                                           format_func=lambda i, labels=labels: labels.get(i, i),
                                           key=f"_w_case_{name}", placeholder=ctx.t("party.all"))
    filt = CaseFilter(**chosen)
    st.session_state[_FILTER_STATE] = filt
    return filt


def span_control(ctx: PageContext) -> str:
    """The period the page looks at, ending with the chosen month (cockpit.values.case_filter.SPANS)."""
    span = translated_radio(ctx.lang, ctx.t("cases.span"), list(SPANS), "case_span",
                            lambda s: ctx.t(f"cases.span.{s}"), horizontal=True)
    return span_period(ctx.period, span, ctx.periods[0])


def period_label(ctx: PageContext, period: str) -> str:
    """``2026年10月`` for a month, ``2026年8月 – 2026年10月`` for a range."""
    p = Period.of(period)
    return ctx.t.period(p.end) if p.months == 1 else f"{ctx.t.period(p.start)} – {ctx.t.period(p.end)}"


def kpi_row(ctx: PageContext, page: CasePage) -> None:
    rows = page.kpis.set_index("metric")
    per_row = (len(rows) + 2) // 2
    cols = [c for _ in range(2) for c in st.columns(per_row)]
    for col, (key, r) in zip(cols, rows.iterrows()):
        unit = metric(key).unit
        delta = None if pd.isna(r["change"]) else format_value(r["change"], unit, ctx.lang)
        if delta and unit == "percent":
            delta = f"{r['change'] * 100:+.1f}" + (" pp" if ctx.lang == "en" else "个百分点")
        target = "" if pd.isna(r["target"]) else ctx.t(
            "cases.target", target=format_value(r["target"], unit, ctx.lang),
            score=f"{r['score']:.2f}" if pd.notna(r["score"]) else "–")
        color = {True: "normal", False: "inverse", None: "off"}[r["higher_is_better"]]
        still = shows_no_change(delta)
        col.metric(markdown_label(ctx, key), format_value(r["actual"], unit, ctx.lang), delta=delta,
                   delta_color="off" if still else color, delta_arrow="off" if still else "auto", border=True,
                   help=metric_help(ctx, key) + ("\n\n" + target if target else ""))
    _score_tile(ctx, page, cols[len(rows)])
    excluded = int(page.exclusions["rows"].sum()) if not page.exclusions.empty else 0
    note = ctx.t("cases.kpi_note", before=period_label(ctx, page.period.previous().label))
    if excluded:
        note += " " + ctx.t("cases.kpi_excluded", rows=format_value(excluded, "count"))
    st.caption(note)
    _scorecard(ctx, page)


def _score_tile(ctx: PageContext, page: CasePage, col) -> None:
    """The mean of the figures' scores against their targets (CityScore): 1.00 is on target."""
    k = page.kpis
    now = overall_score(k)
    before = overall_score(k.assign(score=k["previous_score"]))
    delta = None if pd.isna(now) or pd.isna(before) else f"{now - before:+.2f}"
    col.metric(ctx.t("cases.score"), "–" if pd.isna(now) else f"{now:.2f}", delta=delta,
               delta_color="off" if shows_no_change(delta) else "normal", border=True,
               help=ctx.t("cases.score_help"))


def _scorecard(ctx: PageContext, page: CasePage) -> None:
    """Each figure against its target (setting case_targets) and its score."""
    k = page.kpis[page.kpis["target"].notna()]
    with st.expander(ctx.t("cases.scorecard")):
        st.dataframe(pd.DataFrame({
            "": [metric_label(ctx, m) for m in k["metric"]],
            ctx.t("cases.col.actual"): [format_value(a, metric(m).unit, ctx.lang) for m, a in zip(k["metric"], k["actual"])],
            ctx.t("cases.col.target"): [format_value(a, metric(m).unit, ctx.lang) for m, a in zip(k["metric"], k["target"])],
            ctx.t("cases.score"): k["score"],
        }), hide_index=True, width="stretch",
            column_config={ctx.t("cases.score"): st.column_config.ProgressColumn(format="%.2f", min_value=0, max_value=2)})
        st.caption(ctx.t("cases.scorecard_note"))


def trend_chart(ctx: PageContext, page: CasePage) -> None:
    st.subheader(ctx.t("cases.trend"))
    targets = page.kpis.set_index("metric")["target"]
    trend = page.trend.loc[: page.period.end].tail(24)
    labels = tuple(metric_label(ctx, key) for key in _TREND_COLORS)
    st.plotly_chart(_trend_figure(trend, targets, labels), key="cases_trend", config={"displayModeBar": False})
    st.caption(ctx.t("cases.trend_note"))


_TREND_COLORS = {"response_rate": "#1f5fa8", "closure_rate": "#2ca02c", "on_time_rate": "#d62728",
                 "satisfaction_rate": "#9467bd", "resolution_rate": "#8c564b"}
# Figures kept as built, shared by every session (nothing changes a figure after it is built): Plotly's
# checks cost more than the page's data at county scale; other data or words give other arguments.
_kept = st.cache_resource(max_entries=64, show_spinner=False)


@_kept
def _trend_figure(trend: pd.DataFrame, targets: pd.Series, labels: tuple[str, ...]) -> go.Figure:
    fig = go.Figure()
    for (key, color), label in zip(_TREND_COLORS.items(), labels):
        fig.add_scatter(x=list(trend.index), y=list(trend[key]), name=label,
                        mode="lines+markers", line=dict(color=color, width=3))
        if pd.notna(targets.get(key)):
            fig.add_hline(y=targets[key], line=dict(color=color, dash="dot", width=1))
    fig.update_layout(height=340, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                      yaxis=dict(tickformat=".0%"), xaxis=dict(type="category", nticks=12, automargin=True),
                      legend=dict(orientation="h", y=1.15))
    return fig


MATRIX_VILLAGES = 30  # columns of the heatmap; more are unreadable on any screen and slow to draw


def matrix_panel(ctx: PageContext, page: CasePage, departments: pd.DataFrame) -> CaseFilter | None:
    """The 条块 heatmap; a click on a cell returns the filter for that department and village."""
    st.subheader(ctx.t("cases.matrix"))
    value = translated_radio(ctx.lang, ctx.t("cases.matrix_value"), ["overdue_at_end", "on_time_rate"],
                             "matrix_value", lambda v: metric_label(ctx, v), horizontal=True)
    villages = ctx.data.villages()
    columns = [v for v in villages["village_id"] if not page.filt.village_ids or v in page.filt.village_ids]
    wide = matrix(page.matrix, value, departments=list(departments["department_id"]), villages=columns)
    if len(wide.columns) > MATRIX_VILLAGES:
        picked = st.session_state.get(CELL_KEY)
        wide = worst_villages(wide, value, MATRIX_VILLAGES, keep=[picked[1]] if picked else [])
        st.caption(ctx.t(f"cases.matrix_worst.{value}", n=len(wide.columns), total=len(columns)))
    dnames, vnames = _names(departments, "department_id", ctx.lang), _names(villages, "village_id", ctx.lang)
    percent = value == "on_time_rate"
    # cells are placed by id (two villages may share a name) and labelled by name, as plain text
    xnames = tuple(plain(vnames[v]) for v in wide.columns)
    ynames = tuple(plain(dnames[d]) for d in wide.index)
    fig = _matrix_figure(wide, percent, xnames, ynames, ctx.t("punct.colon"))
    event = st.plotly_chart(fig, key="cases_matrix", on_select="rerun", selection_mode="points",
                            config={"displayModeBar": False})
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", [])
    picked = tuple(points[0]["customdata"]) if points else None
    if picked != st.session_state.get(_PICKED):  # a new click; reruns repeat the chart's last selection
        st.session_state[_PICKED] = picked
        if picked:
            st.session_state[CELL_KEY] = picked
    cell = st.session_state.get(CELL_KEY)
    if cell and cell[1] not in vnames:  # picked before, by someone who saw more villages
        cell = st.session_state[CELL_KEY] = None
    if cell:
        c1, c2 = st.columns([4, 1])
        c1.info(ctx.t("cases.cell_filter", department=literal(dnames.get(cell[0], cell[0]), NAME),
                      village=literal(vnames.get(cell[1], cell[1]), NAME)))
        if c2.button(ctx.t("cases.clear_cell"), key="clear_cell"):
            st.session_state[CELL_KEY] = None
            st.rerun()
        return cell_filter(page.filt, *cell)
    return None


@_kept
def _matrix_figure(wide: pd.DataFrame, percent: bool, xnames: tuple[str, ...], ynames: tuple[str, ...],
                   colon: str) -> go.Figure:
    """The heatmap of ``wide`` (departments × villages), cells placed by id and labelled by name."""
    z, xs, ys = wide.to_numpy(dtype=float), list(wide.columns), list(wide.index)
    fig = go.Figure(go.Heatmap(
        z=z, x=xs, y=ys, customdata=[[[d, v] for v in wide.columns] for d in wide.index],
        colorscale="RdYlGn" if percent else "Reds", zmin=0.5 if percent else 0,
        texttemplate="%{z:.0%}" if percent else "%{z}", hoverinfo="skip"))
    # A click selects no heatmap cell in the browser (Plotly heatmaps have no point selection), so an
    # invisible square on every cell takes the click and the hover and carries the cell's ids.
    cells = [(i, j) for i in range(len(ys)) for j in range(len(xs))]
    fig.add_scatter(
        x=[xs[j] for _, j in cells], y=[ys[i] for i, _ in cells], mode="markers", showlegend=False,
        customdata=[[wide.index[i], wide.columns[j]] for i, j in cells],
        text=[f"{ynames[i]} × {xnames[j]}{colon}"
              + ("–" if pd.isna(z[i, j]) else f"{z[i, j]:.1%}" if percent else f"{z[i, j]:.0f}") for i, j in cells],
        marker=dict(symbol="square", size=24, color="rgba(0,0,0,0)"),
        selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)),
        hovertemplate="%{text}<extra></extra>")
    fig.update_layout(height=60 + 34 * len(wide.index), margin=dict(l=10, r=10, t=10, b=10), font=FONT,
                      # every village labelled (Plotly would skip some long English names)
                      xaxis=dict(side="top", tickangle=-60, tickmode="array", tickvals=xs, ticktext=xnames,
                                 tickfont=dict(size=12), type="category"),
                      yaxis=dict(tickmode="array", tickvals=ys, ticktext=ynames, type="category"))
    return fig


def ranking_table(ctx: PageContext, page: CasePage) -> None:
    st.subheader(ctx.t("cases.ranking"))
    names = _names(ctx.data.villages(), "village_id", ctx.lang)
    r = page.ranking
    change = [("↑" if c > 0 else "↓" if c < 0 else "→") + (f"{abs(int(c))}" if c else "")
              if pd.notna(c) else "–" for c in r["rank_change"]]
    st.dataframe(pd.DataFrame({
        ctx.t("services.rank"): r["rank"], ctx.t("party.village"): r["village_id"].map(names),
        metric_label(ctx, "three_rates_score"): r["three_rates_score"] * 100,
        ctx.t("cases.rank_change"): change,
        metric_label(ctx, "response_rate"): r["response_rate"] * 100,
        metric_label(ctx, "resolution_rate"): r["resolution_rate"] * 100,
        metric_label(ctx, "satisfaction_rate"): r["satisfaction_rate"] * 100,
    }), hide_index=True, width="stretch", height=420, column_config={
        metric_label(ctx, "three_rates_score"): st.column_config.ProgressColumn(
            format="%.1f", min_value=0, max_value=100),
        **{metric_label(ctx, k): st.column_config.NumberColumn(format="%.1f%%")
           for k in ("response_rate", "resolution_rate", "satisfaction_rate")}})
    st.caption(metric_help(ctx, "three_rates_score"))


def _case_table(ctx: PageContext, cases: pd.DataFrame) -> pd.DataFrame:
    villages = _names(ctx.data.villages(), "village_id", ctx.lang)
    return pd.DataFrame({
        ctx.t("cases.col.case_id"): cases["case_id"],
        ctx.t("cases.col.days_overdue"): cases["days_overdue"].round(1),
        ctx.t("party.village"): cases["village_id"].map(villages),
        ctx.t("cases.col.department"): cases["department_id"],
        ctx.t("cases.col.received"): pd.to_datetime(cases["received_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        ctx.t("cases.col.due"): pd.to_datetime(cases["due_at"]).dt.strftime("%Y-%m-%d"),
        ctx.t("cases.col.summary"): cases["summary"],
        ctx.t("cases.col.name"): cases["citizen_name"],
        ctx.t("cases.col.phone"): cases["phone"],
        ctx.t("cases.col.address"): cases["address"],
    })


def overdue_cases(ctx: PageContext, filt: CaseFilter) -> pd.DataFrame:
    """The overdue list at the end of the chosen month (the end of any span the page shows),
    unmasked only for roles that may see personal data (and then logged)."""
    period = ctx.period
    allowed = ctx.can("see_personal_data")
    cases = ctx.data.overdue_cases(period, filt, allowed=allowed)
    if allowed and len(cases):
        shown = (period, filt, len(cases))
        if st.session_state.get("_unmask_logged") != shown:  # once per list, not per rerun
            try:
                ctx.audit("unmask", {"what": "overdue cases", "period": period, "rows": len(cases)})
            except AUDIT_FAILURES:  # an unmasking that cannot be logged is not shown
                st.session_state["_unmask_logged"] = None  # caption and download record: masked
                st.warning(ctx.t("cases.unmask_not_logged"))
                return ctx.data.overdue_cases(period, filt, allowed=False)
            st.session_state["_unmask_logged"] = shown
    return cases


def overdue_panel(ctx: PageContext, cases: pd.DataFrame, departments: pd.DataFrame) -> None:
    st.subheader(ctx.t("cases.overdue"))
    table = _case_table(ctx, cases)
    table[ctx.t("cases.col.department")] = cases["department_id"].map(
        _names(departments, "department_id", ctx.lang))
    masked = not ctx.can("see_personal_data") or st.session_state.get("_unmask_logged") is None
    st.caption(ctx.t("cases.overdue_caption" if masked else "cases.overdue_caption_unmasked",
                     n=format_value(len(cases), "count")))
    st.dataframe(table, hide_index=True, width="stretch", height=360)
    not_logged_warning(ctx)  # the last download's audit entry could not be written
    st.download_button(ctx.t("cases.download"), made_on_click(ctx, lambda: to_csv_bytes(table)), key="download_overdue",
                       file_name=f"overdue-{ctx.period}.csv", mime="text/csv",
                       on_click=record_download, args=(ctx, "download", {"what": "overdue cases",
                                                                         "period": ctx.period,
                                                                         "rows": len(cases), "masked": masked}))


def repeats_panel(ctx: PageContext, page: CasePage) -> None:
    st.subheader(ctx.t("cases.repeats"))
    summary, r = page.repeats, page.repeats.groups
    if not summary.total:
        st.info(ctx.t("cases.repeats_none"))
        return
    villages = _names(ctx.data.villages(), "village_id", ctx.lang)
    st.caption(ctx.t("cases.repeats_caption", n=format_value(summary.total, "count"),
                     solved=format_value(summary.came_back, "count")))
    if summary.total > len(r):
        st.caption(ctx.t("cases.repeats_shown", shown=len(r)))
    st.dataframe(pd.DataFrame({
        ctx.t("cases.repeat_kind"): [ctx.t(f"cases.repeat.{k}") for k in r["kind"]],
        ctx.t("cases.col.count"): r["count"],
        ctx.t("party.village"): [", ".join(villages.get(v, v) for v in vs) for vs in r["villages"]],
        ctx.t("cases.first"): pd.to_datetime(r["first_received"]).dt.strftime("%m-%d"),
        ctx.t("cases.last"): pd.to_datetime(r["last_received"]).dt.strftime("%m-%d"),
        ctx.t("cases.closed_then_repeated"): ["✓" if x else "" for x in r["closed_then_repeated"]],
        ctx.t("cases.col.case_id"): [", ".join(ids) for ids in r["case_ids"]],
    }), hide_index=True, width="stretch", height=300)


def alerts_panel(ctx: PageContext, page: CasePage, categories: pd.DataFrame) -> None:
    st.subheader(ctx.t("cases.alerts"))
    a = page.alerts
    if a.empty:
        st.success(ctx.t("cases.alerts_none"))
        return
    for line in alert_lines(ctx, a, categories):
        st.warning(line)


def alert_name(ctx: PageContext, kind: str, key: str, categories: pd.DataFrame) -> str:
    """The village or category an alert is about, by name."""
    frame, column = (ctx.data.villages(), "village_id") if kind == "village" else (categories, "category_id")
    return _names(frame, column, ctx.lang).get(key, key)


def alert_lines(ctx: PageContext, alerts: pd.DataFrame, categories: pd.DataFrame) -> list[str]:
    """One sentence per alert (cockpit.cases.alerts), highest first: Markdown, names escaped."""
    return [ctx.t("cases.alert", kind=ctx.t(f"cases.alert_kind.{row.kind}"),
                  name=literal(alert_name(ctx, row.kind, row.key, categories), NAME), week=literal(str(row.week)[:10]),
                  count=int(row.count), baseline=f"{row.baseline:.1f}", z=f"{row.z:.1f}")
            for row in alerts.itertuples()]


def quality_panel(ctx: PageContext, page: CasePage) -> None:
    st.subheader(ctx.t("cases.quality"))
    st.caption(ctx.t("cases.quality_note"))
    scope = translated_radio(ctx.lang, ctx.t("cases.quality_scope"), ["month", "all"], "quality_scope",
                             lambda s: ctx.t(f"cases.quality_scope.{s}"), horizontal=True)
    findings = page.findings if scope == "month" else ctx.data.quality_findings(None, page.filt)
    villages = _names(ctx.data.villages(), "village_id", ctx.lang)
    for f in findings:
        label = ctx.t(f"cases.check.{f.check}")
        if f.count == 0:
            st.markdown(f":material/check_circle: {label}{ctx.t('punct.colon')}0")
            continue
        with st.expander(f":material/warning: {label}{ctx.t('punct.colon')}{f.count:,} · "
                         + ", ".join(literal(villages.get(v, v), SHORT) for v in f.villages[:4]), expanded=False):
            st.dataframe(f.examples, hide_index=True, width="stretch")
    ex = page.exclusions
    if not ex.empty:
        st.markdown("**" + ctx.t("cases.exclusions") + "**")
        for row in ex.itertuples():
            used = ", ".join(markdown_label(ctx, k) for k in row.used_in.split(", ") if k)
            st.markdown("- " + ctx.t("cases.exclusion", rows=int(row.rows),
                                     reason=ctx.t(f"cases.exclusion_reason.{row.reason}"),
                                     used_in=used or "–"))

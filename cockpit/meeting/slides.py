"""The slides of the joint-meeting deck, one builder per slide (see cockpit/meeting/deck.py).

The case slides are in cockpit/meeting/case_slides.py. Each builder reads a
:class:`cockpit.meeting.context.SlideContext` (the inputs, the translator, the filters and the
meeting's day) and returns a :class:`cockpit.meeting.deck.Slide` whose figures and tables are
formatted text, whose charts are Plotly figures (cockpit.meeting.charts) and whose speaker notes
are written in the deck's language. No Streamlit.
"""

from __future__ import annotations

import math

import pandas as pd

from cockpit.meeting import case_slides, scenario_slides
from cockpit.metrics.attention import attention_ranking
from cockpit.geo.choropleth import choropleth
from cockpit.text.numbers import DASH
from cockpit.metrics.catalog import metric
from cockpit.party.review import quarter_bounds, quarter_of, scoreboard
from cockpit.values.periods import previous_period
from cockpit.text.literal import NAME, clean
from cockpit.meeting.deck import OVERVIEW_KPIS, Chart, Figure, MapSpec, Slide, Table
from cockpit.services.index import statement
from cockpit.meeting.charts import completion_bars, trend_chart
from cockpit.meeting.context import SlideContext, day_text, known, kpi_figure, num, text_frame

__all__ = ["build_slides", "filter_lines", "recorded_table", "TREND_KEYS"]

TREND_KEYS = ("response_rate", "on_time_rate", "satisfaction_rate")
TREND_MONTHS = 12
WEAKEST = 5


# -- 1 overview ----------------------------------------------------------------------------

def _reason(sc: SlideContext, reason) -> str:
    unit = "per1000" if reason.metric == "overdue_per_1000" else metric(reason.metric).unit
    return sc.t("overview.attention_reason", metric=sc.t(f"metric.{reason.metric}.label"),
                value=sc.fmt(reason.value, unit), township=sc.fmt(reason.township, unit))


def overview(sc: SlideContext) -> Slide:
    t, series = sc.t, sc.inputs.series
    figures = tuple(kpi_figure(sc, k) for k in OVERVIEW_KPIS)
    trend = series.loc[:sc.period].tail(TREND_MONTHS)
    chart = Chart("trend", t("presenter.overview.trend"),
                  trend_chart({sc.label(k): trend[k] for k in TREND_KEYS if k in trend}))
    row = series.loc[sc.period] if sc.period in series.index else pd.Series(dtype=float)
    ranking = attention_ranking(sc.inputs.villages, row.to_dict(), n=3) if len(row) else pd.DataFrame()
    sep = "；" if sc.lang == "zh" else "; "
    rows = [[sc.village(r.village_id), sep.join(_reason(sc, x) for x in r.reasons)]
            for r in ranking.itertuples()]
    table = Table("attention", t("overview.attention"),
                  text_frame([t("presenter.col.village"), t("presenter.col.why")], rows),
                  t("overview.attention_none"))
    by_key = {f.key: f for f in figures}
    notes = t("presenter.overview.notes", township=sc.township, period=t.period(sc.period),
              received=by_key["received"].value, on_time=by_key["on_time_rate"].value,
              on_time_delta=by_key["on_time_rate"].delta or DASH,
              satisfaction=by_key["satisfaction_rate"].value, overdue=by_key["overdue_at_end"].value,
              service_index=by_key["service_index"].value,
              villages=sc.join(r[0] for r in rows))
    close = sc.inputs.close
    if close is not None:
        notes = t("close.signed_deck", period=t.period(close.period), who=clean(close.closed_by, NAME),
                  when=close.closed_at.strftime("%Y-%m-%d %H:%M")) + "\n\n" + notes
    if sc.inputs.index is not None:
        names = dict(zip(sc.inputs.domains["domain_id"], sc.inputs.domains[f"name_{sc.lang}"]))
        notes += "\n\n" + statement(sc.inputs.index, t, {d: clean(n, NAME) for d, n in names.items()})
    return Slide("overview", t("presenter.overview.title", township=sc.township),
                 t("presenter.overview.subtitle", period=t.period(sc.period),
                   previous=t.period(previous_period(sc.period))),
                 figures, (chart,), (table,), notes=notes)


# -- 4 map ---------------------------------------------------------------------------------

def village_map(sc: SlideContext) -> Slide:
    t, vt = sc.t, sc.inputs.villages
    key = sc.filters.map_metric if sc.filters.map_metric in vt.columns else "service_index"
    m = metric(key)
    values = vt.set_index(vt["village_id"].astype(str))[key].astype(float)
    chor = choropleth(values, key, sc.lang, t("map.no_data"))
    spec = MapSpec(key, sc.label(key), chor.colors, tuple((e.color, e.text) for e in chor.legend),
                   dict(sc.village_names), sc.filters.village_ids)
    known = values.dropna()
    worst_first = known.sort_values(ascending=m.higher_is_better is not False, kind="stable")
    series = sc.inputs.series
    township = num(series.at[sc.period, key]) if key in series.columns and sc.period in series.index else math.nan
    figures = [Figure(key, t("presenter.map.township"), sc.fmt(township, m.unit))]
    if len(known):
        lo, hi = known.idxmin(), known.idxmax()
        figures += [Figure("lowest", t("presenter.map.lowest"), sc.fmt(known[lo], m.unit), detail=sc.village(lo)),
                    Figure("highest", t("presenter.map.highest"), sc.fmt(known[hi], m.unit), detail=sc.village(hi))]
    pop = vt.set_index(vt["village_id"].astype(str))["population"]
    rows = [[sc.village(v), sc.fmt(x, m.unit), sc.fmt(pop.get(v), "count")]
            for v, x in worst_first.head(WEAKEST).items()]
    title_key = "presenter.map.worst" if m.higher_is_better is not None else "presenter.map.highest_first"
    if m.higher_is_better is None:
        rows = [[sc.village(v), sc.fmt(x, m.unit), sc.fmt(pop.get(v), "count")]
                for v, x in known.sort_values(ascending=False, kind="stable").head(WEAKEST).items()]
    table = Table("villages", t(title_key), text_frame([t("presenter.col.village"), sc.label(key),
                                                    t("card.population")], rows), t("presenter.none"))
    notes = t("presenter.map.notes", metric=sc.label(key), township=sc.fmt(township, m.unit),
              low=sc.village(known.idxmin()) if len(known) else DASH,
              low_value=sc.fmt(known.min() if len(known) else math.nan, m.unit),
              high=sc.village(known.idxmax()) if len(known) else DASH,
              high_value=sc.fmt(known.max() if len(known) else math.nan, m.unit))
    if sc.filters.village_ids:
        notes = sc.sentences([notes, t("presenter.map.notes_outline")])
    return Slide("map", t("presenter.map.title", metric=sc.label(key)), t.period(sc.period),
                 tuple(figures), (), (table,), spec, notes)


# -- 5 party building ----------------------------------------------------------------------

def party(sc: SlideContext) -> Slide:
    t, inp = sc.t, sc.inputs
    quarter = quarter_of(sc.period)
    start, _ = quarter_bounds(quarter)
    as_of = (pd.Timestamp(f"{sc.period}-01") + pd.offsets.MonthEnd(0)).date()
    assessed = sorted(q for q in inp.party_assessments["quarter"].unique() if q <= quarter)
    branches = inp.party_branches
    if sc.filters.village_ids:
        branches = branches[branches["village_id"].astype(str).isin(sc.filters.village_ids)]
    board = scoreboard(inp.party_tasks, branches, inp.party_assessments, start, as_of,
                       assessed[-1] if assessed else None)
    due = int(board["due"].sum())
    completion = board["completed"].sum() / due if due else math.nan
    on_time = board["on_time"].sum() / due if due else math.nan
    score = board["score"].mean() if board["score"].notna().any() else math.nan
    figures = (
        Figure("due", t("party.due"), sc.fmt(due, "count"), help=t("party.due_help")),
        Figure("completion_rate", t("party.completion_rate"), sc.fmt(completion, "percent"),
               help=t("party.completion_help")),
        Figure("on_time_rate", t("party.on_time_rate"), sc.fmt(on_time, "percent"), help=t("party.on_time_help")),
        Figure("overdue", t("party.overdue"), sc.fmt(board["overdue"].sum(), "count"), help=t("party.overdue_help")),
        Figure("no_evidence", t("party.no_evidence"), sc.fmt(board["no_evidence"].sum(), "count"),
               help=t("party.no_evidence_help")),
        Figure("score", t("party.score"), DASH if math.isnan(score) else f"{score:.1f}", help=t("party.score_help")),
    )
    name = f"name_{sc.lang}"
    ordered = board.sort_values(["completion_rate", "overdue", "branch_id"], ascending=[True, False, True],
                                na_position="last")
    chart = Chart("completion", t("presenter.party.chart"),
                  completion_bars(list(ordered[name]), list(ordered["completion_rate"]),
                                  None if math.isnan(completion) else completion,
                                  t("presenter.party.township_line")))
    weakest = ordered.head(WEAKEST)
    rows = [[r[name], sc.fmt(r["due"], "count"), sc.fmt(r["completion_rate"], "percent"),
             sc.fmt(r["on_time_rate"], "percent"), sc.fmt(r["overdue"], "count"),
             sc.fmt(r["no_evidence"], "count"), DASH if pd.isna(r["score"]) else f"{r['score']:.1f}"]
            for _, r in weakest.iterrows()]
    table = Table("weakest", t("presenter.party.weakest"),
                  text_frame([t("party.branch"), t("party.due"), t("party.completion_rate"), t("party.on_time_rate"),
                          t("party.overdue"), t("party.no_evidence"), t("party.score")], rows), t("presenter.none"))
    notes = t("presenter.party.notes", quarter=quarter, completion=figures[1].value, on_time=figures[2].value,
              overdue=figures[3].value, no_evidence=figures[4].value,
              weakest=sc.join(r[0] for r in rows[:3]))
    subtitle = t("party.quarter_caption", quarter=quarter, date=as_of.isoformat(),
                 score_quarter=assessed[-1] if assessed else DASH)
    return Slide("party", t("presenter.party.title", quarter=quarter), subtitle, figures, (chart,), (table,),
                 notes=notes)


# -- 6 follow-up of earlier meetings ---------------------------------------------------------

def _item_rows(sc: SlideContext, items: pd.DataFrame, meeting: bool) -> list[list[str]]:
    rows = []
    for r in items.itertuples():
        due = pd.Timestamp(r.due_on).date() if known(r.due_on) and not pd.isna(r.due_on) else None
        if r.status == "done":
            state = sc.t("presenter.item.done")
        elif due is not None and due < sc.today:
            state = sc.t("presenter.item.past_due")
        else:
            state = sc.t("presenter.item.open")
        where = (f"{day_text(r.held_on)} {r.meeting_title}" if meeting
                 else (sc.t(f"presenter.{r.slide}.short") if known(r.slide) and sc.t.has(f"presenter.{r.slide}.short")
                       else DASH))
        rows.append([sc.t(f"presenter.kind.{r.kind}"), str(r.text), str(r.owner) if known(r.owner) else DASH,
                     sc.department(r.department_id), sc.village(r.village_id), day_text(r.due_on), where, state])
    return rows


def _item_columns(sc: SlideContext, meeting: bool) -> list[str]:
    t = sc.t
    return [t("presenter.col.kind"), t("presenter.col.item"), t("presenter.col.owner"),
            t("presenter.col.department"), t("presenter.col.village"), t("presenter.col.due_on"),
            t("presenter.col.meeting") if meeting else t("presenter.col.slide"), t("presenter.col.state")]


def follow_up(sc: SlideContext) -> Slide:
    t, items = sc.t, sc.inputs.open_items
    rows = _item_rows(sc, items, meeting=True)
    late = sum(1 for r in rows if r[-1] == t("presenter.item.past_due"))
    figures = (
        Figure("open", t("presenter.follow.open"), sc.fmt(len(rows), "count")),
        Figure("past_due", t("presenter.follow.past_due"), sc.fmt(late, "count"),
               tone="bad" if late else None),
        Figure("decisions", t("presenter.follow.decisions"), sc.fmt((items["kind"] == "decision").sum(), "count")),
        Figure("actions", t("presenter.follow.actions"), sc.fmt((items["kind"] == "action").sum(), "count")),
    )
    table = Table("open_items", t("presenter.follow.table"), text_frame(_item_columns(sc, True), rows),
                  t("presenter.follow.none"))
    notes = (t("presenter.follow.notes", n=sc.fmt(len(rows), "count"), late=sc.fmt(late, "count"))
             if rows else t("presenter.follow.none"))
    return Slide("follow_up", t("presenter.follow.title"), t("presenter.follow.subtitle", date=sc.today.isoformat()),
                 figures, (), (table,), notes=notes)


def recorded_table(sc: SlideContext) -> Table:
    """The decisions and action items recorded in the meeting in progress."""
    t = sc.t
    return Table("recorded", t("presenter.recorded"),
                 text_frame(_item_columns(sc, False), _item_rows(sc, sc.inputs.meeting_items, meeting=False)),
                 t("presenter.recorded_none"))


def filter_lines(sc: SlideContext) -> tuple[tuple[str, str], ...]:
    """The filters in words, for the cover of the briefing and the page caption."""
    t, f = sc.t, sc.filters
    villages = (sc.join(sc.village(v) for v in f.village_ids) if f.village_ids
                else t("presenter.filter.all_villages"))
    departments = (sc.join(sc.department(d) for d in f.department_ids) if f.department_ids
                   else t("presenter.filter.all_departments"))
    key = f.map_metric if f.map_metric in sc.inputs.villages.columns else "service_index"
    scenarios = scenario_slides.scenario_line(sc)
    return ((t("presenter.filter.villages"), villages), (t("presenter.filter.departments"), departments),
            (t("presenter.filter.map_metric"), sc.label(key)),
            (t("presenter.filter.overdue_limit"), sc.fmt(f.overdue_limit, "count"))) + ((scenarios,) if scenarios else ())


def build_slides(sc: SlideContext) -> tuple[Slide, ...]:
    """The deck's slides in the order of :data:`cockpit.meeting.deck.SLIDE_KEYS`; the scenario slide
    only when scenarios were chosen."""
    chosen = sc.inputs.scenarios is not None and not sc.inputs.scenarios.table.empty
    return (overview(sc), case_slides.cross_department(sc), case_slides.overdue(sc), village_map(sc),
            *((scenario_slides.scenarios(sc),) if chosen else ()), party(sc), follow_up(sc))

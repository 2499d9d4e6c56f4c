"""The slides of the joint-meeting deck, one builder per slide (see cockpit/presenter.py).

Each builder reads a :class:`SlideContext` (the inputs, the translator, the filters and the
meeting's day) and returns a :class:`cockpit.presenter.Slide` whose figures and tables are
formatted text, whose charts are Plotly figures (cockpit.slide_charts) and whose speaker notes
are written in the deck's language. No Streamlit.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from cockpit.attention import attention_ranking
from cockpit.cases.matrix import matrix as case_matrix
from cockpit.choropleth import choropleth
from cockpit.fmt import DASH, format_delta, format_value
from cockpit.i18n import Translator
from cockpit.metrics.catalog import access_domain_of, domain_of, metric
from cockpit.party import quarter_bounds, quarter_of, scoreboard
from cockpit.periods import previous_period
from cockpit.presenter import (OVERVIEW_KPIS, Chart, Figure, MapSpec, PresenterFilters,
                               PresenterInputs, Slide, Table)
from cockpit.slide_charts import completion_bars, matrix_heatmap, trend_chart

__all__ = ["SlideContext", "build_slides", "filter_lines", "recorded_table", "TREND_KEYS"]

TREND_KEYS = ("response_rate", "on_time_rate", "satisfaction_rate")
TREND_MONTHS = 12
TOP_PAIRS = 8
WEAKEST = 5


@dataclass(frozen=True)
class SlideContext:
    inputs: PresenterInputs
    t: Translator
    filters: PresenterFilters
    today: dt.date
    township: str = ""

    @property
    def lang(self) -> str:
        return self.t.lang

    @property
    def period(self) -> str:
        return self.inputs.period

    @cached_property
    def village_names(self) -> dict[str, str]:
        v = self.inputs.villages
        return dict(zip(v["village_id"].astype(str), v[f"name_{self.lang}"]))

    @cached_property
    def department_names(self) -> dict[str, str]:
        d = self.inputs.departments
        return dict(zip(d["department_id"].astype(str), d[f"name_{self.lang}"]))

    def label(self, key: str) -> str:
        """The metric's label, as cockpit.ui.kpi.metric_label writes it."""
        domains = self.inputs.domains.set_index("domain_id")[f"name_{self.lang}"]
        if domain_of(key):
            return self.t("metric.coverage.label", domain=domains.get(domain_of(key), domain_of(key)))
        if access_domain_of(key):
            d = access_domain_of(key)
            return self.t("metric.access.label", domain=domains.get(d, d))
        return self.t(f"metric.{key}.label")

    def fmt(self, value, unit: str) -> str:
        return format_value(_num(value), unit, self.lang)

    def village(self, vid) -> str:
        return self.village_names.get(str(vid), str(vid)) if _known(vid) else DASH

    def department(self, did) -> str:
        return self.department_names.get(str(did), str(did)) if _known(did) else DASH

    def sentences(self, parts) -> str:
        """Sentences one after the other (Chinese runs them together, English puts a space)."""
        return ("" if self.lang == "zh" else " ").join(parts)

    def join(self, names) -> str:
        """Names as a list in running text (、 in Chinese), or a dash when there are none."""
        return ("、" if self.lang == "zh" else ", ").join(names) or DASH


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and not (value is pd.NaT) and str(value) != ""


def _num(value):
    try:
        return float(value) if value is not None and not pd.isna(value) else math.nan
    except (TypeError, ValueError):
        return math.nan


def _rate(num, den) -> float:
    num, den = _num(num), _num(den)
    return num / den if den and not math.isnan(den) else math.nan


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d") if _known(value) and not pd.isna(value) else DASH


def _tone(delta: float, higher_is_better: bool | None) -> str | None:
    if higher_is_better is None or math.isnan(delta) or delta == 0:
        return None
    return "good" if (delta > 0) == higher_is_better else "bad"


def _kpi(sc: SlideContext, key: str) -> Figure:
    m, series = metric(key), sc.inputs.series
    col = series[key] if key in series.columns else pd.Series(dtype=float)
    value = _num(col.get(sc.period))
    delta = value - _num(col.get(previous_period(sc.period)))
    help_key = f"metric.{key}.help"
    return Figure(key, sc.label(key), sc.fmt(value, m.unit), format_delta(delta, m.unit, sc.lang),
                  _tone(delta, m.higher_is_better), sc.t(help_key) if sc.t.has(help_key) else "")


def _frame(columns: list[str], rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


# -- 1 overview ----------------------------------------------------------------------------

def _reason(sc: SlideContext, reason) -> str:
    unit = "per1000" if reason.metric == "overdue_per_1000" else metric(reason.metric).unit
    return sc.t("overview.attention_reason", metric=sc.t(f"metric.{reason.metric}.label"),
                value=sc.fmt(reason.value, unit), township=sc.fmt(reason.township, unit))


def overview(sc: SlideContext) -> Slide:
    t, series = sc.t, sc.inputs.series
    figures = tuple(_kpi(sc, k) for k in OVERVIEW_KPIS)
    trend = series.loc[:sc.period].tail(TREND_MONTHS)
    chart = Chart("trend", t("presenter.overview.trend"),
                  trend_chart({sc.label(k): trend[k] for k in TREND_KEYS if k in trend}))
    row = series.loc[sc.period] if sc.period in series.index else pd.Series(dtype=float)
    ranking = attention_ranking(sc.inputs.villages, row.to_dict(), n=3) if len(row) else pd.DataFrame()
    sep = "；" if sc.lang == "zh" else "; "
    rows = [[sc.village(r.village_id), sep.join(_reason(sc, x) for x in r.reasons)]
            for r in ranking.itertuples()]
    table = Table("attention", t("overview.attention"),
                  _frame([t("presenter.col.village"), t("presenter.col.why")], rows),
                  t("overview.attention_none"))
    by_key = {f.key: f for f in figures}
    notes = t("presenter.overview.notes", township=sc.township, period=t.period(sc.period),
              received=by_key["received"].value, on_time=by_key["on_time_rate"].value,
              on_time_delta=by_key["on_time_rate"].delta or DASH,
              satisfaction=by_key["satisfaction_rate"].value, overdue=by_key["overdue_at_end"].value,
              service_index=by_key["service_index"].value,
              villages=sc.join(r[0] for r in rows))
    return Slide("overview", t("presenter.overview.title", township=sc.township),
                 t("presenter.overview.subtitle", period=t.period(sc.period),
                   previous=t.period(previous_period(sc.period))),
                 figures, (chart,), (table,), notes=notes)


# -- 2 cross-department issues ---------------------------------------------------------------

def _total(frame: pd.DataFrame, key_column: str) -> pd.Series:
    total = frame[frame[key_column].isna()]
    return total.iloc[0] if len(total) else pd.Series(dtype=float)


def _filter_subtitle(sc: SlideContext) -> str:
    if not sc.filters.village_ids and not sc.filters.department_ids:
        return sc.t("presenter.scope_all", period=sc.t.period(sc.period))
    return sc.t("presenter.scope_filtered", period=sc.t.period(sc.period))


def cross_department(sc: SlideContext) -> Slide:
    t, cells = sc.t, sc.inputs.matrix
    total = _total(sc.inputs.by_department, "department_id")
    on_time = _rate(total.get("on_time_of_due"), total.get("due"))
    figures = (
        Figure("overdue_at_end", sc.label("overdue_at_end"), sc.fmt(total.get("overdue_at_end"), "count")),
        Figure("open_at_end", sc.label("open_at_end"), sc.fmt(total.get("open_at_end"), "count")),
        Figure("due", t("presenter.col.due"), sc.fmt(total.get("due"), "count")),
        Figure("on_time_rate", sc.label("on_time_rate"), sc.fmt(on_time, "percent")),
    )
    charts, pair_rows = (), []
    if len(cells):
        live = cells[(cells["open_at_end"] > 0) | (cells["overdue_at_end"] > 0)]
        live = live if len(live) else cells
        rows = live.groupby("department_id")["overdue_at_end"].sum().sort_values(ascending=False, kind="stable")
        cols = live.groupby("village_id")["overdue_at_end"].sum().sort_values(ascending=False, kind="stable")
        wide = case_matrix(cells, "overdue_at_end", departments=list(rows.index), villages=list(cols.index))
        charts = (Chart("matrix", t("presenter.cross.matrix", value=sc.label("overdue_at_end")),
                        matrix_heatmap(wide, sc.department_names, sc.village_names,
                                       sc.label("overdue_at_end"))),)
        pairs = cells[cells["overdue_at_end"] > 0].sort_values(
            ["overdue_at_end", "open_at_end", "department_id", "village_id"],
            ascending=[False, False, True, True]).head(TOP_PAIRS)
        pair_rows = [[sc.department(r.department_id), sc.village(r.village_id),
                      sc.fmt(r.overdue_at_end, "count"), sc.fmt(r.open_at_end, "count"),
                      sc.fmt(r.due, "count"), sc.fmt(_rate(r.on_time_of_due, r.due), "percent")]
                     for r in pairs.itertuples()]
    cols_pair = [t("presenter.col.department"), t("presenter.col.village"), sc.label("overdue_at_end"),
                 sc.label("open_at_end"), t("presenter.col.due"), sc.label("on_time_rate")]
    depts = sc.inputs.by_department
    depts = depts[depts["department_id"].notna() & ((depts["due"] > 0) | (depts["open_at_end"] > 0))].copy()
    depts["rate"] = [_rate(a, b) for a, b in zip(depts["on_time_of_due"], depts["due"])]
    depts = depts.sort_values(["overdue_at_end", "rate", "department_id"], ascending=[False, True, True],
                              na_position="last")
    dept_rows = [[sc.department(r.department_id), sc.fmt(r.overdue_at_end, "count"),
                  sc.fmt(r.open_at_end, "count"), sc.fmt(r.due, "count"), sc.fmt(r.rate, "percent")]
                 for r in depts.itertuples()]
    tables = (
        Table("pairs", t("presenter.cross.pairs"), _frame(cols_pair, pair_rows), t("presenter.none_overdue")),
        Table("departments", t("presenter.cross.departments"),
              _frame([t("presenter.col.department"), sc.label("overdue_at_end"), sc.label("open_at_end"),
                      t("presenter.col.due"), sc.label("on_time_rate")], dept_rows), t("presenter.none")),
    )
    return Slide("cross_department", t("presenter.cross.title"), _filter_subtitle(sc), figures, charts,
                 tables, notes=_cross_notes(sc, depts))


def _cross_notes(sc: SlideContext, depts: pd.DataFrame) -> str:
    t, cells = sc.t, sc.inputs.matrix
    worst = depts[depts["overdue_at_end"] > 0]
    rated = depts[depts["rate"].notna()].sort_values(["rate", "department_id"])
    parts = []
    if len(worst):
        top = worst.iloc[0]
        mine = cells[cells["department_id"] == top["department_id"]].sort_values(
            ["overdue_at_end", "village_id"], ascending=[False, True]).iloc[0]
        parts.append(t("presenter.cross.notes_worst", department=sc.department(top["department_id"]),
                       n=sc.fmt(top["overdue_at_end"], "count"), village=sc.village(mine["village_id"]),
                       m=sc.fmt(mine["overdue_at_end"], "count")))
    else:
        parts.append(t("presenter.none_overdue"))
    if len(rated):
        low = rated.iloc[0]
        parts.append(t("presenter.cross.notes_low", department=sc.department(low["department_id"]),
                       rate=sc.fmt(low["rate"], "percent"), due=sc.fmt(low["due"], "count")))
    parts.append(t("presenter.cross.notes_ask"))
    return sc.sentences(parts)


# -- 3 overdue cases ---------------------------------------------------------------------------

def overdue(sc: SlideContext) -> Slide:
    t, rows = sc.t, sc.inputs.overdue
    total = _total(sc.inputs.by_department, "department_id").get("overdue_at_end", 0)
    cells = sc.inputs.matrix
    hit = cells[cells["overdue_at_end"] > 0] if len(cells) else cells
    longest = rows["days_overdue"].max() if len(rows) else math.nan
    figures = (
        Figure("overdue_at_end", sc.label("overdue_at_end"), sc.fmt(total, "count")),
        Figure("villages", t("presenter.overdue.villages"), sc.fmt(hit["village_id"].nunique() if len(hit) else 0, "count")),
        Figure("departments", t("presenter.overdue.departments"),
               sc.fmt(hit["department_id"].nunique() if len(hit) else 0, "count")),
        Figure("longest", t("presenter.overdue.longest"), sc.fmt(longest, "days")),
    )
    columns = [t("presenter.col.case"), t("presenter.col.village"), t("presenter.col.department"),
               t("presenter.col.received"), t("presenter.col.due_on"), t("presenter.col.days_overdue"),
               t("presenter.col.summary"), t("presenter.col.caller")]
    body = [[str(r.case_id), sc.village(r.village_id), sc.department(r.department_id),
             _day(r.received_at), _day(r.due_at), sc.fmt(r.days_overdue, "days"),
             str(r.summary) if _known(r.summary) else DASH,
             str(r.citizen_name) if _known(r.citizen_name) else DASH] for r in rows.itertuples()]
    table = Table("overdue", t("presenter.overdue.table"), _frame(columns, body), t("presenter.none_overdue"))
    if len(rows):
        first = rows.iloc[0]
        notes = t("presenter.overdue.notes", case=str(first["case_id"]), village=sc.village(first["village_id"]),
                  days=sc.fmt(first["days_overdue"], "days"), department=sc.department(first["department_id"]))
    else:
        notes = t("presenter.none_overdue")
    subtitle = t("presenter.overdue.subtitle", n=sc.fmt(len(rows), "count"), total=sc.fmt(total, "count"))
    return Slide("overdue", t("presenter.overdue.title"), subtitle, figures, (), (table,), notes=notes)


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
    township = _num(series.at[sc.period, key]) if key in series.columns and sc.period in series.index else math.nan
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
    table = Table("villages", t(title_key), _frame([t("presenter.col.village"), sc.label(key),
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
                  _frame([t("party.branch"), t("party.due"), t("party.completion_rate"), t("party.on_time_rate"),
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
        due = pd.Timestamp(r.due_on).date() if _known(r.due_on) and not pd.isna(r.due_on) else None
        if r.status == "done":
            state = sc.t("presenter.item.done")
        elif due is not None and due < sc.today:
            state = sc.t("presenter.item.past_due")
        else:
            state = sc.t("presenter.item.open")
        where = (f"{_day(r.held_on)} {r.meeting_title}" if meeting
                 else (sc.t(f"presenter.{r.slide}.short") if _known(r.slide) and sc.t.has(f"presenter.{r.slide}.short")
                       else DASH))
        rows.append([sc.t(f"presenter.kind.{r.kind}"), str(r.text), str(r.owner) if _known(r.owner) else DASH,
                     sc.department(r.department_id), sc.village(r.village_id), _day(r.due_on), where, state])
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
    table = Table("open_items", t("presenter.follow.table"), _frame(_item_columns(sc, True), rows),
                  t("presenter.follow.none"))
    notes = (t("presenter.follow.notes", n=sc.fmt(len(rows), "count"), late=sc.fmt(late, "count"))
             if rows else t("presenter.follow.none"))
    return Slide("follow_up", t("presenter.follow.title"), t("presenter.follow.subtitle", date=sc.today.isoformat()),
                 figures, (), (table,), notes=notes)


def recorded_table(sc: SlideContext) -> Table:
    """The decisions and action items recorded in the meeting in progress."""
    t = sc.t
    return Table("recorded", t("presenter.recorded"),
                 _frame(_item_columns(sc, False), _item_rows(sc, sc.inputs.meeting_items, meeting=False)),
                 t("presenter.recorded_none"))


def filter_lines(sc: SlideContext) -> tuple[tuple[str, str], ...]:
    """The filters in words, for the cover of the briefing and the page caption."""
    t, f = sc.t, sc.filters
    villages = (sc.join(sc.village(v) for v in f.village_ids) if f.village_ids
                else t("presenter.filter.all_villages"))
    departments = (sc.join(sc.department(d) for d in f.department_ids) if f.department_ids
                   else t("presenter.filter.all_departments"))
    key = f.map_metric if f.map_metric in sc.inputs.villages.columns else "service_index"
    return ((t("presenter.filter.villages"), villages), (t("presenter.filter.departments"), departments),
            (t("presenter.filter.map_metric"), sc.label(key)),
            (t("presenter.filter.overdue_limit"), sc.fmt(f.overdue_limit, "count")))


def build_slides(sc: SlideContext) -> tuple[Slide, ...]:
    return (overview(sc), cross_department(sc), overdue(sc), village_map(sc), party(sc),
            follow_up(sc))

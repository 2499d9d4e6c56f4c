"""The village file as a PDF (村情档案): one village's profile page as a deck the briefing prints.

:func:`profile_inputs` reads what the village profile page shows from a data source (the pages'
:class:`cockpit.ui.data.Data`, or anything with the same methods), already limited to the user's
villages; :func:`village_deck` turns it into a :class:`cockpit.meeting.deck.Deck` in one language,
which :func:`cockpit.meeting.briefing.briefing_pdf` prints (cover, one section per part, the open
decisions and action items of joint meetings that concern the village last).

Only the village itself is named: the locator map labels it alone, and a village-scoped user's
source holds no other village's polygon or row, so a village secretary's file names no other
village. Pure Python: no Streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cockpit.text.numbers import DASH, format_delta, format_value
from cockpit.i18n import Translator
from cockpit.metrics import catalog
from cockpit.metrics.catalog import access_key, coverage_key, metric
from cockpit.services.norms import norm_gaps
from cockpit.values.periods import month_bounds
from cockpit.meeting.deck import Chart, Deck, Figure, MapSpec, PresenterFilters, Slide, Table
from cockpit.services.index import IndexDefinition, statement
from cockpit.meeting.charts import trend_chart
from cockpit.meeting.context import day_text, known, text_frame
from cockpit.village.card import case_rows, resource_rows
from cockpit.village.profile import PROFILE_METRICS, change_table, history, task_summary

__all__ = ["ProfileInputs", "profile_inputs", "village_deck", "HISTORY_MONTHS", "LOCATOR_COLOR"]

HISTORY_MONTHS = 12
LOCATOR_COLOR = [37, 99, 235, 220]  # the village on its locator map; the others stay grey


@dataclass(frozen=True)
class ProfileInputs:
    """What the village file shows, for one village and month."""

    period: str
    village: pd.Series = field(repr=False)          # its row of the village table (village_id included)
    township: pd.Series = field(repr=False)         # the township's figures that month (over the scope)
    domains: pd.DataFrame = field(repr=False)
    coverage_norms: pd.Series = field(repr=False)   # domain_id -> coverage threshold
    unmet_norms: pd.DataFrame = field(repr=False)   # norm_gaps rows of the village not met, with names
    history: pd.DataFrame = field(repr=False)       # month -> the village's figures, 13 months to period
    township_history: pd.DataFrame = field(repr=False)  # the township series over the same months
    allocations: pd.DataFrame = field(repr=False)
    branch: pd.Series | None = field(repr=False)
    tasks: pd.DataFrame = field(repr=False)
    departments: pd.DataFrame = field(repr=False)
    open_items: pd.DataFrame = field(repr=False)    # decisions.open_items concerning the village
    meta: dict = field(default_factory=dict, repr=False)
    scoped: bool = False  # read through a village scope: "township" figures cover those villages only
    index: IndexDefinition | None = None  # the composite index's definition (cockpit.services.index)

    @property
    def village_id(self) -> str:
        return str(self.village["village_id"])


def history_keys(domains: pd.DataFrame) -> list[str]:
    """The figures followed over time: coverage of each domain, then PROFILE_METRICS."""
    return [coverage_key(d) for d in domains["domain_id"]] + list(PROFILE_METRICS)


def profile_inputs(source, periods: list[str], period: str, village_id: str,
                   open_items: pd.DataFrame) -> ProfileInputs:
    """The file of ``village_id`` in ``period`` from ``source`` (see the module doc); ``periods``
    are the months of the data, ``open_items`` the open decisions and action items of every
    meeting (only those naming the village are kept). Raises ``KeyError`` for a village the
    source does not hold (another village, for a village-scoped source)."""
    table = source.village_table(period)
    mine = table[table["village_id"] == village_id]
    if mine.empty:
        raise KeyError(f"village {village_id!r} is not in the data of {period}")
    village = mine.iloc[0].copy()
    domains = source.domains()
    norms = source.norms()
    gaps = norm_gaps(source.villages(), source.facilities(), source.coverage(period), norms)
    unmet = gaps[(gaps["village_id"] == village_id) & ~gaps["met"]].merge(
        norms[["norm_id", "name_zh", "name_en"]], on="norm_id", how="left")
    months = periods[: periods.index(period) + 1][-(HISTORY_MONTHS + 1):]
    series = source.township_series()
    branches = source.party_branches(village_id)
    items = open_items[open_items["village_id"].astype(str) == village_id] if len(open_items) else open_items
    return ProfileInputs(
        period=period, village=village, township=series.loc[period], domains=domains,
        coverage_norms=norms[norms["measure"] == "coverage"].set_index("domain_id")["threshold"],
        unmet_norms=unmet,
        history=history({p: source.village_table(p) for p in months}, village_id, history_keys(domains)),
        township_history=series.reindex(months), allocations=source.allocations(period),
        branch=None if branches.empty else branches.iloc[0], tasks=source.party_tasks(village_id),
        departments=source.departments(), open_items=items.reset_index(drop=True), meta=source.meta(),
        scoped=getattr(source, "scope", None) is not None, index=source.index_definition())


class _Writer:
    """The text of one language: labels, formatted numbers, names."""

    def __init__(self, inputs: ProfileInputs, lang: str):
        self.inputs, self.t, self.lang = inputs, Translator(lang), lang
        self.domain_names = dict(zip(inputs.domains["domain_id"], inputs.domains[f"name_{lang}"]))

    def label(self, key: str) -> str:
        return catalog.label(self.t, self.domain_names, key)

    def fmt(self, value, unit: str) -> str:
        return format_value(value, unit, self.lang)

    def name(self, row) -> str:
        return str(row[f"name_{self.lang}"])


def _basics(w: _Writer) -> Slide:
    t, v, inputs = w.t, w.inputs.village, w.inputs
    facts = (("population", "card.population", w.fmt(v["population"], "count")),
             ("households", "card.households", w.fmt(v["households"], "count")),
             ("elderly_share", "card.elderly_share", w.fmt(v["elderly_share"], "percent")),
             ("distance", "card.distance", t("card.km", km=f"{v['distance_km']:.1f}")),
             ("broadband", "card.broadband", w.fmt(v["broadband_share"], "percent")),
             ("area", "profile.area", t("profile.km2", km2=f"{v['area_km2']:.1f}")))
    figures = tuple(Figure(key, t(label), value) for key, label, value in facts)
    rows = [[w.domain_names[d], w.fmt(v.get(coverage_key(d)), "percent"),
             w.fmt(inputs.township.get(coverage_key(d)), "percent"),
             w.fmt(inputs.coverage_norms.get(d), "percent") if d in inputs.coverage_norms.index else DASH,
             w.fmt(v.get(access_key(d)), "per1000")]
            for d in inputs.domains["domain_id"]]
    table = Table("coverage", t("profile.services"), text_frame(
        [t("village_pdf.domain"), t("card.this_village"), t("card.township"), t("profile.norm"), t("card.access")],
        rows))
    lines = []
    for gap in inputs.unmet_norms.itertuples():
        unit = "count" if gap.measure == "facility_count" else "percent"
        norm = getattr(gap, f"name_{w.lang}") if known(getattr(gap, f"name_{w.lang}")) else gap.norm_id
        lines.append(t("profile.norm_short", norm=norm, actual=w.fmt(gap.actual, unit),
                       threshold=w.fmt(gap.threshold, unit)))
    notes = "\n".join(lines) if lines else t("profile.norms_all_met")
    if inputs.index is not None:   # the index followed over time on the next pages
        notes += "\n" + statement(inputs.index, t, w.domain_names)
    vid = inputs.village_id
    locator = MapSpec("location", t("village_pdf.location"), {vid: LOCATOR_COLOR}, (), {vid: w.name(v)},
                      highlight=(vid,))
    subtitle = " · ".join([t(f"kind.{v['kind']}"), t(f"group.{v['area_group']}"), vid, t.period(inputs.period)])
    return Slide("basics", t("village_pdf.basics"), subtitle, figures, (), (table,), map=locator, notes=notes)


def _appeals(w: _Writer) -> Slide:
    t, inputs = w.t, w.inputs
    rows = case_rows(inputs.village, inputs.township)
    table = Table("appeals", t("village_pdf.vs_township"), text_frame(
        ["", t("card.this_village"), t("card.township")],
        [[w.label(k), w.fmt(a, metric(k).unit), w.fmt(b, metric(k).unit)]
         for k, a, b in zip(rows["metric"], rows["village"], rows["township"])]))
    charts = []
    if len(inputs.history) > 1:
        months = [t.period(p) for p in inputs.history.index]
        series = {t("card.this_village"): pd.Series(list(inputs.history["on_time_rate"]), index=months),
                  t("card.township"): pd.Series(list(inputs.township_history["on_time_rate"]), index=months)}
        charts.append(Chart("trend", t("profile.trend_on_time"), trend_chart(series)))
    return Slide("appeals", t("profile.appeals"), "", (), tuple(charts), (table,), tables_first=True)


def _resources(w: _Writer) -> Slide:
    t, inputs = w.t, w.inputs
    res = resource_rows(inputs.allocations, inputs.village_id, inputs.village["population"], inputs.domains)
    rows = [[w.domain_names[r.domain_id], w.fmt(r.funding_yuan, "yuan"), w.fmt(r.funding_per_resident, "yuan"),
             f"{r.staff_fte:.1f}" if pd.notna(r.staff_fte) else DASH, w.fmt(r.staff_per_1000, "per1000")]
            for r in res.itertuples()]
    table = Table("resources", t("village_pdf.by_domain"), text_frame(
        [t("village_pdf.domain"), t("card.funding"), t("metric.funding_per_resident.label"), t("card.staff"),
         t("metric.staff_per_1000.label")], rows))
    return Slide("resources", t("card.resources"), "", (), (), (table,))


def _party(w: _Writer) -> Slide:
    t, inputs = w.t, w.inputs
    if inputs.branch is None:
        return Slide("party", t("profile.party"), "", notes=t("profile.no_branch"))
    b = inputs.branch
    subtitle = (f"{w.name(b)} · {t('profile.secretary')}{t('punct.colon')}{b['secretary']} · "
                f"{t('profile.members', n=int(b['members']))}")
    as_of = (month_bounds(inputs.period)[1] - pd.Timedelta(days=1)).date()
    s = task_summary(inputs.tasks, as_of)
    counts = (("total", "profile.tasks_total", s.total), ("done", "profile.tasks_done", s.done),
              ("overdue", "profile.tasks_overdue", s.overdue), ("late", "profile.tasks_late", s.done_late),
              ("no_evidence", "profile.tasks_no_evidence", s.done_without_evidence))
    figures = tuple(Figure(key, t(label), w.fmt(n, "count"),
                           tone="bad" if key in ("overdue", "late", "no_evidence") and n else None)
                    for key, label, n in counts)
    tasks = inputs.tasks
    open_tasks = tasks[(tasks["status"] != "done") & (pd.to_datetime(tasks["assigned_on"]).dt.date <= as_of)]
    table = Table("open_tasks", t("profile.task"), text_frame(
        [t("profile.task"), t("profile.owner"), t("profile.due"), t("profile.progress")],
        [[str(r[f"title_{w.lang}"]), str(r["owner"]), day_text(r["due_on"]), f"{r['progress']:.0%}"]
         for _, r in open_tasks.iterrows()]), t("village_pdf.no_open_tasks"))
    return Slide("party", t("profile.party"), subtitle, figures, (), (table,))


def _changes(w: _Writer) -> Slide | None:
    t, keys = w.t, history_keys(w.inputs.domains)
    table = change_table(w.inputs.history, keys, months_back=HISTORY_MONTHS)
    if table.empty:
        return None
    before, now = t.period(table["before_period"][0]), t.period(table["now_period"][0])
    rows = [[w.label(k), w.fmt(a, metric(k).unit), w.fmt(b, metric(k).unit),
             format_delta(b - a, metric(k).unit, w.lang) or DASH]
            for k, a, b in zip(table["metric"], table["before"], table["now"])]
    frame = text_frame(["", before, now, t("village_pdf.change")], rows)
    return Slide("changes", t("profile.changes", before=before, now=now), "", (), (),
                 (Table("changes", t("village_pdf.figures"), frame),))


def _open_items(w: _Writer, today: dt.date) -> Table:
    t = w.t
    departments = dict(zip(w.inputs.departments["department_id"].astype(str),
                           w.inputs.departments[f"name_{w.lang}"]))
    rows = []
    for r in w.inputs.open_items.itertuples():
        due = pd.Timestamp(r.due_on).date() if known(r.due_on) and not pd.isna(r.due_on) else None
        state = t("presenter.item.past_due") if due is not None and due < today else t("presenter.item.open")
        rows.append([t(f"presenter.kind.{r.kind}"), str(r.text), str(r.owner) if known(r.owner) else DASH,
                     departments.get(str(r.department_id), DASH) if known(r.department_id) else DASH,
                     day_text(r.due_on), f"{day_text(r.held_on)} {r.meeting_title}", state])
    columns = [t("presenter.col.kind"), t("presenter.col.item"), t("presenter.col.owner"),
               t("presenter.col.department"), t("presenter.col.due_on"), t("presenter.col.meeting"),
               t("presenter.col.state")]
    return Table("open_items", t("village_pdf.open_items"), text_frame(columns, rows), t("village_pdf.no_open_items"))


def village_deck(inputs: ProfileInputs, lang: str, township: str | None = None,
                 today: dt.date | None = None) -> Deck:
    """The village file of ``inputs`` in language ``lang``, as a deck for the briefing PDF.
    ``township`` defaults to the name stored in the data; ``today`` dates the open items."""
    w = _Writer(inputs, lang)
    t, v = w.t, inputs.village
    township = township or inputs.meta.get(f"township_name_{lang}", "")
    slides = tuple(s for s in (_basics(w), _appeals(w), _resources(w), _party(w), _changes(w)) if s is not None)
    lines = ((t("presenter.col.village"), f"{w.name(v)} ({inputs.village_id})"),
             (t("village_pdf.kind"), f"{t('kind.' + v['kind'])} · {t('group.' + v['area_group'])}"),
             (t("village_pdf.township"), township)) + (
        ((t("village_pdf.scope"), t("village_pdf.scope_note")),) if inputs.scoped else ())
    return Deck(lang=lang, township=township, period=inputs.period, period_label=t.period(inputs.period),
                filters=PresenterFilters(village_ids=(inputs.village_id,)), filter_lines=lines,
                slides=slides, recorded=_open_items(w, today or dt.date.today()),
                title=t("village_pdf.title", name=w.name(v)))

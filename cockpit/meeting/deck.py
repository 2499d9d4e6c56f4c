"""The joint-meeting presenter (联席会议): the slide sequence, built from live data.

One :class:`Deck` per period, filters and language; the presenter page
(cockpit/ui/presenter_view.py) and the briefing PDF (cockpit/meeting/briefing.py) both render it, so
the meeting sees on screen exactly what the handout prints. Slides, in order (:data:`SLIDE_KEYS`):

1. ``overview``: township KPIs with the change against the previous month, 12-month trend,
   the villages needing most attention (cockpit.attention);
2. ``cross_department``: the 条块 matrix (departments × villages, overdue cases at the month's
   end, cockpit.cases.matrix), the pairs with most overdue cases and the departments with the
   lowest on-time closure;
3. ``overdue``: the longest-overdue cases, personal fields masked (cockpit.cases.overdue); for a
   role without ``see_case_lists`` (``case_lists=False``) overdue counts by village instead, never
   a case row (the list is not even read);
4. ``map``: the villages coloured by one metric (cockpit.choropleth classes), worst villages;
5. ``scenarios``: up to three saved what-if scenarios (情景推演) side by side
   (cockpit.planner.compare, cockpit/meeting/scenario_slides.py); only when the presenter chose some;
6. ``party``: party-building quarter to date (cockpit.party.scoreboard), weakest branches;
7. ``follow_up``: open decisions and action items of earlier meetings (cockpit.store.decisions).

Filters (:class:`PresenterFilters`): villages and departments narrow the case slides and the
party slide (villages only); the overview stays township-wide and the map shows every village
with the chosen ones outlined. The scenarios are projected for the whole township, each against
its own baseline month.

Pure Python: no Streamlit. Every text is in the deck's language; numbers are formatted with
:func:`cockpit.fmt.format_value` exactly as the other pages show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from numbers import Integral
from typing import TYPE_CHECKING

import pandas as pd

from cockpit import snapshot
from cockpit.cases.filters import CaseFilter
from cockpit.cases.overdue import LIST_COLUMNS, overdue_list
from cockpit.i18n import Translator
from cockpit.month_close import ClosedFigures, MonthClose, standing_closes
from cockpit.service_index import IndexDefinition, index_definition
from cockpit.store import decisions

if TYPE_CHECKING:
    from cockpit.planner.compare import Comparison

__all__ = ["SLIDE_KEYS", "MAX_SCENARIOS", "OVERVIEW_KPIS", "PresenterFilters", "PresenterInputs", "Figure", "Table",
           "Chart", "MapSpec", "Slide", "Deck", "case_frames", "load_inputs", "build_deck"]

SLIDE_KEYS: tuple[str, ...] = ("overview", "cross_department", "overdue", "map", "scenarios", "party",
                               "follow_up")  # "scenarios" only when scenarios are chosen
MAX_SCENARIOS = 3
OVERVIEW_KPIS: tuple[str, ...] = ("service_index", "response_rate", "on_time_rate",
                                  "satisfaction_rate", "received", "overdue_at_end",
                                  "cases_per_10k", "funding_per_resident")


@dataclass(frozen=True)
class PresenterFilters:
    """What the meeting looks at; empty tuples mean every village / department.
    ``scenario_ids``: the saved scenarios to compare on the scenario slide, in the order chosen
    (at most :data:`MAX_SCENARIOS`; none: no scenario slide)."""

    village_ids: tuple[str, ...] = ()
    department_ids: tuple[str, ...] = ()
    map_metric: str = "service_index"
    overdue_limit: int = 10
    scenario_ids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for name in ("village_ids", "department_ids"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"PresenterFilters.{name} must be a sequence of ids, not {value!r}")
            object.__setattr__(self, name, tuple(sorted({str(v) for v in value})))
        if not isinstance(self.overdue_limit, int) or self.overdue_limit < 1:
            raise ValueError(f"overdue_limit must be a positive integer, got {self.overdue_limit!r}")
        ids = self.scenario_ids
        if isinstance(ids, (str, int)) or not all(isinstance(i, Integral) and not isinstance(i, bool) for i in ids):
            raise TypeError(f"PresenterFilters.scenario_ids must be a sequence of integer ids, not {ids!r}")
        ids = tuple(dict.fromkeys(int(i) for i in ids))
        if len(ids) > MAX_SCENARIOS:
            raise ValueError(f"at most {MAX_SCENARIOS} scenarios can be compared, got {len(ids)}")
        object.__setattr__(self, "scenario_ids", ids)

    def without_scenarios(self) -> PresenterFilters:
        """The same filters with no scenario chosen (what the case and party slides depend on)."""
        return replace(self, scenario_ids=())

    def case_filter(self) -> CaseFilter:
        return CaseFilter(village_ids=self.village_ids, department_ids=self.department_ids)

    def as_dict(self) -> dict:
        """The filters as stored with a meeting (JSON object)."""
        return {"village_ids": list(self.village_ids), "department_ids": list(self.department_ids),
                "map_metric": self.map_metric, "overdue_limit": self.overdue_limit,
                "scenario_ids": list(self.scenario_ids)}


@dataclass(frozen=True)
class PresenterInputs:
    """The frames a deck is built from (see :func:`load_inputs` for where each comes from),
    for one period and the filters the case frames were fetched with."""

    period: str
    filters: PresenterFilters
    meta: dict
    series: pd.DataFrame = field(repr=False)        # snapshot.township_series
    villages: pd.DataFrame = field(repr=False)      # snapshot.village_table(period)
    domains: pd.DataFrame = field(repr=False)
    departments: pd.DataFrame = field(repr=False)   # department_id, name_zh, name_en
    matrix: pd.DataFrame = field(repr=False)        # Store.case_counts_matrix(period, filter)
    by_department: pd.DataFrame = field(repr=False)  # Store.case_counts_by_department(...)
    overdue: pd.DataFrame = field(repr=False)       # cases.overdue.overdue_list, masked, top N
    party_tasks: pd.DataFrame = field(repr=False)
    party_branches: pd.DataFrame = field(repr=False)
    party_assessments: pd.DataFrame = field(repr=False)
    open_items: pd.DataFrame = field(repr=False)    # decisions.open_items(exclude this meeting)
    meeting_items: pd.DataFrame = field(repr=False)  # decisions.items(meeting_id=this meeting)
    scenarios: Comparison | None = field(default=None, repr=False)  # filters.scenario_ids compared
    case_lists: bool = True  # the audience may see single cases (roles: see_case_lists)
    index: IndexDefinition | None = None  # the composite index's definition (cockpit.service_index)
    close: MonthClose | None = None  # the period's month close: its figures are the signed ones


@dataclass(frozen=True)
class Figure:
    """A headline number: label, formatted value, formatted change and whether it is good."""

    key: str
    label: str
    value: str
    delta: str | None = None
    tone: str | None = None  # "good", "bad" or None (no direction, or no change known)
    help: str = ""
    detail: str = ""  # a line under the value, e.g. the village a lowest value belongs to


@dataclass(frozen=True)
class Table:
    """A table ready to show: translated column names, every cell already formatted text."""

    key: str
    title: str
    frame: pd.DataFrame = field(repr=False)
    empty_text: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: object = field(repr=False)  # plotly.graph_objects.Figure


@dataclass(frozen=True)
class MapSpec:
    """The map slide's content: one metric per village, its class colours and legend."""

    metric_key: str
    title: str
    colors: dict = field(repr=False)             # village_id -> [r, g, b, a]
    legend: tuple = field(repr=False)            # ((r, g, b), text), highest class first
    names: dict = field(repr=False)              # village_id -> name in the deck's language
    highlight: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    subtitle: str = ""
    figures: tuple[Figure, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    map: MapSpec | None = None
    notes: str = ""
    tables_first: bool = False  # the tables are what the slide is about: shown above the charts


@dataclass(frozen=True)
class Deck:
    """Everything the meeting shows and the briefing prints."""

    lang: str
    township: str
    period: str
    period_label: str
    filters: PresenterFilters
    filter_lines: tuple[tuple[str, str], ...]  # (label, value) for the cover
    slides: tuple[Slide, ...]
    recorded: Table  # decisions and action items recorded in this meeting
    title: str = ""  # the document's title; empty: the joint meeting briefing's

    def index_of(self, key: str) -> int:
        return [s.key for s in self.slides].index(key)


def case_frames(store, period: str, filters: PresenterFilters, case_lists: bool = True) -> dict[str, pd.DataFrame]:
    """The case frames of a deck: matrix, by_department and the masked overdue top N; without
    ``case_lists`` (a role without ``see_case_lists``) the overdue list is empty and not read."""
    filt = filters.case_filter()
    overdue = (overdue_list(store, period, filt, allowed=False, limit=filters.overdue_limit) if case_lists
               else pd.DataFrame({c: pd.Series(dtype=object) for c in LIST_COLUMNS}))
    return {"matrix": store.case_counts_matrix(period, filt),
            "by_department": store.case_counts_by_department(period, filt), "overdue": overdue}


def load_inputs(store, con, period: str, filters: PresenterFilters, meeting_id: int | None = None,
                weights=snapshot.WEIGHTS_DEFAULT, model=None, case_lists: bool = True) -> PresenterInputs:
    """Everything a deck needs, from a :class:`cockpit.store.Store` and a cursor ``con`` of the
    same database (decisions, departments, scenarios). ``meeting_id`` is the meeting in progress:
    its items are ``meeting_items``, every other meeting's open items are ``open_items``.
    ``model`` is the planner's calibrated model (cockpit.planner.baseline.Model), calibrated on
    the store's history when scenarios are chosen and none is given (a few seconds).
    ``case_lists=False``: for an audience without ``see_case_lists`` (counts, never case rows)."""
    from cockpit.meeting.scenario_slides import store_comparison

    meeting_items = (decisions.items(con, meeting_id=meeting_id) if meeting_id is not None
                     else decisions.items(con, meeting_id=-1))
    index = index_definition(store)
    closes = standing_closes(store)
    store = ClosedFigures(store, closes) if closes else store   # a closed month's figures as signed
    return PresenterInputs(
        period=period, filters=filters, meta=store.meta(), series=snapshot.township_series(store, weights, index),
        villages=snapshot.village_table(store, period, weights, index), domains=store.domains(),
        departments=decisions.departments(con), **case_frames(store, period, filters, case_lists),
        party_tasks=store.party_tasks(), party_branches=store.party_branches(),
        party_assessments=store.party_assessments(),
        open_items=decisions.open_items(con, exclude_meeting=meeting_id),
        meeting_items=meeting_items,
        scenarios=store_comparison(store, con, filters.scenario_ids, model) if filters.scenario_ids else None,
        case_lists=case_lists, index=index, close=closes.get(period))


def build_deck(inputs: PresenterInputs, lang: str, township: str | None = None,
               today: dt.date | None = None) -> Deck:
    """The slides of ``inputs`` in language ``lang``. ``township`` defaults to the name stored
    in the database; ``today`` is the meeting's day (items due before it are past due)."""
    from cockpit.meeting.slides import build_slides, filter_lines, recorded_table
    from cockpit.meeting.context import SlideContext

    filters = inputs.filters
    t = Translator(lang)
    township = township or inputs.meta.get(f"township_name_{lang}", "")
    sc = SlideContext(inputs, t, filters, today or dt.date.today(), township)
    return Deck(lang=lang, township=township, period=inputs.period,
                period_label=t.period(inputs.period), filters=filters,
                filter_lines=filter_lines(sc), slides=build_slides(sc),
                recorded=recorded_table(sc))

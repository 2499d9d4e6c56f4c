"""The joint-meeting presenter (联席会议): the deck's model, the slide sequence built from live data
(by cockpit.meeting.build).

One :class:`Deck` per period, filters and language; the presenter page
(cockpit/ui/presenter_view.py) and the briefing PDF (cockpit/meeting/briefing.py) both render it, so
the meeting sees on screen exactly what the handout prints. Slides, in order (:data:`SLIDE_KEYS`):

1. ``overview``: township KPIs with the change against the previous month, 12-month trend,
   the villages needing most attention (cockpit.metrics.attention);
2. ``cross_department``: the 条块 matrix (departments × villages, overdue cases at the month's
   end, cockpit.cases.matrix), the pairs with most overdue cases and the departments with the
   lowest on-time closure;
3. ``overdue``: the longest-overdue cases, personal fields masked (cockpit.cases.overdue); for a
   role without ``see_case_lists`` (``case_lists=False``) overdue counts by village instead, never
   a case row (the list is not even read);
4. ``map``: the villages coloured by one metric (cockpit.geo.choropleth classes), worst villages;
5. ``scenarios``: up to three saved what-if scenarios (情景推演) side by side
   (cockpit.planner.compare, cockpit/meeting/scenario_slides.py); only when the presenter chose some;
6. ``party``: party-building quarter to date (cockpit.party.review.scoreboard), weakest branches;
7. ``follow_up``: open decisions and action items of earlier meetings (cockpit.store.decisions).

Filters (:class:`PresenterFilters`): villages and departments narrow the case slides and the
party slide (villages only); the overview stays township-wide and the map shows every village
with the chosen ones outlined. The scenarios are projected for the whole township, each against
its own baseline month.

Pure Python: no Streamlit. Every text is in the deck's language; numbers are formatted with
:func:`cockpit.text.numbers.format_value` exactly as the other pages show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from numbers import Integral

import pandas as pd

from cockpit.metrics.month_close import MonthClose
from cockpit.planner.compare import Comparison
from cockpit.services.index import IndexDefinition
from cockpit.values.case_filter import CaseFilter

__all__ = ["SLIDE_KEYS", "MAX_SCENARIOS", "OVERVIEW_KPIS", "PresenterFilters", "PresenterInputs", "Figure", "Table",
           "Chart", "MapSpec", "Slide", "Deck"]

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
    index: IndexDefinition | None = None  # the composite index's definition (cockpit.services.index)
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

"""Making the joint meeting's deck (cockpit.meeting.deck): its inputs read from the database
(:func:`load_inputs`, :func:`case_frames`), then its slides built in one language
(:func:`build_deck`, the slides from cockpit.meeting.slides)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cockpit.cases.overdue import LIST_COLUMNS, overdue_list
from cockpit.i18n import Translator
from cockpit.meeting.context import SlideContext
from cockpit.meeting.deck import Deck, PresenterFilters, PresenterInputs
from cockpit.meeting.scenario_slides import store_comparison
from cockpit.meeting.slides import build_slides, filter_lines, recorded_table
from cockpit.metrics import snapshot
from cockpit.metrics.month_close import ClosedFigures, standing_closes
from cockpit.services.index import index_definition
from cockpit.store import decisions

__all__ = ["case_frames", "load_inputs", "build_deck"]


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
               today: dt.date | None = None, county: bool = False) -> Deck:
    """The slides of ``inputs`` in language ``lang``. ``township`` defaults to the name stored
    in the database; ``today`` is the meeting's day (items due before it are past due);
    ``county``: the deck covers a whole county (its texts say county where a township's say township)."""
    filters = inputs.filters
    t = Translator(lang, county=county)
    township = township or inputs.meta.get(f"township_name_{lang}", "")
    sc = SlideContext(inputs, t, filters, today or dt.date.today(), township)
    return Deck(lang=lang, township=township, period=inputs.period,
                period_label=t.period(inputs.period), filters=filters,
                filter_lines=filter_lines(sc), slides=build_slides(sc),
                recorded=recorded_table(sc))

"""Cached planner inputs: the calibrated model (once per history, kept in the database) and a
month's baseline."""

from __future__ import annotations

import logging

import streamlit as st

from cockpit.auth.audit_log import now
from cockpit.planner.baseline import Baseline, Model, baseline_from_store
from cockpit.planner.model_cache import stored_or_calibrated, to_json
from cockpit.service_index import IndexDefinition
from cockpit.store.planner_sql import save_planner_model
from cockpit.ui import connection
from cockpit.ui.shell import PageContext

__all__ = ["model", "baseline"]

_LOG = logging.getLogger(__name__)


@st.cache_data(ttl=3600, max_entries=4, show_spinner=False)
def _model(path: str, version: int) -> Model:
    model, key, fresh = stored_or_calibrated(connection.guarded_store(path))
    if fresh:  # kept for the next start, process or session; the pages' caches stay valid
        try:
            with connection.writing(path, data_changed=False) as cur:
                save_planner_model(cur, key, to_json(model), now())
        except connection.WriteUnavailable:
            _LOG.warning("the planner's calibration could not be kept in %s; it will be redone", path)
    return model


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _baseline(path: str, version: int, period: str, scope: tuple[str, ...] | None,
              definition: IndexDefinition) -> Baseline:
    return baseline_from_store(connection.guarded_store(path), period, scope, definition)


def model(ctx: PageContext) -> Model:
    """The model calibrated on the whole township's history (parameters only, nothing per village)."""
    with st.spinner(ctx.t("planner.calibrating")):
        return _model(ctx.data.path, ctx.data.version)


def baseline(ctx: PageContext, period: str) -> Baseline:
    """The baseline of ``period`` over the villages the user may see, with the township's composite
    index weights: a village's coverage in the planner is the index every other page shows."""
    scope = ctx.scope
    return _baseline(ctx.data.path, ctx.data.version, period, tuple(sorted(scope)) if scope is not None else None,
                     ctx.data.index_definition())

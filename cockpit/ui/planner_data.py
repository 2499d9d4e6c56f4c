"""Cached planner inputs: the calibrated model (once per database version) and a month's baseline."""

from __future__ import annotations

import streamlit as st

from cockpit.planner.baseline import Baseline, Model, baseline_from_store, model_from_store
from cockpit.ui import connection
from cockpit.ui.shell import PageContext

__all__ = ["model", "baseline"]


@st.cache_data(ttl=3600, max_entries=4, show_spinner=False)
def _model(path: str, version: int) -> Model:
    return model_from_store(connection.guarded_store(path))


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _baseline(path: str, version: int, period: str, scope: tuple[str, ...] | None) -> Baseline:
    return baseline_from_store(connection.guarded_store(path), period, scope)


def model(ctx: PageContext) -> Model:
    """The model calibrated on the whole township's history (parameters only, nothing per village)."""
    with st.spinner(ctx.t("planner.calibrating")):
        return _model(ctx.data.path, ctx.data.version)


def baseline(ctx: PageContext, period: str) -> Baseline:
    """The baseline of ``period`` over the villages the user may see."""
    scope = ctx.scope
    return _baseline(ctx.data.path, ctx.data.version, period, tuple(sorted(scope)) if scope is not None else None)

"""The planner's inputs as the planner pages ask for them: the calibrated model (once per data
version, kept in the database) and a month's baseline, both read through ``ctx.data``."""

from __future__ import annotations

import streamlit as st

from cockpit.planner.baseline import Baseline, Model
from cockpit.ui.shell import PageContext

__all__ = ["model", "baseline"]


def model(ctx: PageContext) -> Model:
    """The model calibrated on the whole township's history (parameters only, nothing per village)."""
    with st.spinner(ctx.t("planner.calibrating")):
        return ctx.data.planner_model()


def baseline(ctx: PageContext, period: str) -> Baseline:
    """The baseline of ``period`` over the villages the user may see, with the township's composite
    index weights: a village's coverage in the planner is the index every other page shows."""
    return ctx.data.planner_baseline(period)

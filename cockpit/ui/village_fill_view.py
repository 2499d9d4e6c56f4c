"""Villages to fill in: the villages a township's boundaries created, until each has its population.

A table to edit on the Data page (names, kind, urban/rural, population, households). Saving loads
it as a villages import: checked like any file, recorded, undoable, its CSV kept with the others.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit.importer import Options, check, open_upload, suggested_mapping
from cockpit.importer.report import report_frame
from cockpit.ui.import_view import RESULT, run_load
from cockpit.ui.shell import PageContext

__all__ = ["villages_to_fill", "FILL_SOURCE", "COLUMNS"]

FILL_SOURCE = "villages filled in on the Data page"
COLUMNS = ("village_id", "name_zh", "name_en", "kind", "area_group", "population", "households")
_KINDS = ("seat", "community", "village")
_GROUPS = ("urban", "rural")


def unfilled(villages: pd.DataFrame) -> pd.DataFrame:
    """The villages without a population (0 or missing): what a boundaries import left to fill in."""
    return villages[villages["population"].fillna(0) <= 0][list(COLUMNS)].reset_index(drop=True)


def villages_to_fill(ctx: PageContext) -> None:
    t = ctx.t
    if not ctx.can("import"):
        return
    todo = unfilled(ctx.data.villages())
    if todo.empty:
        return
    st.subheader(t("fill.title"))
    st.caption(t("fill.help", n=len(todo)))
    config = {
        "village_id": st.column_config.TextColumn(t("fill.code"), disabled=True),
        "name_zh": st.column_config.TextColumn(t("import.field.name_zh"), required=True),
        "name_en": st.column_config.TextColumn(t("import.field.name_en"), required=True),
        "kind": st.column_config.SelectboxColumn(t("import.field.kind"), options=_KINDS, required=True,
                                                 format_func=lambda k: t(f"kind.{k}")),
        "area_group": st.column_config.SelectboxColumn(t("import.field.area_group"), options=_GROUPS,
                                                       required=True, format_func=lambda g: t(f"group.{g}")),
        "population": st.column_config.NumberColumn(t("import.field.population"), min_value=0, step=1,
                                                    format="%d", required=True),
        "households": st.column_config.NumberColumn(t("import.field.households"), min_value=0, step=1,
                                                    format="%d"),
    }
    edited = st.data_editor(todo, column_config=config, hide_index=True, width="stretch", num_rows="fixed",
                            key="fill_editor")
    if st.button(t("fill.save"), type="primary", key="fill_save"):
        _save(ctx, edited)


def _save(ctx: PageContext, edited: pd.DataFrame) -> None:
    t = ctx.t
    data = edited.astype({"population": "Int64", "households": "Int64"}).to_csv(index=False).encode("utf-8")
    upload = open_upload(data, "villages-filled-in.csv", "villages")
    with ctx.data.reader() as con:
        checked = check(con, upload, suggested_mapping(con, upload, None), Options())
    if checked.rejected:
        st.error(t("fill.rejected"))
        st.dataframe(report_frame(checked, t), hide_index=True, width="stretch")
        return
    st.session_state[RESULT] = run_load(ctx, upload, checked, "all_or_nothing", FILL_SOURCE, Options())
    st.rerun()

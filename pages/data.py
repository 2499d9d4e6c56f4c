"""Data (数据管理): import the township's own files, see and undo past imports, export tables."""

import streamlit as st

from cockpit.ui import shell
from cockpit.ui.backup_view import backup_status
from cockpit.ui.history_view import export_panel, history_panel
from cockpit.ui.import_view import import_panel
from cockpit.ui.readiness_view import township_parts
from cockpit.ui.village_fill_view import villages_to_fill

ctx = shell.page("data")
t = ctx.t
st.title(t("data.title"))
st.caption(t("data.caption"))
backup_status(ctx)
township_parts(t, ctx.data)
villages_to_fill(ctx)

tab_import, tab_history, tab_export = st.tabs([t("data.tab_import"), t("data.tab_history"),
                                               t("data.tab_export")])
with tab_import:
    import_panel(ctx)
with tab_history:
    history_panel(ctx)
with tab_export:
    export_panel(ctx)

"""The overview's note of what the drop folder brought lately (cockpit/importer/inbox.py), for the
roles that import data: each file, its kind, whether it was loaded or refused, and why."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cockpit.importer.inbox import INBOX_USER
from cockpit.store.inbox_sql import recent_inbox_batches
from cockpit.ui.shell import PageContext

__all__ = ["DAYS", "inbox_panel"]

DAYS = 7


def inbox_panel(ctx: PageContext) -> None:
    """Files the drop folder imported or refused in the last :data:`DAYS` days (nothing when none)."""
    if not ctx.can("import"):
        return
    since = dt.datetime.now() - dt.timedelta(days=DAYS)
    with ctx.data.reader() as con:
        recent = recent_inbox_batches(con, INBOX_USER, since)
    if recent.empty:
        return
    refused = int((recent["status"] != "loaded").sum())
    st.subheader(ctx.t("inbox.title"))
    (st.warning if refused else st.success)(ctx.t("inbox.summary", n=len(recent), refused=refused, days=DAYS))
    st.dataframe(pd.DataFrame({
        ctx.t("inbox.col.when"): pd.to_datetime(recent["finished_at"]).dt.strftime("%m-%d %H:%M"),
        ctx.t("inbox.col.file"): recent["file_name"],
        ctx.t("inbox.col.kind"): [ctx.t(f"import.kind.{k}") if ctx.t.has(f"import.kind.{k}") else k
                                  for k in recent["kind"]],
        ctx.t("inbox.col.status"): [ctx.t(f"inbox.status.{s}") for s in recent["status"]],
        ctx.t("inbox.col.rows"): recent["rows_loaded"].fillna(0).astype(int),
        ctx.t("inbox.col.rejected"): recent["rows_rejected"].fillna(0).astype(int),
    }), hide_index=True, width="stretch")

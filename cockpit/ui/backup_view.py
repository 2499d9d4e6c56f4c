"""The Data page's line on the backups: when the last one was made, whether it worked, how many are kept."""

from __future__ import annotations

import streamlit as st

from cockpit import settings
from cockpit.text.literal import literal
from cockpit.store.backup import list_backups, read_last
from cockpit.ui.shell import PageContext

__all__ = ["backup_status"]


def backup_status(ctx: PageContext) -> None:
    """Say how the scheduled backups stand (a warning when the last one failed or there is none)."""
    t = ctx.t
    if not (settings.get("backup_dir") or "").strip():
        st.warning(t("backup.off"), icon=":material/backup:")
        return
    out = settings.path("backup_dir")
    last, kept = read_last(out), list_backups(out)
    if last is None:
        st.info(t("backup.none_yet", folder=literal(out)), icon=":material/backup:")
    elif last.get("ok"):
        st.success(t("backup.ok", at=literal(last["at"]), rows=f"{last.get('rows') or 0:,}", n=len(kept),
                     folder=literal(out)),
                   icon=":material/backup:")
    else:
        st.error(t("backup.failed", at=literal(last["at"]), error=literal(last.get("error", ""))),
                 icon=":material/backup:")

"""Audit entries of downloads, and the warning when one could not be written.

A download button's ``on_click`` runs after the file has left the server, so a failed audit write
must neither stop it nor replace the page with a traceback. :func:`record_download` writes the
entry; when the database cannot take it (open elsewhere for writing, read-only, a DuckDB error) it
sets a session flag, and :func:`not_logged_warning`, called where the download button is drawn,
says so on the next run. Any other exception (a programming error) is raised as usual.

    st.download_button(..., on_click=record_download, args=(ctx, "export", {"what": "briefing_pdf"}))
    not_logged_warning(ctx)  # drawn next to the button
"""

from __future__ import annotations

import duckdb
import streamlit as st

from cockpit import briefing
from cockpit.store import StoreError

__all__ = ["NOT_LOGGED", "record_download", "not_logged_warning", "pdf_problem"]

NOT_LOGGED = "_download_not_logged"  # session flag: the last download could not be audited
AUDIT_FAILURES = (StoreError, duckdb.Error)  # what a busy, locked or read-only database raises


def record_download(ctx, event: str, detail: dict) -> None:
    """Record ``event`` (``"download"`` or ``"export"``) with ``detail`` by the signed-in user via
    ``ctx.audit``; on a database failure, flag it for :func:`not_logged_warning`."""
    try:
        ctx.audit(event, detail)
    except AUDIT_FAILURES:
        st.session_state[NOT_LOGGED] = True


def not_logged_warning(ctx) -> bool:
    """Show (once) the warning that the last download was not logged; True when shown."""
    if st.session_state.pop(NOT_LOGGED, False):
        st.warning(ctx.t("cases.download_not_logged"))
        return True
    return False


def pdf_problem(ctx) -> str | None:
    """Why no PDF can be made here (the Chinese font is missing, or the role may not export), or None."""
    problem = briefing.font_problem()
    if problem is None and not ctx.can("export"):
        problem = ctx.t("presenter.no_export")
    return problem

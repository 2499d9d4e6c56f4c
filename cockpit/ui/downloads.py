"""Audit entries of downloads, and the warning when one could not be written.

A download button's ``on_click`` runs after the file has left the server, so a failed audit write
must neither stop it nor replace the page with a traceback. :func:`record_download` writes the
entry; when the database cannot take it (open elsewhere for writing, read-only, a DuckDB error) it
sets a session flag, and :func:`not_logged_warning`, called where the download button is drawn,
says so on the next run. Any other exception (a programming error) is raised as usual.

    st.download_button(..., data=made_on_click(ctx, make_pdf),
                       on_click=record_download, args=(ctx, "export", {"what": "briefing_pdf"}))
    not_logged_warning(ctx)  # drawn next to the button

Every download's file is made only when the button is clicked (:func:`made_on_click`), never when
the page is drawn, and the server hands it only to the session that clicked (the guard in front of
``/media/``, cockpit/web/guard.py, asks the gatekeeper for the grant made here).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import streamlit as st

from cockpit import briefing
from cockpit.store import StoreError
from cockpit.web.gatekeeper import gatekeeper

__all__ = ["NOT_LOGGED", "record_download", "not_logged_warning", "pdf_problem", "made_on_click"]

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


def made_on_click(ctx, make) -> Callable[[], bytes]:
    """The ``data`` of a download button: ``make()`` (bytes or text) is called when the button is
    clicked, in another thread (no Streamlit calls in it), and its bytes are granted to this
    session only. ``make`` may also be the bytes themselves."""
    session = ctx.session

    def build() -> bytes:
        data = make() if callable(make) else make
        if isinstance(data, str):
            data = data.encode("utf-8")
        gatekeeper().grant(session, data)
        return data

    return build

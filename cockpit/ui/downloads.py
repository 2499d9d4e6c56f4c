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

A file that cannot be made never fails silently: the error is logged with an id, the download
gives a file that says why (a PDF for PDFs, text otherwise), and :func:`not_logged_warning` shows
the reason and the id on the page at its next run.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cockpit.meeting.chart_images import ChartRenderError
from cockpit.text.literal import LONG, clean, literal
from cockpit.store import StoreError
from cockpit.web.gatekeeper import gatekeeper

__all__ = ["NOT_LOGGED", "FAILED", "record_download", "not_logged_warning", "pdf_problem", "made_on_click",
           "failure_reason"]

NOT_LOGGED = "_download_not_logged"  # session flag: the last download could not be audited
FAILED = "_download_failed"  # session key: why the last download's file could not be made
_LOG = logging.getLogger(__name__)
AUDIT_FAILURES = (StoreError, duckdb.Error)  # what a busy, locked or read-only database raises


def record_download(ctx, event: str, detail: dict) -> None:
    """Record ``event`` (``"download"`` or ``"export"``) with ``detail`` by the signed-in user via
    ``ctx.audit``; on a database failure, flag it for :func:`not_logged_warning`."""
    try:
        ctx.audit(event, detail)
    except AUDIT_FAILURES:
        st.session_state[NOT_LOGGED] = True


def not_logged_warning(ctx) -> bool:
    """Show (once) why the last download's file could not be made, and the warning that the last
    download was not logged; True when either was shown."""
    failed = st.session_state.pop(FAILED, None)
    if failed:
        st.error(literal(failed), icon=":material/error:")
    if st.session_state.pop(NOT_LOGGED, False):
        st.warning(ctx.t("cases.download_not_logged"))
        return True
    return bool(failed)


def failure_reason(exc: BaseException) -> str:
    """What went wrong, in a line a user can pass on: the message of the cockpit's own errors
    (they say why), the kind and message of anything else."""
    from cockpit.meeting import briefing  # fpdf: loaded when a file is made, not with every page

    known = (briefing.BriefingError, ChartRenderError, StoreError, ValueError, OSError)
    text = str(exc) if isinstance(exc, known) and str(exc) else f"{type(exc).__name__}: {exc}"
    return clean(text, LONG)


def pdf_problem(ctx) -> str | None:
    """Why no PDF can be made here (the Chinese font is missing, or the role may not export), or None."""
    from cockpit.meeting import briefing

    problem = briefing.font_problem()
    if problem is None and not ctx.can("export"):
        problem = ctx.t("presenter.no_export")
    return problem


def made_on_click(ctx, make, pdf: bool = False) -> Callable[[], bytes]:
    """The ``data`` of a download button: ``make()`` (bytes or text) is called when the button is
    clicked, in another thread (no Streamlit calls in it), and its bytes are granted to this
    session only. ``make`` may also be the bytes themselves.

    When ``make`` fails, the error is logged with an id, the file says why (``pdf``: as a PDF) and
    the page shows the reason at its next run (:func:`not_logged_warning`)."""
    session, t = ctx.session, ctx.t
    run = get_script_run_ctx(suppress_warning=True)
    state = run.session_state if run is not None else None  # thread-safe; not st.session_state

    def build() -> bytes:
        try:
            data = make() if callable(make) else make
        except Exception as exc:  # noqa: BLE001 - whatever it is, the user is told and it is logged
            error_id = secrets.token_hex(4)
            _LOG.error("download for page %s could not be made (error %s)", getattr(ctx, "name", "?"), error_id,
                       exc_info=(type(exc), exc, exc.__traceback__))
            message = t("download.failed", reason=failure_reason(exc), id=error_id)
            if state is not None:
                state[FAILED] = message
            if pdf:
                from cockpit.meeting import briefing

                data = briefing.message_pdf(t("download.failed_title"), message)
            else:
                data = message
        if isinstance(data, str):
            data = data.encode("utf-8")
        gatekeeper().grant(session, data)
        return data

    return build

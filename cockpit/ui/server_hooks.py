"""What the web server (serve.py) asks of Streamlit: stored files and the page for an unexpected error.

:func:`stored_media_file` lets the guard see what a ``/media/`` URL would serve (its bytes and kind)
before Streamlit serves it. :func:`show_error_with_id` replaces Streamlit's exception display: the
user sees a short message with an id; the traceback goes to the server log under that id (with
``showErrorDetails`` off in .streamlit/config.toml nothing else reaches the browser).
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st
from streamlit.runtime import Runtime

from cockpit.i18n import Translator, normalize_language
from cockpit.text.literal import literal
from cockpit.ui import state

__all__ = ["stored_media_file", "show_error_with_id"]

_LOG = logging.getLogger("cockpit.errors")


def stored_media_file(file_id: str):
    """The file Streamlit keeps under ``file_id`` (with ``content`` and ``kind``), or None."""
    if not Runtime.exists():
        return None
    return Runtime.instance().media_file_mgr.read_file(file_id)


def show_error_with_id(exc: BaseException) -> bool:
    """Log ``exc`` with a new error id and show the user a short message with that id."""
    error_id = secrets.token_hex(4)
    _LOG.error("error %s on page run", error_id, exc_info=(type(exc), exc, exc.__traceback__))
    try:
        t = Translator(normalize_language(st.session_state.get(state.LANG)))
        st.error(t("app.unexpected_error", id=literal(error_id)), icon=":material/error:")
    except Exception:  # the message must never fail: fall back to Streamlit's own (redacted) display
        return False
    return True

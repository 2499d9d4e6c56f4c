"""Per-user state in st.session_state, initialised in one place.

Persistent keys survive page switches (widget keys do not): language, period and the selected
village. The shareable ones are mirrored into the URL (?lang=zh&period=2026-10&village=...).
Precedence: the URL, then the session, then the default.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from cockpit import settings
from cockpit.i18n import LANGUAGES, normalize_language

__all__ = ["LANG", "PERIOD", "VILLAGE", "TOWNSHIP", "init_language", "init_period", "init_township",
           "selected_village", "select_village", "shared_query_params"]

LANG, PERIOD, VILLAGE, TOWNSHIP = "lang", "period", "village", "township"


def init_language() -> str:
    """Settle the language for this run and return it."""
    url = st.query_params.get(LANG)
    if url and url.strip().lower().split("-")[0] in LANGUAGES:
        st.session_state[LANG] = normalize_language(url)
    elif LANG not in st.session_state:
        st.session_state[LANG] = normalize_language(settings.get("default_language"))
    st.query_params[LANG] = st.session_state[LANG]
    return st.session_state[LANG]


def init_period(periods: list[str]) -> str:
    """Settle the period (latest month by default) and return it."""
    url = st.query_params.get(PERIOD)
    if url in periods:
        st.session_state[PERIOD] = url
    elif st.session_state.get(PERIOD) not in periods:
        st.session_state[PERIOD] = periods[-1]
    st.query_params[PERIOD] = st.session_state[PERIOD]
    return st.session_state[PERIOD]


def init_township(codes: list[str]) -> str:
    """Settle the township a county's pages show ("" for the whole county) and return it."""
    url = st.query_params.get(TOWNSHIP)
    if url in codes:
        st.session_state[TOWNSHIP] = url
    elif st.session_state.get(TOWNSHIP) not in codes:
        st.session_state[TOWNSHIP] = ""
    if st.session_state[TOWNSHIP]:
        st.query_params[TOWNSHIP] = st.session_state[TOWNSHIP]
    elif TOWNSHIP in st.query_params:
        del st.query_params[TOWNSHIP]
    return st.session_state[TOWNSHIP]


def selected_village(valid_ids) -> str | None:
    """The selected village (from the URL or the session), or None."""
    url = st.query_params.get(VILLAGE)
    if url in valid_ids:
        st.session_state[VILLAGE] = url
    village = st.session_state.get(VILLAGE)
    return village if village in valid_ids else None


def select_village(village_id: str | None) -> None:
    st.session_state[VILLAGE] = village_id
    if village_id:
        st.query_params[VILLAGE] = village_id
    elif VILLAGE in st.query_params:
        del st.query_params[VILLAGE]


def shared_query_params() -> dict[str, str]:
    """The query parameters every internal link carries."""
    return {k: st.session_state[k] for k in (LANG, PERIOD, TOWNSHIP) if st.session_state.get(k)}


def profile_url(village_id: str) -> str:
    """A link to the village's profile page (relative: the pages share one folder), carrying the
    language and month; for LinkColumn cells of tables that list villages."""
    return "village?" + urlencode({VILLAGE: village_id, **shared_query_params()})

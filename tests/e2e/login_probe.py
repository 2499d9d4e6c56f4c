"""A page behind the sign-in check, served to the browser test of the real login form
(tests/e2e/test_login_form.py). Not a test module; run by ``streamlit run``."""

import contextlib
import os

import duckdb
import streamlit as st

from cockpit.i18n import Translator, normalize_language
from cockpit.ui import auth_view

t = Translator(normalize_language(st.query_params.get("lang")))


def connect():
    return contextlib.closing(duckdb.connect(os.environ["COCKPIT_DB"]))


user = auth_view.require(t, "overview", connect)
st.title(f"probe: {user.name}")
with st.sidebar:
    auth_view.account_panel(t, connect, user)

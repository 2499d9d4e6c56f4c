"""Sign-in for pages: the login form, the current user, the account panel and the page check.

The shell calls :func:`require` before any data query: nobody signed in gets the login form and
the page stops; a role that may not open the page gets a message and the page stops.

Connections: every function takes ``connect``, a callable returning a context manager that yields
a *writable* DuckDB connection or cursor of the cockpit database (sign-ins are recorded), e.g.
``lambda: contextlib.nullcontext(cursor)`` or a context manager that takes the write lock.

Session state (the only per-user state of this module): ``auth_user`` (user name),
``auth_seen`` (last activity, a datetime) and ``auth_notice`` (why the user was signed out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager

import duckdb
import pandas as pd
import streamlit as st

from cockpit.auth import audit_log
from cockpit.auth.demo import DEMO_ACCOUNTS
from cockpit.auth.login import AuthResult, LoginPolicy, authenticate, is_synthetic, logout, session_expired, \
    setting_number
from cockpit.auth.roles import can_open, role
from cockpit.auth.users import User, get_user, list_users

__all__ = ["Connect", "USER_KEY", "SEEN_KEY", "NOTICE_KEY", "require", "current_user", "login_form",
           "logout_button", "account_panel", "allowed_pages", "sign_in", "sign_out", "login_message",
           "demo_accounts_frame"]

Connect = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]
USER_KEY, SEEN_KEY, NOTICE_KEY = "auth_user", "auth_seen", "auth_notice"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or audit_log.now()


def sign_in(user: User, now: dt.datetime | None = None) -> None:
    """Remember ``user`` as signed in to this session."""
    st.session_state[USER_KEY] = user.name
    st.session_state[SEEN_KEY] = _now(now)
    st.session_state.pop(NOTICE_KEY, None)


def sign_out(notice: str | None = None) -> None:
    """Forget the signed-in user of this session (``notice``: why, shown on the login form)."""
    for key in (USER_KEY, SEEN_KEY):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def current_user(connect: Connect, now: dt.datetime | None = None,
                 timeout_minutes: float | None = None, read: Connect | None = None) -> User | None:
    """The signed-in user, read afresh from the database (a disabled account or a changed role takes
    effect at once), or None. A session idle for longer than the timeout is signed out (and logged).

    ``read`` (default ``connect``) gives a cursor for the look-up, so that an ordinary page run
    needs no write access; ``connect`` is used only to log a timeout."""
    name = st.session_state.get(USER_KEY)
    if not name:
        return None
    now = _now(now)
    if timeout_minutes is None:
        timeout_minutes = setting_number("session_timeout_minutes")
    if session_expired(st.session_state.get(SEEN_KEY), now, timeout_minutes):
        with connect() as con:
            logout(con, name, now, reason="timeout")
        sign_out("timeout")
        return None
    with (read or connect)() as con:
        user = get_user(con, name)
        if user is None or not user.active or (user.demo and not is_synthetic(con)):
            sign_out("ended")
            return None
    st.session_state[SEEN_KEY] = now
    return user


def login_message(t, result: AuthResult) -> str:
    """Why a sign-in failed, in the user's language."""
    if result.reason == "locked" and result.locked_until is not None:
        return t("auth.error.locked", time=result.locked_until.strftime("%H:%M"))
    text = t(f"auth.error.{result.reason}")
    if result.reason == "bad_credentials" and result.attempts_left is not None and result.attempts_left <= 2:
        policy = LoginPolicy.from_settings()
        text += " " + t("auth.attempts_left", n=result.attempts_left, minutes=f"{policy.minutes:g}")
    return text


def demo_accounts_frame(t, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The demo accounts to offer on the login form: only on a synthetic database, only those still
    active and flagged demo. Columns: user, password, role (translated)."""
    if not is_synthetic(con):
        return pd.DataFrame(columns=[t("auth.col.user"), t("auth.col.password"), t("auth.col.role")])
    live = {u.name for u in list_users(con) if u.demo and u.active}
    rows = [(a.name, a.password, t(role(a.role).name_key)) for a in DEMO_ACCOUNTS if a.name in live]
    return pd.DataFrame(rows, columns=[t("auth.col.user"), t("auth.col.password"), t("auth.col.role")])


def login_form(t, connect: Connect, now: dt.datetime | None = None,
               read: Connect | None = None) -> User | None:
    """Draw the login page; return the user once signed in (remembered in the session), else None.
    ``read`` (default ``connect``) serves the reads; only a sign-in attempt writes."""
    with st.columns([1, 1.6, 1])[1]:  # a narrow column in the wide layout; stacked on a phone
        return _login_form(t, connect, now, read or connect)


def _login_form(t, connect: Connect, now: dt.datetime | None, read: Connect) -> User | None:
    st.title(t("auth.title"))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice == "timeout":
        st.info(t("auth.timed_out", minutes=f"{setting_number('session_timeout_minutes'):g}"))
    elif notice == "ended":
        st.info(t("auth.ended"))
    with read() as con:
        demo = demo_accounts_frame(t, con)
        no_users = not list_users(con)
    if no_users:
        st.warning(t("auth.no_users"))
    with st.form("auth_login", clear_on_submit=True):
        name = st.text_input(t("auth.name"), key="auth_name", max_chars=64)
        password = st.text_input(t("auth.password"), type="password", key="auth_password", max_chars=256)
        submitted = st.form_submit_button(t("auth.submit"), type="primary")
    if submitted:
        with connect() as con:
            result = authenticate(con, name, password, _now(now))
        if result.ok:
            sign_in(result.user, now)
            return result.user
        st.error(login_message(t, result))
    if len(demo):
        st.subheader(t("auth.demo_title"))
        st.caption(t("auth.demo_note"))
        st.table(demo, hide_index=True)
    return None


def require(t, page_name: str, connect: Connect, now: dt.datetime | None = None,
            timeout_minutes: float | None = None, read: Connect | None = None) -> User:
    """The signed-in user who may open ``page_name``; otherwise draw the login form or a refusal and
    stop the page (``st.stop``) before it reads any data.

    ``timeout_minutes`` overrides the setting ``session_timeout_minutes`` (0: no timeout, e.g. for a
    wall display that nobody touches)."""
    user = current_user(connect, now, timeout_minutes, read)
    if user is None:
        if login_form(t, connect, now, read) is None:
            st.stop()
        st.rerun()  # draw the page afresh, without the form
    if not can_open(user, page_name):
        st.title(t("auth.forbidden_title"))
        st.error(t("auth.forbidden", role=t(role(user.role).name_key)))
        st.info(t("auth.forbidden_hint"))
        st.stop()
    return user


def _sign_out_clicked(connect: Connect, name: str) -> None:
    with connect() as con:
        logout(con, name)
    sign_out()


def logout_button(t, connect: Connect, user: User) -> None:
    """A "Sign out" button (key ``auth_logout``); the sign-out is logged."""
    st.button(t("auth.logout"), key="auth_logout", on_click=_sign_out_clicked, args=(connect, user.name),
              icon=":material/logout:")


def account_panel(t, connect: Connect, user: User, village_names: dict[str, str] | None = None) -> None:
    """Who is signed in, in which role (and villages), and the sign-out button: for the sidebar."""
    st.caption(t("auth.signed_in_as", name=user.label, role=t(role(user.role).name_key)))
    if user.villages:
        names = [(village_names or {}).get(v, v) for v in user.villages]
        st.caption(t("auth.scope", villages="、".join(names) if t.lang == "zh" else ", ".join(names)))
    logout_button(t, connect, user)


def allowed_pages(user: User | None, pages) -> list:
    """The page specs (anything with ``.name``) of ``pages`` that ``user`` may open, in order."""
    return [p for p in pages if can_open(user, p.name)]

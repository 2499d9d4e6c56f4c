"""The admin page's sessions and wall displays: who is signed in now (and ending a session), and the
registered displays (registering one, with its link shown once, and revoking one).

For administrators (``manage_users``). Every change is audited: ending a session as
``session_end``, registering or revoking a display as ``display_change``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit.auth import displays, sessions
from cockpit.auth.audit_log import audit, now
from cockpit.auth.users import User
from cockpit.i18n import LANGUAGE_NAMES, LANGUAGES
from cockpit.text.literal import literal
from cockpit.metrics.catalog import MAP_METRICS, coverage_key
from cockpit.ui.kpi import metric_label

__all__ = ["sessions_frame", "displays_frame", "end_session_action", "register_display_action",
           "revoke_display_action", "access_sections", "display_link"]

_NEW_LINK = "_admin_display_link"  # the link of a display just registered: shown once


def _when(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def sessions_frame(t, active: pd.DataFrame) -> pd.DataFrame:
    """The active sessions table: user, signed in, last activity written back, address, browser."""
    return pd.DataFrame({
        t("admin.col.name"): active["user_name"],
        t("admin.session.started"): [_when(v) for v in active["created_at"]],
        t("admin.session.seen"): [_when(v) for v in active["last_seen"]],
        t("admin.session.address"): active["client_address"].fillna(""),
        t("admin.session.browser"): active["user_agent"].fillna("").str.slice(0, 60),
    })


def displays_frame(t, ctx, items: list[displays.Display]) -> pd.DataFrame:
    """The displays table: name, language, map metric, registered by and when, last seen, state."""
    return pd.DataFrame({
        t("admin.display.name"): [d.name for d in items],
        t("app.language"): [LANGUAGE_NAMES.get(d.lang, d.lang) for d in items],
        t("map.metric"): [metric_label(ctx, d.metric) for d in items],
        t("admin.display.by"): [d.created_by for d in items],
        t("admin.session.started"): [_when(d.created_at) for d in items],
        t("admin.session.seen"): [_when(d.last_seen) for d in items],
        t("admin.display.state"): [t("admin.display.active" if d.active else "admin.display.revoked") for d in items],
    })


def end_session_action(t, connect, actor: User, session_id: str) -> tuple[bool, str]:
    """End one session by its public id (audited)."""
    at = now()
    with connect() as con:
        user = sessions.end_session_by_id(con, session_id, "admin", at)
        if user:
            audit(con, actor, "session_end", {"user": user, "session": session_id, "reason": "admin"}, at)
    return (True, t("admin.session.ended", name=user)) if user else (False, t("admin.session.gone"))


def register_display_action(t, connect, actor: User, name: str, lang: str, metric: str) -> tuple[bool, str]:
    """Register a display; on success the message is its token (to build the link once)."""
    if not " ".join((name or "").split()):
        return False, t("admin.display.name_required")
    with connect() as con:
        token, _ = displays.register_display(con, name, lang, metric, by=actor.name, now=now())
    return True, token


def revoke_display_action(t, connect, actor: User, display_id: str) -> tuple[bool, str]:
    with connect() as con:
        done = displays.revoke_display(con, display_id, by=actor.name, now=now())
    return (True, t("admin.display.revoked_done")) if done else (False, t("admin.display.gone"))


def display_link(token: str) -> str:
    """The display's link on this server (as the administrator reached it)."""
    url = st.context.url or ""
    base = "/".join(url.split("/", 3)[:3]) if "://" in url else ""
    return f"{base}/auth/display/{token}"


def _flash(ok: bool, message: str) -> None:
    if ok:
        st.session_state["admin_flash"] = message
        st.rerun()
    st.error(literal(message))


def _sessions_section(t, connect, read, actor: User) -> None:
    st.subheader(t("admin.sessions"))
    st.caption(t("admin.sessions_intro"))
    with read() as con:
        active = sessions.active_sessions(con, now(), sessions.SessionPolicy.from_settings())
    if active.empty:
        st.info(t("admin.sessions_none"))
        return
    st.dataframe(sessions_frame(t, active), hide_index=True)
    labels = {r.session_id: f"{r.user_name} · {r.client_address or ''} · {_when(r.created_at)}"
              for r in active.itertuples()}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(t("admin.session.pick"), list(labels), format_func=labels.get, key="admin_session_pick")
    if right.button(t("admin.session.end"), key="admin_session_end"):
        _flash(*end_session_action(t, connect, actor, chosen))


def _displays_section(t, ctx, connect, read, actor: User) -> None:
    st.subheader(t("admin.displays"))
    st.caption(t("admin.displays_intro"))
    token = st.session_state.pop(_NEW_LINK, None)
    if token:
        st.warning(t("admin.display.link_once"))
        st.code(display_link(token), language=None)
    with read() as con:
        items = displays.list_displays(con)
    if items:
        st.dataframe(displays_frame(t, ctx, items), hide_index=True)
    metrics = [coverage_key(d) for d in ctx.data.domains()["domain_id"]] + list(MAP_METRICS)
    with st.form("admin_display_form", clear_on_submit=True):
        name = st.text_input(t("admin.display.name"), key="admin_display_name", max_chars=80,
                             placeholder=t("admin.display.name_hint"))
        c1, c2 = st.columns(2)
        lang = c1.selectbox(t("app.language"), LANGUAGES, format_func=LANGUAGE_NAMES.get, key="admin_display_lang")
        metric = c2.selectbox(t("map.metric"), metrics, index=metrics.index("service_index"),
                              format_func=lambda k: metric_label(ctx, k), key="admin_display_metric")
        if st.form_submit_button(t("admin.display.add"), key="admin_display_add"):
            ok, message = register_display_action(t, connect, actor, name, lang, metric)
            if ok:
                st.session_state[_NEW_LINK] = message
                st.rerun()
            st.error(literal(message))
    working = [d for d in items if d.active]
    if working:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(t("admin.display.pick"), [d.display_id for d in working],
                                format_func={d.display_id: d.name for d in working}.get, key="admin_display_pick")
        if right.button(t("admin.display.revoke"), key="admin_display_revoke"):
            _flash(*revoke_display_action(t, connect, actor, chosen))


def access_sections(ctx, connect, read, actor: User) -> None:
    """The sessions and displays sections of the admin page."""
    _sessions_section(ctx.t, connect, read, actor)
    _displays_section(ctx.t, ctx, connect, read, actor)

"""The admin page: users, their sessions and the wall displays, the roles table and the audit log.

Needs ``ctx.user`` (the signed-in :class:`~cockpit.auth.users.User`) and ``ctx.connect`` (a callable
giving a context manager of a writable cursor) from the page shell. Without them only the roles table is
shown. Sections follow the user's rights: accounts need ``manage_users``, the log ``view_audit``.
The helpers that build tables and perform changes take plain values and are tested directly.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cockpit.auth.audit_log import EVENTS, AuditFilter, read_audit
from cockpit.auth.roles import CAPABILITIES, PAGE_NAMES, ROLE_IDS, ROLES, can, role
from cockpit.auth.users import User, UserError, add_user, list_users, set_active, set_password, set_role
from cockpit.text.literal import literal
from cockpit.ui.access_view import access_sections

__all__ = ["admin_page", "page_label", "roles_frame", "users_frame", "audit_frame", "audit_filter",
           "add_user_action", "reset_password_action", "change_role_action", "set_active_action"]

_FLASH = "admin_flash"


def page_label(t, page: str) -> str:
    """A page's title: its sidebar title when the page exists, else the admin catalog's name for it."""
    return t(f"nav.{page}") if t.has(f"nav.{page}") else t(f"admin.page.{page}")


def roles_frame(t) -> pd.DataFrame:
    """The roles table in the user's language: role, what it is, pages, capabilities, village scope."""
    rows = []
    for r in ROLES:
        rows.append({
            t("admin.col.role"): t(r.name_key),
            t("admin.col.description"): t(r.description_key),
            t("admin.col.pages"): " · ".join(page_label(t, p) for p in PAGE_NAMES if p in r.pages),
            t("admin.col.capabilities"): " · ".join(t(f"admin.cap.{c}") for c in CAPABILITIES
                                                   if c in r.capabilities) or t("admin.cap.none"),
            t("admin.col.scope"): t("admin.scope_own" if r.village_scoped else "admin.scope_all"),
        })
    return pd.DataFrame(rows)


def _village_label(village_names: dict[str, str], village_id: str) -> str:
    return f"{village_names[village_id]} ({village_id})" if village_id in village_names else village_id


def users_frame(t, users: list[User], village_names: dict[str, str]) -> pd.DataFrame:
    """The users table: name, display name, role, villages, active, demo, created, last change."""
    yes, no = t("admin.yes"), t("admin.no")
    return pd.DataFrame([{
        t("admin.col.name"): u.name,
        t("admin.col.display_name"): u.display_name,
        t("admin.col.role"): t(role(u.role).name_key) if u.role in ROLE_IDS else u.role,
        t("admin.col.villages"): ", ".join(_village_label(village_names, v) for v in u.villages)
        or t("admin.scope_all"),
        t("admin.col.active"): yes if u.active else no,
        t("admin.col.demo"): yes if u.demo else "",
        t("admin.col.created"): u.created_at,
        t("admin.col.updated"): u.updated_at,
    } for u in users])


def audit_frame(t, events: pd.DataFrame) -> pd.DataFrame:
    """Audit events for display: time, user, event (translated), detail (JSON text, shown as text)."""
    return pd.DataFrame({
        t("admin.col.time"): events["logged_at"],
        t("admin.col.user"): events["user_name"].fillna(""),
        t("admin.col.event"): [t(f"admin.event.{e}") if e in EVENTS else e for e in events["event"]],
        t("admin.col.detail"): events["detail"].fillna(""),
    })


def audit_filter(user: str | None, events, date_from: dt.date | None, date_to: dt.date | None,
                 text: str | None, limit: int = 1000) -> AuditFilter:
    """The filter of the audit viewer's widgets; the date range includes both days."""
    return AuditFilter(
        user=user or None, events=tuple(events or ()),
        since=dt.datetime.combine(date_from, dt.time()) if date_from else None,
        until=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()) if date_to else None,
        text=(text or "").strip() or None, limit=limit)


# -- changes: each returns (ok, message in the user's language) ------------------------------

def _error(t, exc: UserError) -> str:
    return t(f"admin.error.{exc.code}")


def add_user_action(t, connect, actor: User, name: str, display_name: str, role_id: str, villages,
                    password: str, password_again: str) -> tuple[bool, str]:
    if password != password_again:
        return False, t("admin.passwords_differ")
    try:
        with connect() as con:
            user = add_user(con, name, password, role_id, villages=villages, display_name=display_name,
                            by=actor)
    except UserError as exc:
        return False, _error(t, exc)
    return True, t("admin.added", name=user.name)


def reset_password_action(t, connect, actor: User, name: str, password: str,
                          password_again: str) -> tuple[bool, str]:
    if password != password_again:
        return False, t("admin.passwords_differ")
    try:
        with connect() as con:
            set_password(con, name, password, by=actor)
    except UserError as exc:
        return False, _error(t, exc)
    return True, t("admin.password_changed", name=name)


def change_role_action(t, connect, actor: User, name: str, role_id: str, villages) -> tuple[bool, str]:
    try:
        with connect() as con:
            user = set_role(con, name, role_id, villages=villages, by=actor)
    except UserError as exc:
        return False, _error(t, exc)
    return True, t("admin.role_changed", name=user.name, role=t(role(user.role).name_key))


def set_active_action(t, connect, actor: User, name: str, active: bool) -> tuple[bool, str]:
    try:
        with connect() as con:
            user = set_active(con, name, active, by=actor)
    except UserError as exc:
        return False, _error(t, exc)
    return True, t("admin.enabled" if user.active else "admin.disabled", name=user.name)


# -- drawing ---------------------------------------------------------------------------------

def _report(ok: bool, message: str) -> None:
    if ok:
        st.session_state[_FLASH] = message
        st.rerun()
    st.error(literal(message))


def _roles_section(t) -> None:
    st.subheader(t("admin.roles"))
    st.caption(t("admin.roles_intro"))
    frame = roles_frame(t)
    st.table(frame.set_index(frame.columns[0]))  # a static table wraps the long cells: all of it readable


def _users_section(t, connect, actor: User, village_names: dict[str, str], read=None) -> None:
    st.subheader(t("admin.users"))
    with (read or connect)() as con:
        users = list_users(con)
    st.dataframe(users_frame(t, users, village_names), hide_index=True)
    names = [u.name for u in users]
    village_ids = list(village_names)
    role_label = lambda r: t(role(r).name_key)  # noqa: E731
    village_label = lambda v: _village_label(village_names, v)  # noqa: E731
    add, reset, change, state = st.tabs([t("admin.add_user"), t("admin.reset_password"), t("admin.change_role"),
                                         t("admin.disable_enable")])
    with add, st.form("admin_add", clear_on_submit=True):
        name = st.text_input(t("admin.col.name"), key="admin_add_name", max_chars=64)
        display = st.text_input(t("admin.col.display_name"), key="admin_add_display", max_chars=100)
        role_id = st.selectbox(t("admin.col.role"), ROLE_IDS, format_func=role_label, key="admin_add_role")
        villages = st.multiselect(t("admin.col.villages"), village_ids, format_func=village_label,
                                  key="admin_add_villages", help=t("admin.villages_help"),
                                  placeholder=t("admin.villages_none"))
        pw = st.text_input(t("auth.password"), type="password", key="admin_add_pw")
        pw2 = st.text_input(t("admin.password_again"), type="password", key="admin_add_pw2")
        if st.form_submit_button(t("admin.add_submit"), type="primary"):
            _report(*add_user_action(t, connect, actor, name, display, role_id, villages, pw, pw2))
    with reset, st.form("admin_reset", clear_on_submit=True):
        name = st.selectbox(t("admin.choose_user"), names, key="admin_pw_user")
        pw = st.text_input(t("admin.new_password"), type="password", key="admin_pw_new")
        pw2 = st.text_input(t("admin.password_again"), type="password", key="admin_pw_new2")
        if st.form_submit_button(t("admin.reset_submit")):
            _report(*reset_password_action(t, connect, actor, name, pw, pw2))
    with change, st.form("admin_role"):
        name = st.selectbox(t("admin.choose_user"), names, key="admin_role_user")
        role_id = st.selectbox(t("admin.col.role"), ROLE_IDS, format_func=role_label, key="admin_role_role")
        villages = st.multiselect(t("admin.col.villages"), village_ids, format_func=village_label,
                                  key="admin_role_villages", help=t("admin.villages_help"),
                                  placeholder=t("admin.villages_none"))
        if st.form_submit_button(t("admin.role_submit")):
            _report(*change_role_action(t, connect, actor, name, role_id, villages))
    with state:
        name = st.selectbox(t("admin.choose_user"), names, key="admin_state_user")
        left, right = st.columns(2)
        if left.button(t("admin.disable"), key="admin_disable"):
            _report(*set_active_action(t, connect, actor, name, False))
        if right.button(t("admin.enable"), key="admin_enable"):
            _report(*set_active_action(t, connect, actor, name, True))


def _audit_section(t, connect, read=None) -> None:
    st.subheader(t("admin.audit"))
    read = read or connect  # reading needs no write access
    with read() as con:
        names = [u.name for u in list_users(con)]
    c1, c2, c3, c4, c5 = st.columns([1, 2, 1, 1, 1.4])
    user = c1.selectbox(t("admin.filter_user"), [""] + names, key="admin_audit_user",
                        format_func=lambda n: n or t("admin.filter_all"))
    events = c2.multiselect(t("admin.filter_events"), EVENTS, key="admin_audit_events",
                            format_func=lambda e: t(f"admin.event.{e}"), placeholder=t("admin.filter_all"))
    date_from = c3.date_input(t("admin.filter_from"), value=None, key="admin_audit_from")
    date_to = c4.date_input(t("admin.filter_to"), value=None, key="admin_audit_to")
    text = c5.text_input(t("admin.filter_text"), key="admin_audit_text", max_chars=100)
    with read() as con:
        events_df = read_audit(con, audit_filter(user, events, date_from, date_to, text))
    st.caption(t("admin.audit_count", n=f"{len(events_df):,}"))
    if len(events_df):
        st.dataframe(audit_frame(t, events_df), hide_index=True)
    else:
        st.info(t("admin.audit_empty"))


def admin_page(ctx) -> None:
    """Draw the admin page for ``ctx`` (a page context with ``t``, ``data``, ``user``, ``connect``)."""
    t = ctx.t
    st.title(t("nav.admin"))
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(literal(flash))
    user, connect = getattr(ctx, "user", None), getattr(ctx, "connect", None)
    if user is None or connect is None:
        st.warning(t("auth.login_required"))
        _roles_section(t)
        return
    read = getattr(getattr(ctx, "data", None), "reader", None)
    if can(user, "manage_users"):
        villages = ctx.data.villages()
        names = dict(zip(villages["village_id"], villages[f"name_{t.lang}"]))
        _users_section(t, connect, user, names, read)
        access_sections(ctx, connect, read or connect, user)
    _roles_section(t)
    if can(user, "view_audit"):
        _audit_section(t, connect, read)

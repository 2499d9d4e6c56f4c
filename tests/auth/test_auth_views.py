"""The Streamlit side of access control: the login form and page check (AppTest of a guarded
script), the admin page's tables and actions, and the catalog keys they use."""

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.auth.audit_log import EVENTS, AuditFilter, audit, read_audit
from cockpit.auth.login import REASONS
from cockpit.auth.roles import CAPABILITIES, PAGE_NAMES, ROLE_IDS
from cockpit.auth.users import ERROR_CODES, User, add_user, get_user, list_users
from cockpit.i18n import Translator, catalog
from cockpit.ui import admin_view as av
from cockpit.ui.auth_view import allowed_pages
from cockpit.ui.pages import PAGES
from tests.auth_fixtures import FAST, T0, VILLAGE_A, VILLAGE_B, connector, copy_database

EN, ZH = Translator("en"), Translator("zh")
NAMES = {VILLAGE_A: "城关社区", VILLAGE_B: "岭头村"}
ADMIN = User("root", "", "administrator", (), True, False)


@pytest.fixture
def db(tiny, tmp_path):
    path = copy_database(tiny, tmp_path)
    con = duckdb.connect(str(path))
    add_user(con, "root", "root password", "administrator", params=FAST)
    add_user(con, "li", "right password", "leader", params=FAST)
    add_user(con, "viewer", "viewer password", "viewer", params=FAST)
    con.close()
    return str(path)


@pytest.fixture
def con(db):
    c = duckdb.connect(db)
    yield c
    c.close()


# -- catalog keys --------------------------------------------------------------------------

def test_every_dynamic_key_exists_in_both_languages():
    keys = [f"role.{r}" for r in ROLE_IDS] + [f"role.{r}.desc" for r in ROLE_IDS]
    keys += [f"admin.cap.{c}" for c in CAPABILITIES] + [f"admin.page.{p}" for p in PAGE_NAMES]
    keys += [f"admin.event.{e}" for e in EVENTS] + [f"admin.error.{c}" for c in ERROR_CODES]
    keys += [f"auth.error.{r}" for r in REASONS] + ["nav.admin"]
    for lang in ("en", "zh"):
        missing = [k for k in keys if k not in catalog(lang)]
        assert missing == [], lang


# -- admin page helpers ----------------------------------------------------------------------

def test_roles_table_in_both_languages():
    en, zh = av.roles_frame(EN), av.roles_frame(ZH)
    assert list(en["Role"]) == ["Administrator", "Township leader", "Party-building committee",
                                "Planner", "Village secretary", "Viewer (public)", "Township leader (in a county)"]
    assert list(zh["角色"]) == ["系统管理员", "乡镇领导", "党建工作委员会", "规划人员", "村支书", "公众查看",
                              "乡镇领导（县级库）"]
    rows = en.set_index("Role")
    assert rows.loc["Village secretary", "Villages"] == "Own village(s) only"
    assert rows.loc["Viewer (public)", "May"] == "view only"
    assert "Citizen appeals" not in rows.loc["Viewer (public)", "Pages"]
    assert "manage user accounts" in rows.loc["Administrator", "May"]
    assert "manage user accounts" not in rows.loc["Township leader", "May"]
    assert rows.loc["Township leader", "Pages"].count(" · ") == len(PAGE_NAMES) - 2   # all but Today


def test_page_label_prefers_the_sidebar_title():
    assert av.page_label(EN, "map") == EN("nav.map")
    assert av.page_label(EN, "presenter") == "Joint-meeting presenter"


def test_users_table(con):
    add_user(con, "zhang", "secretary pw", "village_secretary", villages=[VILLAGE_B], display_name="张三",
             params=FAST, at=T0)
    frame = av.users_frame(EN, list_users(con), NAMES).set_index("User name")
    assert frame.loc["zhang", "Villages"] == f"岭头村 ({VILLAGE_B})"
    assert frame.loc["zhang", "Role"] == "Village secretary" and frame.loc["zhang", "Active"] == "yes"
    assert frame.loc["li", "Villages"] == "Whole township"
    assert "password_hash" not in " ".join(frame.columns) and "scrypt" not in frame.to_string()


def test_audit_table_and_filter(con):
    audit(con, "li", "export", {"file": "<b>cases</b>.csv"}, T0)
    frame = av.audit_frame(ZH, read_audit(con, AuditFilter(events=("export",))))
    assert list(frame.columns) == ["时间", "用户", "事件", "详情"]
    assert frame.iloc[0]["事件"] == "导出" and "<b>cases</b>.csv" in frame.iloc[0]["详情"]
    f = av.audit_filter("li", ["export"], dt.date(2026, 11, 1), dt.date(2026, 11, 3), "  csv ")
    assert f == AuditFilter(user="li", events=("export",), since=dt.datetime(2026, 11, 1),
                            until=dt.datetime(2026, 11, 4), text="csv")
    assert av.audit_filter("", [], None, None, "") == AuditFilter()


def test_add_user_action(con):
    connect = connector(con)
    assert av.add_user_action(EN, connect, ADMIN, "wang", "王五", "planner", [], "pw-123456", "pw-654321") \
        == (False, "The two passwords differ.")
    ok, msg = av.add_user_action(ZH, connect, ADMIN, "wang", "王五", "village_secretary", [], "pw-123456",
                                 "pw-123456")
    assert (ok, msg) == (False, ZH("admin.error.villages_required"))
    ok, msg = av.add_user_action(EN, connect, ADMIN, "wang", "王五", "village_secretary", [VILLAGE_A],
                                 "pw-123456", "pw-123456")
    assert (ok, msg) == (True, "User wang added.")
    assert get_user(con, "wang").villages == (VILLAGE_A,)
    assert read_audit(con, AuditFilter(events=("user_change",)))["user_name"].iloc[0] == "root"


def test_reset_role_and_disable_actions(con):
    connect = connector(con)
    assert av.reset_password_action(EN, connect, ADMIN, "li", "short", "short") == \
        (False, EN("admin.error.password_short"))
    assert av.reset_password_action(EN, connect, ADMIN, "li", "new password", "new password")[0]
    assert av.change_role_action(EN, connect, ADMIN, "li", "planner", []) == (True, "li is now: Planner.")
    assert av.set_active_action(EN, connect, ADMIN, "li", False)[0] and not get_user(con, "li").active
    assert av.set_active_action(EN, connect, ADMIN, "root", False) == (False, EN("admin.error.last_admin"))


def test_allowed_pages_filters_the_registry():
    viewer = User("v", "", "viewer", (), True, False)
    assert [p.name for p in allowed_pages(viewer, PAGES)] == [p.name for p in PAGES
                                                              if p.name in ("overview", "map", "village", "services")]
    assert allowed_pages(None, PAGES) == []


# -- the page check, in a guarded script: a real session behind the (patched) cookie ------------

def _guarded(page: str) -> None:
    import streamlit as st

    from cockpit.i18n import Translator
    from cockpit.ui import auth_view

    t = Translator("en")
    identity = auth_view.require(t, page)
    st.session_state.setdefault("left_behind", identity.user.name)
    st.markdown(f"secret content for {identity.user.name}; state of {st.session_state['left_behind']}")
    with st.sidebar:
        auth_view.account_panel(t, identity.user)


@pytest.fixture
def browser(db, monkeypatch):
    """The cookie the 'browser' sends (``browser["token"]``) and the gatekeeper the page asks."""
    from cockpit.ui import auth_view
    from cockpit.web import gatekeeper as gk

    monkeypatch.setenv("COCKPIT_DB", db)
    keeper = gk.Gatekeeper()
    monkeypatch.setattr(gk, "_INSTANCE", keeper)
    jar = {"token": None, "keeper": keeper}
    monkeypatch.setattr(auth_view, "request_token", lambda: jar["token"])
    return jar


def _session(browser, user: str, at: dt.datetime | None = None) -> str:
    from cockpit.auth import sessions

    with browser["keeper"].writing() as con:
        token, _ = sessions.start_session(con, user, at or dt.datetime.now().replace(microsecond=0))
    return token


def _app(page="cases") -> AppTest:
    return AppTest.from_function(_guarded, args=(page,), default_timeout=30)


def _texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _read(browser, sql, params=()):
    with browser["keeper"].reading() as con:
        return con.execute(sql, list(params)).fetchall()


def test_nobody_signed_in_gets_a_link_to_the_sign_in_page_and_no_content(browser):
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "Sign in" and at.info[0].value == "Please sign in to use the cockpit."
    assert "secret content" not in _texts(at)
    link = next(m.value for m in at.markdown if "/auth/login" in m.value)
    assert 'target="_self"' in link and "next=%2F" in link and "lang=en" in link


def test_a_valid_session_opens_the_page(browser):
    browser["token"] = _session(browser, "li")
    at = _app().run()
    assert not at.exception
    assert "secret content for li" in _texts(at)
    assert any("Signed in as li (Township leader)" in c.value for c in at.sidebar.caption)


def test_a_forged_token_is_nobody(browser):
    browser["token"] = "made-up"
    at = _app().run()
    assert at.title[0].value == "Sign in" and "secret content" not in _texts(at)


def test_a_role_that_may_not_open_the_page_is_stopped(browser):
    browser["token"] = _session(browser, "viewer")
    at = _app("cases").run()
    assert at.title[0].value == "Not available for your role"
    assert "Viewer (public)" in at.error[0].value
    assert "secret content" not in _texts(at)


def test_idle_session_times_out_with_the_reason_and_is_logged(browser, monkeypatch):
    monkeypatch.setenv("COCKPIT_SESSION_TIMEOUT", "30")
    browser["token"] = _session(browser, "li", dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=31))
    at = _app().run()
    assert at.title[0].value == "Sign in"
    assert "30 minutes without activity" in at.info[0].value
    assert "reason=timeout" in next(m.value for m in at.markdown if "/auth/login" in m.value)
    rows = _read(browser, "SELECT detail FROM audit_log WHERE event = 'logout'")
    assert len(rows) == 1 and '"reason": "timeout"' in rows[0][0]


def test_disabled_user_is_signed_out_at_once(browser):
    from cockpit.auth.users import set_active

    browser["token"] = _session(browser, "li")
    at = _app().run()
    assert "secret content for li" in _texts(at)
    with browser["keeper"].writing() as con:
        set_active(con, "li", False, by="root")
    at.run()
    assert at.title[0].value == "Sign in" and "secret content" not in _texts(at)
    assert "account was changed or disabled" in at.info[0].value


def test_sign_out_ends_the_session_server_side_and_leaves_nothing(browser):
    browser["token"] = token = _session(browser, "li")
    at = _app().run()
    assert at.session_state["left_behind"] == "li"
    at.button(key="auth_logout").click().run()
    assert at.title[0].value == "Sign in" and "secret content" not in _texts(at)
    assert "left_behind" not in at.session_state
    from cockpit.auth import sessions

    assert _read(browser, "SELECT end_reason FROM web_sessions WHERE token_hash = ?",
                 [sessions.hash_token(token)]) == [("user",)]
    assert _read(browser, "SELECT user_name FROM audit_log WHERE event = 'logout'") == [("li",)]


def test_another_person_on_the_same_browser_starts_with_empty_state(browser):
    browser["token"] = _session(browser, "li")
    at = _app("overview").run()
    assert "state of li" in _texts(at)
    browser["token"] = _session(browser, "root")  # someone else signed in on this browser
    at.run()
    assert "secret content for root; state of root" in _texts(at)


def test_a_database_that_cannot_be_read_is_not_a_sign_out(browser, monkeypatch):
    from cockpit.web.gatekeeper import UNAVAILABLE, Check

    monkeypatch.setattr(browser["keeper"], "check", lambda *a, **k: Check(None, UNAVAILABLE))
    at = _app().run()
    assert "cannot be read right now" in at.warning[0].value and "init-db" not in at.warning[0].value
    assert not [m for m in at.markdown if "/auth/login" in m.value]


# -- the admin page, with the context the shell will provide -----------------------------------

def _admin(db: str, user_name: str | None, lang: str = "en") -> None:
    import contextlib
    import types

    import duckdb
    import pandas as pd

    from cockpit.auth.users import get_user
    from cockpit.i18n import Translator
    from cockpit.ui.admin_view import admin_page

    def connect():
        return contextlib.closing(duckdb.connect(db))

    with connect() as con:
        user = get_user(con, user_name) if user_name else None
        villages = con.execute("SELECT village_id, name_zh, name_en FROM villages").df()
        domains = con.execute("SELECT * FROM domains").df()
    data = types.SimpleNamespace(villages=lambda: pd.DataFrame(villages), domains=lambda: pd.DataFrame(domains),
                                 domain_names=lambda lang: domains.set_index("domain_id")[f"name_{lang}"])
    ctx = types.SimpleNamespace(t=Translator(lang), lang=lang, data=data, user=user,
                                connect=connect if user_name else None)
    admin_page(ctx)


def _admin_app(db, user_name, lang="en") -> AppTest:
    return AppTest.from_function(_admin, args=(db, user_name, lang), default_timeout=30)


def test_admin_page_without_a_user_shows_only_the_roles(db):
    at = _admin_app(db, None).run()
    assert not at.exception
    assert at.title[0].value == "Users and audit"
    assert len(at.dataframe) == 0 and "Sign in as an administrator" in at.warning[0].value
    roles = at.table[0].value
    assert list(roles.index) == ["Administrator", "Township leader", "Party-building committee", "Planner",
                                 "Village secretary", "Viewer (public)", "Township leader (in a county)"]


def test_admin_page_for_an_administrator(db):
    at = _admin_app(db, "root").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["User accounts", "Signed in now", "Wall displays",
                                               "Roles: what each may see and do", "Audit log"]
    users = at.dataframe[0].value
    assert set(users["User name"]) == {"root", "li", "viewer"}
    at.text_input(key="admin_add_name").input("zhao")
    at.selectbox(key="admin_add_role").set_value("village_secretary")
    at.multiselect(key="admin_add_villages").set_value([VILLAGE_B])
    at.text_input(key="admin_add_pw").input("zhao password")
    at.text_input(key="admin_add_pw2").input("zhao password")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception
    assert at.success[0].value == "User zhao added."
    assert "zhao" in set(at.dataframe[0].value["User name"])
    log = at.dataframe[1].value  # after the users (the roles are a static table)
    assert log.iloc[0]["Event"] == "account change" and log.iloc[0]["User"] == "root"
    at.multiselect(key="admin_audit_events").set_value(["login_success"]).run()
    assert "No events match the filters." in [i.value for i in at.info]


def test_admin_page_disable_keeps_the_last_administrator(db):
    at = _admin_app(db, "root").run()
    at.selectbox(key="admin_state_user").set_value("root")
    at.button(key="admin_disable").click().run()
    assert at.error[0].value == EN("admin.error.last_admin")
    at.selectbox(key="admin_state_user").set_value("li")
    at.button(key="admin_disable").click().run()
    assert at.success[0].value == "li is disabled and can no longer sign in."


def test_admin_page_for_a_leader_shows_the_log_but_not_the_accounts(db):
    at = _admin_app(db, "li", "zh").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["角色：可见内容与可用功能", "审计日志"]


# -- sessions and wall displays on the admin page ------------------------------------------------

def test_admin_ends_a_session_and_it_is_audited(db):
    from cockpit.auth import sessions

    con = duckdb.connect(db)
    token, s = sessions.start_session(con, "li", dt.datetime.now().replace(microsecond=0), client_address="10.1.1.1")
    con.close()
    at = _admin_app(db, "root").run()
    table = at.dataframe[1].value  # users, then sessions
    assert table["User name"].tolist() == ["li"] and table["Address"].tolist() == ["10.1.1.1"]
    assert at.selectbox(key="admin_session_pick").value == s.session_id
    at.button(key="admin_session_end").click().run()
    assert not at.exception
    assert at.success[0].value == "The session of li has ended; that browser must sign in again."
    assert "Nobody else is signed in." in [i.value for i in at.info]
    con = duckdb.connect(db)
    assert sessions.find_session(con, token).end_reason == "admin"
    log = read_audit(con, AuditFilter(events=("session_end",)))
    assert log["user_name"].tolist() == ["root"] and '"reason": "admin"' in log["detail"].iloc[0]
    con.close()


def test_admin_registers_a_display_sees_its_link_once_and_revokes_it(db):
    from cockpit.auth import displays

    at = _admin_app(db, "root", "zh").run()
    at.text_input(key="admin_display_name").input("指挥中心东墙")
    at.selectbox(key="admin_display_metric").set_value("on_time_rate")
    at.button(key="admin_display_add").click().run()
    assert not at.exception
    link = at.code[0].value
    assert link.startswith("/auth/display/") and len(link) > 50
    token = link.rsplit("/", 1)[1]
    con = duckdb.connect(db)
    found = displays.find_display(con, token)
    con.close()
    assert (found.name, found.lang, found.metric, found.created_by) == ("指挥中心东墙", "zh", "on_time_rate", "root")
    shown = at.dataframe[-2].value  # the displays table, before the audit log
    assert shown["安装位置"].tolist() == ["指挥中心东墙"] and shown["状态"].tolist() == ["使用中"]
    at.run()
    assert not at.code, "the link is shown once"
    at.button(key="admin_display_revoke").click().run()
    assert at.success[0].value == ZH("admin.display.revoked_done")
    con = duckdb.connect(db)
    assert not displays.find_display(con, token).active
    assert len(read_audit(con, AuditFilter(events=("display_change",)))) == 2
    con.close()


def test_a_display_needs_a_name(db):
    at = _admin_app(db, "root").run()
    at.button(key="admin_display_add").click().run()
    assert EN("admin.display.name_required") in [e.value for e in at.error]

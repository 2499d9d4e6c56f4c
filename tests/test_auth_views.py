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
from tests.auth_fixtures import FAST, T0, VILLAGE_A, VILLAGE_B, connector, copy_database, tiny_database

EN, ZH = Translator("en"), Translator("zh")
NAMES = {VILLAGE_A: "城关社区", VILLAGE_B: "岭头村"}
ADMIN = User("root", "", "administrator", (), True, False)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_database(tmp_path_factory.mktemp("auth_views"))


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
                                "Planner", "Village secretary", "Viewer (public)"]
    assert list(zh["角色"]) == ["系统管理员", "乡镇领导", "党建工作委员会", "规划人员", "村支书", "公众查看"]
    rows = en.set_index("Role")
    assert rows.loc["Village secretary", "Villages"] == "Own village(s) only"
    assert rows.loc["Viewer (public)", "May"] == "view only"
    assert "Citizen appeals" not in rows.loc["Viewer (public)", "Pages"]
    assert "manage user accounts" in rows.loc["Administrator", "May"]
    assert "manage user accounts" not in rows.loc["Township leader", "May"]
    assert rows.loc["Township leader", "Pages"].count(" · ") == len(PAGE_NAMES) - 1


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


# -- the login form and page check, in a guarded script ---------------------------------------

def _guarded(db: str, page: str) -> None:
    import contextlib

    import duckdb
    import streamlit as st

    from cockpit.i18n import Translator
    from cockpit.ui import auth_view

    t = Translator("en")

    def connect():
        return contextlib.closing(duckdb.connect(db))

    user = auth_view.require(t, page, connect)
    st.markdown(f"secret content for {user.name}")
    with st.sidebar:
        auth_view.account_panel(t, connect, user)


def _app(db, page="cases") -> AppTest:
    return AppTest.from_function(_guarded, args=(db, page), default_timeout=30)


def _texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _sign_in(at, name, password):
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    return at.button[0].click().run()


def test_logged_out_sees_the_login_form_and_no_content(db):
    at = _app(db).run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert "secret content" not in _texts(at)
    assert at.text_input(key="auth_password").proto.type == at.text_input(key="auth_password").proto.PASSWORD


def test_sign_in_through_the_form(db):
    at = _sign_in(_app(db).run(), "LI", "right password")
    assert not at.exception
    assert "secret content for li" in _texts(at)
    assert not at.title  # the form is gone
    assert at.session_state["auth_user"] == "li"
    assert any("Signed in as li (Township leader)" in c.value for c in at.sidebar.caption)
    con = duckdb.connect(db)
    assert read_audit(con, AuditFilter(events=("login_success",)))["user_name"].tolist() == ["li"]
    con.close()


def test_wrong_password_shows_an_error(db):
    at = _sign_in(_app(db).run(), "li", "wrong password")
    assert at.error[0].value == "Wrong user name or password."
    assert "secret content" not in _texts(at)


def test_a_role_that_may_not_open_the_page_is_stopped(db):
    at = _app(db, "cases")
    at.session_state["auth_user"] = "viewer"
    at.session_state["auth_seen"] = dt.datetime.now()
    at.run()
    assert at.title[0].value == "Not available for your role"
    assert "Viewer (public)" in at.error[0].value
    assert "secret content" not in _texts(at)


def test_idle_session_times_out_and_is_logged(db, monkeypatch):
    monkeypatch.setenv("COCKPIT_SESSION_TIMEOUT", "30")
    at = _app(db)
    at.session_state["auth_user"] = "li"
    at.session_state["auth_seen"] = dt.datetime.now() - dt.timedelta(minutes=31)
    at.run()
    assert at.title[0].value == "Sign in"
    assert "30 minutes without activity" in at.info[0].value
    con = duckdb.connect(db)
    assert '"reason": "timeout"' in read_audit(con, AuditFilter(events=("logout",)))["detail"].iloc[0]
    con.close()


def test_disabled_user_is_signed_out_at_once(db):
    at = _app(db)
    at.session_state["auth_user"] = "li"
    at.session_state["auth_seen"] = dt.datetime.now()
    at.run()
    assert "secret content for li" in _texts(at)
    con = duckdb.connect(db)
    con.execute("UPDATE users SET active = false WHERE user_name = 'li'")  # as the admin page would
    con.close()
    at.run()
    assert at.title[0].value == "Sign in" and "secret content" not in _texts(at)


def test_sign_out_button(db):
    at = _app(db)
    at.session_state["auth_user"] = "li"
    at.session_state["auth_seen"] = dt.datetime.now()
    at.run()
    at.button(key="auth_logout").click().run()
    assert at.title[0].value == "Sign in"
    con = duckdb.connect(db)
    assert read_audit(con, AuditFilter(events=("logout",)))["user_name"].tolist() == ["li"]
    con.close()


def test_no_users_yet_explains_the_first_administrator(tiny, tmp_path):
    at = _app(str(copy_database(tiny, tmp_path))).run()
    assert "python -m cockpit users add" in at.warning[0].value


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
    data = types.SimpleNamespace(villages=lambda: pd.DataFrame(villages))
    ctx = types.SimpleNamespace(t=Translator(lang), data=data, user=user,
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
                                 "Village secretary", "Viewer (public)"]


def test_admin_page_for_an_administrator(db):
    at = _admin_app(db, "root").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["User accounts", "Roles: what each may see and do", "Audit log"]
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

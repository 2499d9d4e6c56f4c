"""User accounts on the tiny township: add, passwords, roles and scope, disable/enable, audit trail."""

import duckdb
import pytest

from cockpit.auth.audit_log import AuditFilter, read_audit
from cockpit.auth.passwords import params_of, verify_password
from cockpit.auth.users import UserError, add_user, disable_user, enable_user, get_user, list_users, \
    password_hash, set_password, set_role
from cockpit.store.schema import SCHEMA_VERSION
from cockpit.store.build import upgrade_database
from cockpit.store.migrate import migrate
from cockpit.store.schema import MIGRATIONS
from tests.auth_fixtures import FAST, T0, VILLAGE_A, VILLAGE_B, copy_database


@pytest.fixture
def con(tiny, tmp_path):
    c = duckdb.connect(str(copy_database(tiny, tmp_path)))
    yield c
    c.close()


def _add(con, name="zhang", password="good password", role="leader", **kw):
    return add_user(con, name, password, role, params=FAST, at=T0, **kw)


def test_a_built_database_has_the_auth_tables_and_no_users(con):
    assert SCHEMA_VERSION >= 3
    assert list_users(con) == []
    for t in ("users", "audit_log", "login_attempts"):
        assert con.execute("SELECT count(*) FROM " + t).fetchone()[0] == 0


def test_add_and_get(con):
    user = _add(con, " Zhang.San ", display_name="张三", role="village_secretary", villages=[VILLAGE_B], by="admin")
    assert (user.name, user.display_name, user.role, user.villages) == ("zhang.san", "张三", "village_secretary",
                                                                       (VILLAGE_B,))
    assert user.active and not user.demo and user.created_at == T0
    assert get_user(con, "ZHANG.SAN") == user
    assert get_user(con, "nobody") is None


def test_password_is_stored_hashed_with_a_salt_per_user(con):
    _add(con, "a", "same password")
    _add(con, "b", "same password")
    rows = con.execute("SELECT user_name, password_hash FROM users ORDER BY 1").fetchall()
    dump = " ".join(str(v) for r in con.execute("SELECT * FROM users").fetchall() for v in r)
    assert "same password" not in dump
    assert rows[0][1] != rows[1][1]
    assert all(verify_password("same password", h) and params_of(h) == FAST for _, h in rows)
    assert not any(hasattr(u, "password_hash") for u in list_users(con))


def test_names_are_unique_case_insensitively(con):
    _add(con, "Li")
    with pytest.raises(UserError, match="already exists") as err:
        _add(con, "LI")
    assert err.value.code == "name_taken"


@pytest.mark.parametrize("name", ["", "   ", "two words", "x" * 65, "semi;colon", "quote'"])
def test_invalid_names(con, name):
    with pytest.raises(UserError) as err:
        _add(con, name)
    assert err.value.code == "name_invalid"


@pytest.mark.parametrize("password,code", [("short", "password_short"), ("x" * 257, "password_long"),
                                           ("Wang.Wu.2026", "password_is_name")])
def test_password_rules(con, password, code):
    with pytest.raises(UserError) as err:
        _add(con, "wang.wu.2026", password)
    assert err.value.code == code
    assert get_user(con, "wang.wu.2026") is None


@pytest.mark.parametrize("role,villages,code", [
    ("emperor", (), "role_unknown"),
    ("village_secretary", (), "villages_required"),
    ("village_secretary", ("999999999999",), "village_unknown"),
    ("planner", (VILLAGE_A,), "villages_not_allowed"),
])
def test_role_and_village_rules(con, role, villages, code):
    with pytest.raises(UserError) as err:
        _add(con, role=role, villages=villages)
    assert err.value.code == code


def test_list_is_sorted(con):
    for n in ("wang", "li", "zhao"):
        _add(con, n)
    assert [u.name for u in list_users(con)] == ["li", "wang", "zhao"]


def test_set_password(con):
    _add(con, "li", "old password")
    set_password(con, "LI", "new password", by="admin", params=FAST)
    stored = password_hash(con, "li")
    assert verify_password("new password", stored) and not verify_password("old password", stored)
    with pytest.raises(UserError) as err:
        set_password(con, "li", "short", params=FAST)
    assert err.value.code == "password_short"
    with pytest.raises(UserError) as err:
        set_password(con, "ghost", "long enough", params=FAST)
    assert err.value.code == "unknown_user"


def test_set_role_and_scope(con):
    _add(con, "li", role="viewer")
    user = set_role(con, "li", "village_secretary", villages=[VILLAGE_A, VILLAGE_A, VILLAGE_B], by="admin")
    assert user.role == "village_secretary" and user.villages == (VILLAGE_A, VILLAGE_B)
    user = set_role(con, "li", "planner", by="admin")
    assert user.role == "planner" and user.villages == ()


def test_disable_and_enable(con):
    _add(con, "li")
    assert not disable_user(con, "li", by="admin").active
    assert not get_user(con, "li").active
    assert enable_user(con, "li", by="admin").active


def test_the_last_administrator_stays(con):
    _add(con, "root", role="administrator")
    for change in (lambda: disable_user(con, "root"), lambda: set_role(con, "root", "viewer")):
        with pytest.raises(UserError) as err:
            change()
        assert err.value.code == "last_admin"
    _add(con, "root2", role="administrator")
    assert not disable_user(con, "root").active
    with pytest.raises(UserError):
        disable_user(con, "root2")
    assert set_role(con, "root", "viewer").role == "viewer"  # a disabled admin is no last admin


def test_every_change_is_audited_without_secrets(con):
    _add(con, "li", "first password", by="admin")
    set_password(con, "li", "second password", by="admin", params=FAST)
    set_role(con, "li", "planner", by="admin")
    disable_user(con, "li", by="boss")
    log = read_audit(con, AuditFilter(events=("user_change",)))
    assert list(log["user_name"]) == ["boss", "admin", "admin", "admin"]
    actions = [d for d in log["detail"]]
    assert ['"action": "disable"' in actions[0], '"action": "role"' in actions[1],
            '"action": "password"' in actions[2], '"action": "add"' in actions[3]] == [True] * 4
    assert not any("first password" in d or "second password" in d for d in actions)


def test_upgrade_of_a_version_2_database_adds_the_auth_tables(tmp_path):
    db = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL, "
                "description VARCHAR NOT NULL)")
    for version in (1, 2):
        for sql in MIGRATIONS[version][1]:
            con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, current_timestamp, ?)", [version, "x"])
    con.close()
    assert 3 in upgrade_database(db)
    con = duckdb.connect(str(db))
    assert list_users(con) == [] and migrate(con) == []
    con.close()

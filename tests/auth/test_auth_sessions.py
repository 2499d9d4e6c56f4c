"""Web sessions and wall displays in the database (cockpit/auth/sessions.py, cockpit/auth/displays.py),
and the account changes that end a person's sessions at once (cockpit/auth/users.py)."""

import datetime as dt
from dataclasses import fields

import duckdb
import pytest

from cockpit.auth import displays, sessions
from cockpit.auth.audit_log import AuditFilter, read_audit
from cockpit.auth.sessions import SessionPolicy, WebSession, why_invalid
from cockpit.auth.users import add_user, set_active, set_password, set_role
from cockpit.store import displays_sql, sessions_sql
from tests.auth_fixtures import FAST, T0, VILLAGE_A, copy_database

POLICY = SessionPolicy(idle_minutes=30, lifetime_hours=12)


@pytest.fixture
def con(tiny, tmp_path):
    c = duckdb.connect(str(copy_database(tiny, tmp_path)))
    add_user(c, "root", "root password", "administrator", params=FAST)
    add_user(c, "li", "right password", "leader", params=FAST)
    yield c
    c.close()


def test_only_the_hash_of_the_token_is_stored(con):
    token, session = sessions.start_session(con, "li", T0, client_address="10.0.0.7", user_agent="x" * 500)
    assert len(token) >= 43 and session.token_hash == sessions.hash_token(token) != token
    stored = con.execute("SELECT * FROM web_sessions").df()
    assert token not in stored.astype(str).to_numpy().ravel().tolist()
    found = sessions.find_session(con, token)
    assert found == session and found.user_agent == "x" * 200 and found.client_address == "10.0.0.7"
    assert sessions.find_session(con, token + "x") is None and sessions.find_session(con, "") is None


def test_two_sessions_have_different_tokens(con):
    a, _ = sessions.start_session(con, "li", T0)
    b, _ = sessions.start_session(con, "li", T0)
    assert a != b


@pytest.mark.parametrize(("minutes_idle", "hours_old", "expected"), [
    (0, 0, None), (29, 1, None), (30, 1, "timeout"), (10, 12, "expired"), (10, 11.9, None)])
def test_idle_timeout_and_lifetime(minutes_idle, hours_old, expected):
    created = T0 - dt.timedelta(hours=hours_old)
    seen = T0 - dt.timedelta(minutes=minutes_idle)
    s = WebSession("h", "id", "li", created, min(seen, T0), None, None, None, None)
    assert why_invalid(s, T0, POLICY) == expected


def test_zero_switches_the_limits_off():
    s = WebSession("h", "id", "li", T0 - dt.timedelta(days=30), T0 - dt.timedelta(days=30), None, None, None, None)
    assert why_invalid(s, T0, SessionPolicy(0, 0)) is None


def test_activity_known_in_memory_counts(con):
    _, s = sessions.start_session(con, "li", T0)
    later = T0 + dt.timedelta(minutes=40)
    assert why_invalid(s, later, POLICY) == "timeout"
    assert why_invalid(s, later, POLICY, last_activity=T0 + dt.timedelta(minutes=20)) is None


def test_touch_moves_last_seen_forward_only(con):
    token, s = sessions.start_session(con, "li", T0)
    sessions.touch(con, s.token_hash, T0 + dt.timedelta(minutes=5))
    sessions.touch(con, s.token_hash, T0 + dt.timedelta(minutes=2))
    assert sessions.find_session(con, token).last_seen == T0 + dt.timedelta(minutes=5)


def test_an_ended_session_says_why(con):
    token, s = sessions.start_session(con, "li", T0)
    assert sessions.end_session(con, s.token_hash, "user", T0)
    assert not sessions.end_session(con, s.token_hash, "user", T0)  # once
    ended = sessions.find_session(con, token)
    assert why_invalid(ended, T0, POLICY) == "user" and ended.ended_at == T0
    with pytest.raises(ValueError, match="unknown end reason"):
        sessions.end_session(con, s.token_hash, "bored", T0)


def test_active_sessions_lists_only_those_that_hold(con):
    _, a = sessions.start_session(con, "li", T0)
    _, b = sessions.start_session(con, "root", T0 + dt.timedelta(minutes=1))
    _, c = sessions.start_session(con, "li", T0 - dt.timedelta(hours=2))  # idle for two hours
    sessions.end_session(con, a.token_hash, "user", T0)
    active = sessions.active_sessions(con, T0 + dt.timedelta(minutes=2), POLICY)
    assert active["session_id"].tolist() == [b.session_id]
    assert "token_hash" not in active.columns
    assert sessions.end_session_by_id(con, b.session_id, "admin", T0) == "root"
    assert sessions.end_session_by_id(con, b.session_id, "admin", T0) is None


@pytest.mark.parametrize(("change", "reason"), [
    (lambda c: set_active(c, "li", False, by="root"), "disabled"),
    (lambda c: set_role(c, "li", "village_secretary", villages=[VILLAGE_A], by="root"), "role"),
    (lambda c: set_password(c, "li", "a new password", by="root", params=FAST), "password"),
])
def test_account_changes_end_the_persons_sessions_at_once(con, change, reason):
    t1, _ = sessions.start_session(con, "li", T0)
    t2, _ = sessions.start_session(con, "li", T0)
    other, _ = sessions.start_session(con, "root", T0)
    change(con)
    assert [sessions.find_session(con, t).end_reason for t in (t1, t2)] == [reason, reason]
    assert sessions.find_session(con, other).ended_at is None
    entry = read_audit(con, AuditFilter(events=("session_end",)))
    assert entry["user_name"].tolist() == ["root"]
    assert f'"reason": "{reason}"' in entry["detail"].iloc[0] and '"sessions": 2' in entry["detail"].iloc[0]


def test_same_role_again_keeps_the_sessions(con):
    token, _ = sessions.start_session(con, "li", T0)
    set_role(con, "li", "leader", by="root")
    assert sessions.find_session(con, token).ended_at is None


def test_a_display_is_registered_found_and_revoked(con):
    token, d = displays.register_display(con, "  Command   room wall ", "zh", "on_time_rate", by="root", now=T0)
    assert d.name == "Command room wall" and d.active
    assert displays.find_display(con, token) == d
    assert displays.find_display(con, "nope") is None
    assert token not in con.execute("SELECT * FROM displays").df().astype(str).to_numpy().ravel().tolist()
    user = displays.display_user(d)
    assert user.role == "display" and user.active and not user.villages
    assert displays.revoke_display(con, d.display_id, by="root", now=T0)
    assert not displays.revoke_display(con, d.display_id, by="root", now=T0)
    assert not displays.find_display(con, token).active
    assert not displays.display_user(displays.find_display(con, token)).active
    log = read_audit(con, AuditFilter(events=("display_change",)))
    assert sorted('"action": "register"' in d_ for d_ in log["detail"]) == [False, True]
    with pytest.raises(ValueError):
        displays.register_display(con, "   ", "zh", "on_time_rate", by="root", now=T0)


def test_the_display_role_opens_the_command_screen_only():
    from cockpit.auth.roles import CAPABILITIES, PAGE_NAMES, ROLE_IDS, can, can_open

    d = displays.Display("id", "wall", "zh", "on_time_rate", "root", T0, None, None)
    user = displays.display_user(d)
    assert [p for p in PAGE_NAMES if can_open(user, p)] == ["command"]
    assert not any(can(user, c) for c in CAPABILITIES)
    assert "display" not in ROLE_IDS  # no account can be given it


def test_the_store_s_rows_are_the_records_fields_in_order():
    """A row of cockpit/store/sessions_sql.py is a WebSession, one of displays_sql.py a Display."""
    assert sessions_sql.COLUMNS == tuple(f.name for f in fields(WebSession))
    assert displays_sql.COLUMNS == tuple(f.name for f in fields(displays.Display))

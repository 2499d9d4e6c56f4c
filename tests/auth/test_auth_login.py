"""Sign-in: authenticate, lock-out after repeated failures and its release, timeout, demo accounts."""

import datetime as dt

import duckdb
import pytest

from cockpit.auth import login as login_mod
from cockpit.auth.audit_log import AuditFilter, read_audit
from cockpit.auth.login import LoginPolicy, authenticate, lock_status, session_expired
from cockpit.auth.passwords import DEFAULT_PARAMS, params_of
from cockpit.auth.users import add_user, disable_user, password_hash, set_password
from tests.auth_fixtures import FAST, T0, copy_database

POLICY = LoginPolicy(threshold=5, minutes=15)
SEC = dt.timedelta(seconds=1)
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def con(tiny, tmp_path):
    c = duckdb.connect(str(copy_database(tiny, tmp_path)))
    add_user(c, "li", "right password", "leader", params=FAST, at=T0 - MIN)
    yield c
    c.close()


def _try(con, password, at, name="li", policy=POLICY):
    return authenticate(con, name, password, at, policy=policy, params=FAST)


def _fail(con, times, start, name="li"):
    return [_try(con, "wrong password", start + i * SEC, name) for i in range(times)]


def test_success_returns_the_user_and_is_audited(con):
    result = _try(con, "right password", T0)
    assert result.ok and result.reason == "ok" and result.user.name == "li" and result.user.role == "leader"
    assert _try(con, "right password", T0, name="  LI ").ok  # names are case-insensitive
    log = read_audit(con, AuditFilter(events=("login_success", "login_failure")))
    assert list(log["event"]) == ["login_success", "login_success"]
    assert list(log["user_name"]) == ["li", "li"] and log["logged_at"].iloc[0] == T0


def test_wrong_password_and_unknown_name_look_the_same(con):
    wrong, unknown = _try(con, "wrong password", T0), _try(con, "right password", T0, name="nobody")
    assert (wrong.ok, wrong.reason, wrong.user) == (False, "bad_credentials", None)
    assert (unknown.ok, unknown.reason, unknown.user) == (False, "bad_credentials", None)
    assert wrong.attempts_left == unknown.attempts_left == 4
    log = read_audit(con, AuditFilter(events=("login_failure",)))
    assert set(log["user_name"]) == {"li", "nobody"}
    assert all('"reason": "bad_credentials"' in d for d in log["detail"])


def test_unknown_names_cost_a_kdf_run(con, monkeypatch):
    burned = []
    monkeypatch.setattr(login_mod, "burn_time", lambda params: burned.append(params))
    _try(con, "x" * 10, T0, name="nobody")
    assert burned == [FAST]


def test_password_is_never_logged(con):
    _try(con, "a secret guess", T0)
    _try(con, "right password", T0 + SEC)
    dump = " ".join(str(v) for t in ("audit_log", "login_attempts")
                    for r in con.execute("SELECT * FROM " + t).fetchall() for v in r)
    assert "secret guess" not in dump and "right password" not in dump


def test_five_failures_lock_the_name_for_fifteen_minutes(con, monkeypatch):
    results = _fail(con, 5, T0)
    assert [r.reason for r in results] == ["bad_credentials"] * 4 + ["locked"]
    assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
    last = T0 + 4 * SEC
    assert results[-1].locked_until == last + 15 * MIN
    # While locked, even the right password is refused, without checking it.
    checked = []
    monkeypatch.setattr(login_mod, "verify_password", lambda *a: checked.append(a) or True)
    locked = _try(con, "right password", last + 14 * MIN)
    assert (locked.ok, locked.reason, locked.locked_until) == (False, "locked", last + 15 * MIN)
    assert checked == []
    monkeypatch.undo()
    # Released after the duration.
    assert _try(con, "right password", last + 15 * MIN + SEC).ok


def test_attempts_during_a_lock_do_not_extend_it(con):
    _fail(con, 5, T0)
    last = T0 + 4 * SEC
    for m in range(1, 15):
        assert _try(con, "wrong password", last + m * MIN).reason == "locked"
    assert _try(con, "right password", last + 15 * MIN + SEC).ok


def test_a_failure_after_release_does_not_lock_again_at_once(con):
    _fail(con, 5, T0)
    after = T0 + 4 * SEC + 15 * MIN + SEC
    assert _try(con, "wrong password", after).reason == "bad_credentials"
    assert _try(con, "right password", after + SEC).ok


def test_unknown_names_are_locked_too(con):
    assert _fail(con, 5, T0, name="ghost")[-1].reason == "locked"
    assert lock_status(con, "ghost", T0 + 5 * SEC, POLICY).locked
    assert not lock_status(con, "li", T0 + 5 * SEC, POLICY).locked  # per name


def test_success_resets_the_count(con):
    _fail(con, 4, T0)
    assert _try(con, "right password", T0 + 10 * SEC).ok
    assert [r.reason for r in _fail(con, 4, T0 + 20 * SEC)] == ["bad_credentials"] * 4


def test_failures_older_than_the_window_do_not_count(con):
    _fail(con, 4, T0)
    assert _try(con, "wrong password", T0 + 16 * MIN).reason == "bad_credentials"
    assert lock_status(con, "li", T0 + 16 * MIN, POLICY).failures == 1


def test_a_new_password_lifts_the_lock(con):
    _fail(con, 5, T0)
    set_password(con, "li", "brand new password", by="admin", params=FAST, at=T0 + MIN)
    assert _try(con, "brand new password", T0 + 2 * MIN).ok


def test_threshold_zero_switches_lock_out_off(con):
    off = LoginPolicy(threshold=0, minutes=15)
    results = [_try(con, "wrong password", T0 + i * SEC, policy=off) for i in range(8)]
    assert {r.reason for r in results} == {"bad_credentials"}
    assert _try(con, "right password", T0 + 9 * SEC, policy=off).ok


def test_policy_from_settings(monkeypatch):
    monkeypatch.setenv("COCKPIT_LOCKOUT_THRESHOLD", "3")
    monkeypatch.setenv("COCKPIT_LOCKOUT_MINUTES", "2.5")
    assert LoginPolicy.from_settings() == LoginPolicy(3, 2.5)
    monkeypatch.setenv("COCKPIT_LOCKOUT_MINUTES", "soon")
    with pytest.raises(ValueError, match="COCKPIT_LOCKOUT_MINUTES"):
        LoginPolicy.from_settings()


def test_disabled_account_is_refused(con):
    add_user(con, "root", "root password", "administrator", params=FAST)
    disable_user(con, "li", by="root")
    result = _try(con, "right password", T0)
    assert (result.ok, result.reason) == (False, "disabled")
    assert '"reason": "disabled"' in read_audit(con, AuditFilter(events=("login_failure",)))["detail"].iloc[0]


def test_rehash_on_login_when_parameters_changed(con):
    assert params_of(password_hash(con, "li")) == FAST
    stronger = type(FAST)(n=FAST.n * 2, r=FAST.r, p=FAST.p)
    assert authenticate(con, "li", "right password", T0, policy=POLICY, params=stronger).ok
    assert params_of(password_hash(con, "li")) == stronger
    assert authenticate(con, "li", "right password", T0 + SEC, policy=POLICY, params=stronger).ok
    assert not authenticate(con, "li", "wrong password", T0 + 2 * SEC, policy=POLICY, params=stronger).ok


def test_failed_login_does_not_rehash(con):
    before = password_hash(con, "li")
    authenticate(con, "li", "wrong password", T0, policy=POLICY, params=DEFAULT_PARAMS)
    assert password_hash(con, "li") == before


def test_demo_accounts_only_on_a_synthetic_database(con):
    con.execute("UPDATE users SET demo = true WHERE user_name = 'li'")  # test set-up only
    assert _try(con, "right password", T0).ok  # the tiny township is synthetic
    con.execute("UPDATE meta SET value = 'false' WHERE key = 'synthetic'")
    assert _try(con, "right password", T0 + SEC).reason == "demo_disabled"


@pytest.mark.parametrize("idle_minutes,timeout,expired", [
    (0, 30, False), (29.9, 30, False), (30, 30, True), (45, 30, True), (600, 0, False), (-5, 30, False),
])
def test_session_timeout(idle_minutes, timeout, expired):
    last = T0
    assert session_expired(last, last + dt.timedelta(minutes=idle_minutes), timeout) is expired


def test_no_recorded_activity_counts_as_expired():
    assert session_expired(None, T0, 30)

"""Signing in: lock-out after repeated failures, authentication, session timeout.

Every attempt is recorded in ``login_attempts`` (outcome success, failure, locked or reset) and
in the audit log (``login_success`` / ``login_failure`` with the reason). Lock-out is by user
name, so it applies alike to names that do not exist (which therefore cannot be told apart):
``threshold`` failures within ``minutes`` since the last success lock the name until
``minutes`` after the latest of them. Attempts while locked are refused without checking the
password and do not extend the lock. A new password (:func:`~cockpit.auth.users.set_password`)
lifts the lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from cockpit.auth.audit_log import audit, now as _now
from cockpit.auth.passwords import DEFAULT_PARAMS, ScryptParams, burn_time, hash_password, needs_rehash, \
    verify_password
from cockpit.auth.users import User, get_user, password_hash, replace_hash
from cockpit.store.login_attempts_sql import recent_failures, record_attempt
from cockpit.store.real_data import is_synthetic
from cockpit import settings

__all__ = ["LoginPolicy", "LockStatus", "AuthResult", "REASONS", "lock_status", "authenticate",
           "session_expired", "is_synthetic", "logout"]

REASONS = ("ok", "bad_credentials", "locked", "disabled", "demo_disabled")
"""Why a login succeeded or failed; the UI shows ``auth.error.<reason>``."""


@dataclass(frozen=True)
class LoginPolicy:
    """Lock a name after ``threshold`` failures within ``minutes``, for ``minutes``."""

    threshold: int = 5
    minutes: float = 15.0

    @classmethod
    def from_settings(cls) -> "LoginPolicy":
        """The policy of the settings ``lockout_threshold`` and ``lockout_minutes``."""
        return cls(int(settings.number("lockout_threshold")), settings.number("lockout_minutes"))


@dataclass(frozen=True)
class LockStatus:
    failures: int
    locked_until: dt.datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


@dataclass(frozen=True)
class AuthResult:
    """The outcome of :func:`authenticate`: ``user`` is set only when ``ok``."""

    ok: bool
    reason: str
    user: User | None = None
    locked_until: dt.datetime | None = None
    attempts_left: int | None = None


def lock_status(con: duckdb.DuckDBPyConnection, name: str, now: dt.datetime,
                policy: LoginPolicy = LoginPolicy()) -> LockStatus:
    """Failures of ``name`` counted against the policy at ``now``, and until when it is locked."""
    window = dt.timedelta(minutes=policy.minutes)
    count, latest = recent_failures(con, name, now - window, now)
    if policy.threshold > 0 and count >= policy.threshold and latest + window > now:
        return LockStatus(count, latest + window)
    return LockStatus(count, None)


def _record(con, name: str, at: dt.datetime, outcome: str) -> None:
    record_attempt(con, name, at, outcome)


def authenticate(con: duckdb.DuckDBPyConnection, name: str, password: str, now: dt.datetime | None = None,
                 *, policy: LoginPolicy | None = None, params: ScryptParams = DEFAULT_PARAMS) -> AuthResult:
    """Check ``name`` and ``password`` at ``now``; record the attempt and audit it.

    The password is checked with the KDF even for unknown names, so timing does not reveal which
    names exist. A stored hash made with other parameters than ``params`` is replaced after a
    successful check. Demo accounts work only while the database is synthetic.
    """
    now = now or _now()
    policy = policy or LoginPolicy.from_settings()
    key = (name or "").strip().lower()[:64]
    status = lock_status(con, key, now, policy)
    if status.locked:
        _record(con, key, now, "locked")
        audit(con, key, "login_failure", {"reason": "locked"}, now)
        return AuthResult(False, "locked", locked_until=status.locked_until)
    stored = password_hash(con, key) if key else None
    if stored is None:
        burn_time(params)
        good = False
    else:
        good = verify_password(password or "", stored)
    user = get_user(con, key) if good else None
    reason = ("bad_credentials" if not good else "disabled" if not user.active
              else "demo_disabled" if user.demo and not is_synthetic(con) else "ok")
    if reason != "ok":
        _record(con, key, now, "failure")
        audit(con, key, "login_failure", {"reason": reason}, now)
        after = lock_status(con, key, now, policy)
        left = max(0, policy.threshold - after.failures) if policy.threshold > 0 else None
        return AuthResult(False, "locked" if after.locked else reason, locked_until=after.locked_until,
                          attempts_left=left)
    if needs_rehash(stored, params):
        replace_hash(con, key, hash_password(password, params))
    _record(con, key, now, "success")
    audit(con, key, "login_success", {"role": user.role}, now)
    return AuthResult(True, "ok", user)


def logout(con: duckdb.DuckDBPyConnection, user, now: dt.datetime | None = None, reason: str = "user") -> None:
    """Record that ``user`` signed out (``reason``: user or timeout)."""
    audit(con, user, "logout", {"reason": reason}, now or _now())


def session_expired(last_activity: dt.datetime | None, now: dt.datetime, timeout_minutes: float) -> bool:
    """True when a session last active at ``last_activity`` has timed out at ``now``.

    No recorded activity counts as expired; ``timeout_minutes <= 0`` switches the timeout off.
    """
    if last_activity is None:
        return True
    if timeout_minutes <= 0:
        return False
    return now - last_activity >= dt.timedelta(minutes=timeout_minutes)

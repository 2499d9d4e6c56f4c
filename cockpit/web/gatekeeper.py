"""Who is at the door: sign-in, sign-out and the check of a session token, for the whole process.

One :class:`Gatekeeper` per server process (:func:`gatekeeper`) serves both sides of the app: the
HTTP layer in front of Streamlit (cockpit/web/routes.py, cockpit/web/guard.py) and the page scripts
(cockpit/ui/auth_view.py), which take the user from the session cookie of their websocket. It holds
what must be shared between them and needs no database write on every page view:

- the last activity of each session, written back to the database at most every few minutes;
- the per-address sign-in throttle (cockpit/web/throttle.py);
- the download grants: which session made which generated file, so that a file under ``/media/``
  is served only to the session that asked for it.

Database access goes through the process's one handle of the file (cockpit/ui/connection.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

import duckdb

from cockpit import settings
from cockpit.auth import audit_log, displays, sessions
from cockpit.auth.login import AuthResult, authenticate, is_synthetic, logout
from cockpit.auth.users import User, get_user
from cockpit.store import StoreError
from cockpit.ui import connection
from cockpit.web.throttle import AddressThrottle

__all__ = ["Identity", "Check", "SignIn", "Gatekeeper", "gatekeeper", "UNAVAILABLE"]

UNAVAILABLE = "unavailable"  # the database could not be read: neither signed in nor signed out
_FLUSH = dt.timedelta(minutes=5)  # write activity back at most this often per session
_GRANT_TTL = dt.timedelta(minutes=30)
_DB_ERRORS = (StoreError, duckdb.Error, OSError)


@dataclass(frozen=True)
class Identity:
    """Who a valid token belongs to: a person's session or a registered display."""

    kind: str  # "user" or "display"
    user: User
    token_hash: str
    session_id: str  # the session's or the display's public id
    display: displays.Display | None = None

    @property
    def is_display(self) -> bool:
        return self.kind == "display"


@dataclass(frozen=True)
class Check:
    """The outcome of checking a token: ``identity`` when valid, else ``reason`` (None: no session)."""

    identity: Identity | None
    reason: str | None = None


@dataclass(frozen=True)
class SignIn:
    result: AuthResult | None  # None when the address was refused before any password check
    token: str | None = None
    retry_at: dt.datetime | None = None


class Gatekeeper:
    def __init__(self) -> None:
        self._seen: dict[str, dt.datetime] = {}  # last activity of each session, in memory
        self._flushed: dict[str, dt.datetime] = {}  # when activity was last written back
        self._grants: dict[tuple[str, str], dt.datetime] = {}
        self._lock = threading.Lock()
        self.throttle = AddressThrottle(int(settings.number("signin_address_failures")),
                                        dt.timedelta(minutes=settings.number("signin_address_minutes")))

    # --- database ----------------------------------------------------------------------------
    @staticmethod
    def db_path() -> str:
        return str(settings.path("db_path"))

    def reading(self):
        """A cursor for reads, through the process's handle of the database."""
        return connection.reading(self.db_path())

    def writing(self):
        """A writable cursor under the write lock (the pages' caches stay valid)."""
        return connection.writing(self.db_path(), data_changed=False)

    # --- checking a token ----------------------------------------------------------------------
    def check(self, token: str | None, now: dt.datetime | None = None, *, active: bool = True) -> Check:
        """Check ``token`` at ``now``. A session past its idle time or lifetime is ended (and the
        sign-out logged). ``active``: this request is the person's own doing and counts as activity
        (a page load, a click); a timed refresh is not."""
        if not token:
            return Check(None)
        now = now or audit_log.now()
        policy = sessions.SessionPolicy.from_settings()
        try:
            with self.reading() as con:
                session = sessions.find_session(con, token)
                display = self._check_display(con, token) if session is None else None
                reason = sessions.why_invalid(session, now, policy, self._seen.get(session.token_hash)) \
                    if session is not None else None
                user = get_user(con, session.user_name) if session is not None and reason is None else None
                synthetic = is_synthetic(con) if user is not None and user.demo else True
            if display is not None:
                if display.identity is not None and active:
                    self._display_seen(display.identity.display, now)
                return display
            if reason in ("timeout", "expired"):
                self._end(session, reason, now)
                return Check(None, reason)
            if reason is not None:
                return Check(None, "signed_out" if reason == "user" else "ended")
            if user is None or not user.active or not synthetic:
                return Check(None, "ended")
            if active:
                self._activity(session, now)
            return Check(Identity("user", user, session.token_hash, session.session_id))
        except _DB_ERRORS:
            return Check(None, UNAVAILABLE)

    def check_user_only(self, name: str) -> Check:
        """The test seam's check (AppTest sends no cookies): ``name``'s account as a session would
        find it (active, a demo account only on the synthetic sample), without a session record."""
        try:
            with self.reading() as con:
                user = get_user(con, name)
                ok = user is not None and user.active and (not user.demo or is_synthetic(con))
        except _DB_ERRORS:
            return Check(None, UNAVAILABLE)
        return Check(Identity("user", user, f"test:{name}", "test")) if ok else Check(None, "ended")

    def _check_display(self, con, token: str) -> Check:
        display = displays.find_display(con, token)
        if display is None:
            return Check(None)
        if not display.active:
            return Check(None, "revoked")
        return Check(Identity("display", displays.display_user(display), sessions.hash_token(token),
                              display.display_id, display))

    def _due(self, key: str, stored: dt.datetime | None, now: dt.datetime) -> bool:
        """True (once per interval) when activity of ``key`` should be written back: a page load
        sends dozens of requests at once, and only one of them should write."""
        with self._lock:
            last = max(filter(None, (stored, self._flushed.get(key))), default=None)
            if last is not None and now - last < _FLUSH:
                return False
            self._flushed[key] = now
            return True

    def _display_seen(self, display: displays.Display, now: dt.datetime) -> None:
        if self._due(display.display_id, display.last_seen, now):
            try:
                with self.writing() as con:
                    displays.seen(con, display.display_id, now)
            except _DB_ERRORS:
                pass

    def _activity(self, session: sessions.WebSession, now: dt.datetime) -> None:
        with self._lock:
            self._seen[session.token_hash] = now
        if self._due(session.token_hash, session.last_seen, now):
            try:
                with self.writing() as con:
                    sessions.touch(con, session.token_hash, now)
            except _DB_ERRORS:
                pass  # kept in memory; written back with a later request

    def _end(self, session: sessions.WebSession, reason: str, now: dt.datetime) -> None:
        try:
            with self.writing() as con:
                if sessions.end_session(con, session.token_hash, reason, now):
                    logout(con, session.user_name, now, reason=reason)
        except _DB_ERRORS:
            pass  # refused anyway; ended on a later request
        with self._lock:
            self._seen.pop(session.token_hash, None)

    # --- signing in and out ------------------------------------------------------------------
    def sign_in(self, name: str, password: str, address: str, user_agent: str = "",
                now: dt.datetime | None = None) -> SignIn:
        """Check a sign-in from ``address``; on success start a session and return its token.
        Raises connection.WriteUnavailable (a StoreError) when the database cannot record it."""
        now = now or audit_log.now()
        verdict = self.throttle.check(address, now)
        if not verdict.allowed:
            if verdict.first_refusal:
                with self.writing() as con:
                    audit_log.audit(con, "", "login_throttled",
                                    {"address": address, "until": verdict.retry_at.isoformat(" ")}, now)
            return SignIn(None, retry_at=verdict.retry_at)
        refused = self.throttle.burst_over(address, now)
        with self.writing() as con:
            if refused:
                audit_log.audit(con, "", "login_throttled", {"address": address, "refused": refused}, now)
            result = authenticate(con, name, password, now)
            token = None
            if result.ok:
                token, _ = sessions.start_session(con, result.user.name, now, client_address=address,
                                                  user_agent=user_agent)
        if result.ok:
            self.throttle.succeeded(address)
        else:
            self.throttle.failed(address, now)
        return SignIn(result, token)

    def sign_out(self, token: str | None, now: dt.datetime | None = None) -> bool:
        """End the session of ``token`` (logged); True when one ended. Tokens of displays are ignored."""
        if not token:
            return False
        now = now or audit_log.now()
        with self.reading() as con:
            session = sessions.find_session(con, token)
        if session is None or session.ended_at is not None:
            return False
        with self.writing() as con:
            ended = sessions.end_session(con, session.token_hash, "user", now)
            if ended:
                logout(con, session.user_name, now)
        with self._lock:
            self._seen.pop(session.token_hash, None)
        return ended

    # --- downloads -----------------------------------------------------------------------------
    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def grant(self, token_hash: str, data: bytes, now: dt.datetime | None = None) -> None:
        """Let the session ``token_hash`` fetch a generated file with these bytes."""
        now = now or audit_log.now()
        with self._lock:
            self._grants = {k: t for k, t in self._grants.items() if now - t < _GRANT_TTL}
            self._grants[(token_hash, self.digest(data))] = now

    def granted(self, token_hash: str, data: bytes, now: dt.datetime | None = None) -> bool:
        """True when the session ``token_hash`` made (was granted) a file with these bytes recently."""
        now = now or audit_log.now()
        with self._lock:
            at = self._grants.get((token_hash, self.digest(data)))
        return at is not None and now - at < _GRANT_TTL


_INSTANCE: Gatekeeper | None = None
_INSTANCE_LOCK = threading.Lock()


def gatekeeper() -> Gatekeeper:
    """The process's gatekeeper (made on first use)."""
    global _INSTANCE
    with _INSTANCE_LOCK:
        if _INSTANCE is None:
            _INSTANCE = Gatekeeper()
        return _INSTANCE

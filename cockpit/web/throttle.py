"""Sign-in attempts per client address: a burst of failures from one address is refused early.

The lock-out per user name (cockpit/auth/login.py) stops guessing one account's password; it does
not stop one client trying many names, each of which costs a password hash (about a second of a
core) and an audit row. :class:`AddressThrottle` counts failures per address in a sliding window:
past ``limit`` the address is refused at once, without a password check, until its oldest counted
failure leaves the window. Other addresses are not affected. Refusals are counted, so that the
audit log gets one summary entry per burst instead of one row per attempt.

Process state: one instance per server, held by the gatekeeper; safe across threads.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from dataclasses import dataclass

__all__ = ["AddressThrottle", "Verdict"]


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt from an address may go ahead; when not, until when it is refused."""

    allowed: bool
    retry_at: dt.datetime | None = None
    first_refusal: bool = False  # the first refusal of this burst (audit it once)


class AddressThrottle:
    """At most ``limit`` failed sign-ins per address within ``window``; ``limit`` 0 turns it off.

    >>> t0 = dt.datetime(2026, 12, 1, 9, 0)
    >>> th = AddressThrottle(limit=2, window=dt.timedelta(minutes=5))
    >>> th.failed("10.0.0.9", t0); th.failed("10.0.0.9", t0)
    >>> th.check("10.0.0.9", t0 + dt.timedelta(seconds=1)).allowed
    False
    >>> th.check("10.0.0.8", t0).allowed
    True
    >>> th.check("10.0.0.9", t0 + dt.timedelta(minutes=5)).allowed
    True
    """

    def __init__(self, limit: int, window: dt.timedelta):
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque] = {}
        self._refused: dict[str, int] = {}
        self._lock = threading.Lock()

    def _prune(self, address: str, now: dt.datetime) -> deque:
        times = self._failures.setdefault(address, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def check(self, address: str, now: dt.datetime) -> Verdict:
        """May an attempt from ``address`` go ahead at ``now``? A refusal is counted."""
        if self.limit <= 0:
            return Verdict(True)
        with self._lock:
            times = self._prune(address, now)
            if len(times) < self.limit:
                return Verdict(True)
            first = address not in self._refused
            self._refused[address] = self._refused.get(address, 0) + 1
            return Verdict(False, times[0] + self.window, first)

    def failed(self, address: str, now: dt.datetime) -> None:
        """Count a failed sign-in from ``address``."""
        if self.limit <= 0:
            return
        with self._lock:
            self._prune(address, now).append(now)
            if len(self._failures) > 10_000:  # forget quiet addresses so memory stays bounded
                for quiet in [a for a, t in self._failures.items() if not t]:
                    del self._failures[quiet]

    def succeeded(self, address: str) -> None:
        """A success from ``address`` clears its count."""
        with self._lock:
            self._failures.pop(address, None)

    def burst_over(self, address: str, now: dt.datetime) -> int:
        """When ``address``'s burst has ended (it is allowed again), how many attempts were refused
        during it (once; 0 otherwise)."""
        with self._lock:
            if address not in self._refused or len(self._prune(address, now)) >= self.limit:
                return 0
            return self._refused.pop(address)

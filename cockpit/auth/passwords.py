"""Password hashing with scrypt (``hashlib.scrypt``): a memory-hard KDF from the standard library.

A stored hash carries its own parameters and salt, so parameters can be raised later and old
hashes still verify (and are rehashed on the next successful login, see :func:`needs_rehash`)::

    scrypt$n=131072$r=8$p=1$<salt, base64>$<derived key, base64>

Plain passwords are never stored; derived keys are compared with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

__all__ = ["ScryptParams", "DEFAULT_PARAMS", "DEMO_PARAMS", "hash_password", "verify_password",
           "needs_rehash", "params_of", "burn_time"]

_SCHEME = "scrypt"
_SALT_BYTES = 16
_KEY_BYTES = 32
# Bounds accepted from a stored hash, so a crafted row cannot make verification exhaust memory.
_MAX_LOG2_N, _MAX_R, _MAX_P = 20, 32, 16


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters: ``n`` (CPU/memory cost, a power of two), ``r`` (block size), ``p``."""

    n: int
    r: int
    p: int

    def __post_init__(self):
        if self.n < 2 or self.n & (self.n - 1) or self.n > 2 ** _MAX_LOG2_N:
            raise ValueError(f"scrypt n must be a power of two between 2 and 2**{_MAX_LOG2_N}, got {self.n}")
        if not 1 <= self.r <= _MAX_R or not 1 <= self.p <= _MAX_P:
            raise ValueError(f"scrypt r must be in 1..{_MAX_R} and p in 1..{_MAX_P}, got r={self.r}, p={self.p}")

    @property
    def maxmem(self) -> int:
        """Memory limit handed to OpenSSL: what the parameters need, plus a margin."""
        return 128 * self.r * (self.n + self.p + 2) + (1 << 20)


DEFAULT_PARAMS = ScryptParams(n=2 ** 17, r=8, p=1)
"""OWASP's minimum for scrypt (128 MiB, about a second on a small server)."""

DEMO_PARAMS = ScryptParams(n=2 ** 14, r=8, p=1)
"""Cheaper parameters for the sample's demo accounts, whose passwords are published anyway;
they are raised to :data:`DEFAULT_PARAMS` on the first successful login."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _derive(password: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=params.n, r=params.r, p=params.p,
                          maxmem=params.maxmem, dklen=_KEY_BYTES)


def hash_password(password: str, params: ScryptParams = DEFAULT_PARAMS, salt: bytes | None = None) -> str:
    """Return the stored form of ``password``: scheme, parameters, a fresh random salt and the key.

    ``salt`` is for reproducible fixtures only (the generated sample); leave it out otherwise.
    """
    if not isinstance(password, str) or not password:
        raise ValueError("password must be a non-empty string")
    salt = os.urandom(_SALT_BYTES) if salt is None else salt
    if len(salt) < _SALT_BYTES:
        raise ValueError(f"salt must be at least {_SALT_BYTES} bytes")
    key = _derive(password, salt, params)
    return f"{_SCHEME}$n={params.n}$r={params.r}$p={params.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[ScryptParams, bytes, bytes] | None:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != _SCHEME or not (n.startswith("n=") and r.startswith("r=") and p.startswith("p=")):
            return None
        params = ScryptParams(int(n[2:]), int(r[2:]), int(p[2:]))
        return params, _unb64(salt), _unb64(key)
    except (AttributeError, ValueError):
        return None


def params_of(stored: str) -> ScryptParams | None:
    """The parameters a stored hash was made with, or None when it is not a hash of ours."""
    parsed = _parse(stored)
    return parsed[0] if parsed else None


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; the keys are compared in constant time.

    A malformed ``stored`` value never matches (and never raises).
    """
    parsed = _parse(stored)
    if parsed is None or not isinstance(password, str):
        burn_time(DEFAULT_PARAMS)
        return False
    params, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, params), key)


def needs_rehash(stored: str, params: ScryptParams = DEFAULT_PARAMS) -> bool:
    """True when ``stored`` was made with other parameters than ``params`` (rehash on next login)."""
    return params_of(stored) != params


def burn_time(params: ScryptParams = DEFAULT_PARAMS) -> None:
    """Spend the time of one verification: used for unknown user names, so that a login attempt
    takes as long whether or not the name exists."""
    hmac.compare_digest(_derive("-", b"\0" * _SALT_BYTES, params), b"\0" * _KEY_BYTES)

"""Password hashing: scrypt with per-user salt and stored parameters, constant-time comparison."""

import hashlib

import pytest

from cockpit.auth import passwords as pw
from cockpit.auth.passwords import DEFAULT_PARAMS, ScryptParams, hash_password, needs_rehash, params_of, \
    verify_password
from tests.auth_fixtures import FAST


def test_hash_is_never_the_password_and_carries_its_parameters():
    stored = hash_password("correct horse", FAST)
    assert "correct horse" not in stored
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "n=256", "r=8", "p=1")
    assert params_of(stored) == FAST
    assert len(pw._unb64(salt)) == 16 and len(pw._unb64(key)) == 32


def test_the_key_is_scrypt_of_password_and_salt():
    stored = hash_password("correct horse", FAST)
    salt, key = (pw._unb64(x) for x in stored.split("$")[-2:])
    assert hashlib.scrypt(b"correct horse", salt=salt, n=256, r=8, p=1, dklen=32) == key


def test_salt_differs_per_hash():
    a, b = hash_password("same password", FAST), hash_password("same password", FAST)
    assert a != b and a.split("$")[4] != b.split("$")[4]
    assert verify_password("same password", a) and verify_password("same password", b)


@pytest.mark.parametrize("attempt", ["wrong", "correct hors", "correct horse ", "Correct horse", ""])
def test_wrong_password_fails(attempt):
    assert not verify_password(attempt, hash_password("correct horse", FAST))


def test_unicode_password():
    stored = hash_password("密码很长很长-2026", FAST)
    assert verify_password("密码很长很长-2026", stored) and not verify_password("密码很长很长-2025", stored)


def test_comparison_is_constant_time(monkeypatch):
    calls = []
    real = pw.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(pw.hmac, "compare_digest", spy)
    stored = hash_password("correct horse", FAST)
    assert verify_password("correct horse", stored)
    assert not verify_password("wrong", stored)
    assert len(calls) == 2 and all(isinstance(a, bytes) and len(a) == 32 for a, _ in calls)


@pytest.mark.parametrize("stored", ["", "plain-text", "md5$abc", "scrypt$n=3$r=8$p=1$AAAA$AAAA",
                                    "scrypt$n=256$r=8$p=1$!!!$AAAA", "scrypt$n=2097152$r=8$p=1$AAAA$AAAA",
                                    "scrypt$n=256$r=99$p=1$AAAA$AAAA"])
def test_malformed_stored_values_never_match(stored, monkeypatch):
    burned = []
    monkeypatch.setattr(pw, "burn_time", lambda params=None: burned.append(params))
    assert verify_password("anything", stored) is False
    assert burned == [DEFAULT_PARAMS]  # as slow as a real check
    assert params_of(stored) is None


def test_needs_rehash_when_parameters_change():
    stored = hash_password("correct horse", FAST)
    assert needs_rehash(stored, DEFAULT_PARAMS)
    assert not needs_rehash(stored, FAST)
    assert needs_rehash("garbage", FAST)


def test_defaults_are_owasp_strength():
    assert DEFAULT_PARAMS.n >= 2 ** 17 and DEFAULT_PARAMS.r >= 8 and DEFAULT_PARAMS.p >= 1


@pytest.mark.parametrize("n,r,p", [(1000, 8, 1), (1, 8, 1), (2 ** 21, 8, 1), (256, 0, 1), (256, 8, 0)])
def test_bad_parameters_are_refused(n, r, p):
    with pytest.raises(ValueError, match="scrypt"):
        ScryptParams(n, r, p)


def test_empty_password_or_short_salt_refused():
    with pytest.raises(ValueError, match="non-empty"):
        hash_password("", FAST)
    with pytest.raises(ValueError, match="salt"):
        hash_password("x" * 10, FAST, salt=b"short")


def test_seeded_salt_is_reproducible():
    salt = bytes(range(16))
    assert hash_password("demo-admin", FAST, salt=salt) == hash_password("demo-admin", FAST, salt=salt)

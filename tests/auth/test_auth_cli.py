"""``python -m cockpit users add|passwd|role|disable|enable|list`` on a temporary tiny township."""

import io

import duckdb
import pytest

from cockpit.auth import cli as users_cli
from cockpit.auth.audit_log import AuditFilter, read_audit
from cockpit.auth.login import LoginPolicy, authenticate
from cockpit.auth.passwords import DEFAULT_PARAMS
from cockpit.cli import main
from tests.auth_fixtures import VILLAGE_B, copy_database


@pytest.fixture
def db(tiny, tmp_path):
    return str(copy_database(tiny, tmp_path))


def _users(db, *args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["users", *args, "--db", db])


def _login(db, name, password):
    con = duckdb.connect(db)
    try:
        return authenticate(con, name, password, policy=LoginPolicy(), params=DEFAULT_PARAMS)
    finally:
        con.close()


def test_first_administrator_then_list(db, monkeypatch, capsys):
    assert _users(db, "add", "Admin", "--role", "administrator", "--password-stdin",
                  stdin="first admin pw\n", monkeypatch=monkeypatch) == 0
    assert "added admin (administrator)" in capsys.readouterr().out
    assert _users(db, "add", "zhang", "--role", "village_secretary", "--village", VILLAGE_B,
                  "--display-name", "张三", "--password-stdin", stdin="secretary pw\n", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    assert _users(db, "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:5] == ["name", "role", "active", "demo", "villages"]
    assert out[1].split() == ["admin", "administrator", "yes"]
    assert out[2].split() == ["zhang", "village_secretary", "yes", VILLAGE_B, "张三"]
    assert _login(db, "admin", "first admin pw").ok
    con = duckdb.connect(db)
    log = read_audit(con, AuditFilter(events=("user_change",)))
    con.close()
    assert len(log) == 2 and all(u.startswith("cli") for u in log["user_name"])


def test_passwd_disable_enable_role(db, monkeypatch, capsys):
    _users(db, "add", "li", "--role", "leader", "--password-stdin", stdin="old password\n", monkeypatch=monkeypatch)
    assert _users(db, "passwd", "li", "--password-stdin", stdin="new password\n", monkeypatch=monkeypatch) == 0
    assert "password of li changed" in capsys.readouterr().out
    assert _login(db, "li", "new password").ok and not _login(db, "li", "old password").ok
    assert _users(db, "disable", "li") == 0
    assert _login(db, "li", "new password").reason == "disabled"
    assert _users(db, "enable", "li") == 0
    assert _users(db, "role", "li", "--role", "village_secretary", "--village", VILLAGE_B) == 0
    assert "li is now village_secretary" in capsys.readouterr().out


def test_passwords_are_asked_twice_without_echo(db, monkeypatch, capsys):
    answers = iter(["typed password", "typed password", "one password", "another one"])
    monkeypatch.setattr(users_cli.getpass, "getpass", lambda prompt="": next(answers))
    assert _users(db, "add", "wang", "--role", "planner") == 0
    assert _users(db, "add", "zhao", "--role", "planner") == 2
    assert "the two passwords differ" in capsys.readouterr().err


@pytest.mark.parametrize("args,stdin,message", [
    (["add", "x", "--role", "leader", "--password-stdin"], "short\n", "password too short"),
    (["add", "x y", "--role", "leader", "--password-stdin"], "long enough pw\n", "invalid"),
    (["add", "x", "--role", "village_secretary", "--password-stdin"], "long enough pw\n", "at least one village"),
    (["passwd", "ghost", "--password-stdin"], "long enough pw\n", "no user called"),
    (["disable", "ghost"], None, "no user called"),
])
def test_errors_exit_2_without_traceback(db, monkeypatch, capsys, args, stdin, message):
    assert _users(db, *args, stdin=stdin, monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err


def test_missing_database(tmp_path, capsys):
    assert main(["users", "list", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "init-db" in capsys.readouterr().err


def test_the_last_administrator_cannot_be_disabled(db, monkeypatch, capsys):
    _users(db, "add", "root", "--role", "administrator", "--password-stdin", stdin="root password\n",
           monkeypatch=monkeypatch)
    assert _users(db, "disable", "root") == 2
    assert "last active administrator" in capsys.readouterr().err


def test_password_is_not_an_argument():
    with pytest.raises(SystemExit):
        main(["users", "add", "x", "--role", "leader", "--password", "visible-in-ps"])

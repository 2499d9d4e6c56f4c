"""One owner of the database (cockpit/store/owner.py): a running app claims its file; a second app
and command-line writes are refused with a message naming it; a sign-in while another program
holds the file for a moment waits, then says so and keeps the name typed in."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cockpit.store.owner import DatabaseOwned, OwnerLock, current_owner, owner_path

ROOT = Path(__file__).resolve().parents[2]

_HOLD = """import sys, time
from cockpit.store.owner import OwnerLock
OwnerLock(sys.argv[1]).acquire()
print("ready", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held(fresh_db):
    """Another process (an app) owns ``fresh_db``; yields its pid."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(fresh_db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cockpit", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def _counts(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("cases", "users", "audit_log"))
    finally:
        con.close()


def test_a_second_claim_names_the_first(held, fresh_db):
    owner = current_owner(fresh_db)
    assert owner.pid == held
    with pytest.raises(DatabaseOwned, match=rf"in use by the cockpit app \(process {held} on "):
        OwnerLock(fresh_db).acquire()


def test_the_claim_ends_with_the_process(fresh_db):
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(fresh_db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.kill()  # however it ends: the operating system drops the lock
    proc.wait()
    assert owner_path(fresh_db).exists() and current_owner(fresh_db) is None
    OwnerLock(fresh_db).acquire()


@pytest.mark.parametrize(("command", "advice"), [
    (["users", "add", "zhang", "--role", "viewer"], "Users and audit page"),
    (["import", "cases", str(ROOT / "sample_data" / "cases.csv")], "Data page"),
    (["init-db", "--replace"], "cannot be built or replaced under a running app"),
])
def test_command_line_writes_are_refused_while_an_app_owns_the_file(held, fresh_db, command, advice):
    before = _counts(fresh_db)
    done = _cli(*command, "--db", str(fresh_db))
    assert done.returncode != 0
    assert re.search(rf"in use by the cockpit app \(process {held} on .*{advice}.*Nothing was changed",
                     done.stderr + done.stdout, re.S), done.stderr
    assert _counts(fresh_db) == before


def test_sign_in_while_another_program_holds_the_file_waits_then_keeps_the_name(fresh_db, monkeypatch):
    from starlette.testclient import TestClient

    from cockpit.ui import connection
    from cockpit.web.gatekeeper import Gatekeeper
    from tests.web.test_web_guard import _behind_the_guard

    monkeypatch.setenv("COCKPIT_DB", str(fresh_db))
    monkeypatch.setattr(connection, "WRITE_WAIT_SECONDS", 1.0)
    client = TestClient(_behind_the_guard(Gatekeeper()), follow_redirects=False)
    page = client.get("/auth/login", params={"lang": "en"})  # the app has the file open (read-only)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], "
                               "read_only=True); print('ready', flush=True); time.sleep(120)", str(fresh_db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        busy = client.post("/auth/login?lang=en", data={"csrf": csrf, "next": "/", "name": "leader",
                                                        "password": "demo-leader"})
        assert busy.status_code == 503 and "The database is busy" in busy.text
        assert 'value="leader"' in busy.text and "Traceback" not in busy.text
    finally:
        reader.kill()
        reader.wait()
    page = client.get("/auth/login", params={"lang": "en"})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    done = client.post("/auth/login?lang=en", data={"csrf": csrf, "next": "/", "name": "leader",
                                                    "password": "demo-leader"})
    assert done.status_code == 303  # the moment the other program lets go, sign-in works again

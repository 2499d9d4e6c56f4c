"""One app per database file (cockpit/store/owner.py): a second server on the same file refuses to
start and names the first, which keeps signing people in. Plain HTTP, no browser needed."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import urllib.parse
import urllib.request

import duckdb
import pytest

from tests.e2e.conftest import PROJECT_ROOT, start_streamlit


def _sign_in(base: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/auth/login?lang=en", timeout=30).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "next": "/map", "name": "leader", "password": "demo-leader"})
    with opener.open(f"{base}/auth/login?lang=en", data=form.encode(), timeout=60) as done:
        assert done.url.endswith("/map")  # followed the redirect, signed in
        return done.status


def test_a_second_server_on_the_same_file_refuses_and_the_first_keeps_working(sample_db, tmp_path):
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    env = {"COCKPIT_DB": str(db)}
    with start_streamlit(PROJECT_ROOT / "serve.py", env=env) as first:
        with pytest.raises(RuntimeError) as refused:
            with start_streamlit(PROJECT_ROOT / "serve.py", env=env, timeout_s=60):
                pass
        message = str(refused.value)
        assert "will not start" in message and str(db) in message and "in use by the cockpit app (process" in message
        assert _sign_in(first) == 200
        with pytest.raises(duckdb.IOException, match="lock"):  # held alone: not even a reader gets in
            duckdb.connect(str(db), read_only=True)

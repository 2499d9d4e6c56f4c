"""The HTTP boundary: the sign-in routes (cockpit/web/routes.py) and the session guard in front of
everything Streamlit serves (cockpit/web/guard.py), driven with Starlette's TestClient.

A stand-in for Streamlit answers behind the guard: pages (``/``, ``/map``, ``/command``), the
websocket ``/_stcore/stream``, ``/_stcore/metrics`` and ``/media/…`` (a downloadable CSV and an
image). What the real Streamlit serves behind the same guard is proven in Chromium
(tests/e2e/test_sessions.py)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import duckdb
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from cockpit.auth import displays, sessions
from cockpit.auth.audit_log import AuditFilter, read_audit
from cockpit.auth.users import add_user, set_active
from cockpit.web.gatekeeper import Gatekeeper
from cockpit.web.guard import SessionGuard
from cockpit.web.routes import CSRF_COOKIE, auth_routes
from tests.auth_fixtures import FAST, copy_database

CSV = b"case_id,name\nC1,Zhang San\n"
PNG = b"\x89PNG fake image"
MEDIA = {"aaa": SimpleNamespace(content=CSV, kind="MediaFileKind.DOWNLOADABLE"),
         "bbb": SimpleNamespace(content=PNG, kind="MediaFileKind.MEDIA")}


@pytest.fixture
def db(tiny, tmp_path, monkeypatch):
    path = copy_database(tiny, tmp_path)
    con = duckdb.connect(str(path))
    add_user(con, "root", "root password", "administrator", params=FAST)
    add_user(con, "li", "right password", "leader", params=FAST)
    con.close()
    monkeypatch.setenv("COCKPIT_DB", str(path))
    monkeypatch.setenv("COCKPIT_SIGNIN_ADDRESS_FAILURES", "3")
    monkeypatch.setenv("COCKPIT_TRUSTED_PROXY", "testclient")
    return path


@pytest.fixture
def keeper(db):
    return Gatekeeper()


def _behind_the_guard(keeper: Gatekeeper) -> Starlette:
    async def page(request):
        return PlainTextResponse(f"page {request.url.path}")

    async def media(request):
        item = MEDIA.get(request.path_params["name"].split(".")[0])
        return Response(item.content) if item else PlainTextResponse("missing", 404)

    async def stream(websocket):
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    routes = auth_routes(keeper) + [
        Route("/", page), Route("/map", page), Route("/command", page),
        Route("/_stcore/health", lambda r: PlainTextResponse("ok")),
        Route("/_stcore/metrics", lambda r: PlainTextResponse("metrics")),
        Route("/media/{name}", media), WebSocketRoute("/_stcore/stream", stream)]
    return Starlette(routes=routes, middleware=[Middleware(SessionGuard, media_file=MEDIA.get, keeper=keeper)])


@pytest.fixture
def client(keeper):
    return TestClient(_behind_the_guard(keeper), follow_redirects=False)


def _sign_in(client, name="li", password="right password", next_path="/map", address="10.0.0.1"):
    page = client.get("/auth/login", params={"next": next_path, "lang": "en"})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/auth/login?lang=en", data={"csrf": csrf, "next": next_path, "name": name, "password": password},
                       headers={"x-forwarded-for": address})


def _audit(keeper, event):
    with keeper.reading() as con:
        return read_audit(con, AuditFilter(events=(event,)))


# -- a stranger gets nothing ------------------------------------------------------------------

def test_without_a_session_nothing_is_served(client):
    page = client.get("/map", params={"village": "1"})
    assert page.status_code == 303
    assert page.headers["location"] == "/auth/login?next=%2Fmap%3Fvillage%3D1"
    for url in ("/_stcore/metrics", "/media/aaa.csv", "/media/bbb.png"):
        assert client.get(url).status_code == 401, url
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/_stcore/stream") as ws:
            ws.receive_text()
    assert client.get("/_stcore/health").text == "ok"


def test_a_forged_cookie_gets_nothing(client):
    client.cookies.set(sessions.COOKIE, "not-a-real-token")
    assert client.get("/").status_code == 303
    assert client.get("/media/bbb.png").status_code == 401


# -- signing in ------------------------------------------------------------------------------

def test_sign_in_page_is_bilingual_and_protected_against_csrf(client):
    zh = client.get("/auth/login", params={"lang": "zh"})
    assert zh.status_code == 200 and "登录" in zh.text and 'lang="zh-CN"' in zh.text
    assert CSRF_COOKIE in zh.cookies and "httponly" in zh.headers["set-cookie"].lower()
    en = client.get("/auth/login", params={"lang": "en"})
    assert "User name" in en.text and "Password" in en.text
    refused = client.post("/auth/login", data={"csrf": "guess", "name": "li", "password": "right password"})
    assert refused.status_code == 403 and sessions.COOKIE not in refused.cookies


def test_sign_in_sets_an_httponly_strict_cookie_and_opens_everything(client, keeper):
    done = _sign_in(client)
    assert done.status_code == 303 and done.headers["location"] == "/map"
    cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith(sessions.COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert client.get("/map").text == "page /map"
    assert client.get("/_stcore/metrics").status_code == 200
    with client.websocket_connect("/_stcore/stream") as ws:
        assert ws.receive_text() == "hello"
    assert client.get("/auth/login", params={"next": "/map"}).headers["location"] == "/map"  # already in
    log = _audit(keeper, "login_success")
    assert log["user_name"].tolist() == ["li"]


def test_cookie_is_secure_behind_an_https_proxy(client):
    page = client.get("/auth/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    done = client.post("/auth/login", data={"csrf": csrf, "next": "/", "name": "li", "password": "right password"},
                       headers={"x-forwarded-proto": "https", "x-forwarded-for": "10.0.0.1"})
    assert "Secure" in next(h for h in done.headers.get_list("set-cookie") if h.startswith(sessions.COOKIE))


def test_wrong_password_says_so_and_sets_no_cookie(client):
    failed = _sign_in(client, password="wrong")
    assert failed.status_code == 401 and "Wrong user name or password." in failed.text
    assert sessions.COOKIE not in failed.cookies
    assert 'value="li"' in failed.text  # the name stays typed in


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/auth/logout"])
def test_no_redirect_away_after_sign_in(client, target):
    assert _sign_in(client, next_path=target).headers["location"] == "/"


def test_typed_text_is_escaped_on_the_page(client):
    failed = _sign_in(client, name='<img src=x onerror=alert(1)>', password="x")
    assert "<img src=x" not in failed.text and "&lt;img src=x onerror=alert(1)&gt;" in failed.text


# -- sessions end ----------------------------------------------------------------------------

def test_sign_out_ends_the_session_server_side(client, keeper):
    _sign_in(client)
    token = client.cookies.get(sessions.COOKIE)
    out = client.get("/auth/logout")
    assert out.status_code == 303 and "reason=signed_out" in out.headers["location"]
    client.cookies.set(sessions.COOKIE, token)  # a copy of the old cookie is worth nothing
    assert client.get("/map").status_code == 303
    assert client.get("/_stcore/metrics").status_code == 401
    with keeper.reading() as con:
        assert sessions.find_session(con, token).end_reason == "user"
    assert _audit(keeper, "logout")["user_name"].tolist() == ["li"]


def test_idle_session_is_refused_with_the_reason_and_logged(client, keeper, monkeypatch):
    _sign_in(client)
    token = client.cookies.get(sessions.COOKIE)
    later = dt.datetime.now() + dt.timedelta(minutes=31)
    assert keeper.check(token, later).reason == "timeout"
    assert client.get("/map").headers["location"].endswith("reason=timeout")
    assert '"reason": "timeout"' in _audit(keeper, "logout")["detail"].iloc[0]


def test_a_disabled_account_is_refused_at_once(client, keeper):
    _sign_in(client)
    assert client.get("/map").status_code == 200
    with keeper.writing() as con:
        set_active(con, "li", False, by="root")
    assert client.get("/map").status_code == 303


def test_a_session_survives_a_new_gatekeeper(client, keeper, db):
    """A server restart keeps sessions: they live in the database, not in the process."""
    _sign_in(client)
    token = client.cookies.get(sessions.COOKIE)
    restarted = TestClient(_behind_the_guard(Gatekeeper()), follow_redirects=False)
    restarted.cookies.set(sessions.COOKIE, token)
    assert restarted.get("/map").text == "page /map"


# -- downloads -------------------------------------------------------------------------------

def test_a_made_file_goes_only_to_the_session_that_made_it(client, keeper):
    _sign_in(client)
    mine = sessions.hash_token(client.cookies.get(sessions.COOKIE))
    assert client.get("/media/aaa.csv").status_code == 403  # not made by this session
    keeper.grant(mine, CSV)
    assert client.get("/media/aaa.csv").content == CSV
    assert client.get("/media/bbb.png").content == PNG  # images: any signed-in session
    other = TestClient(_behind_the_guard(keeper), follow_redirects=False)
    _sign_in(other, name="root", password="root password", address="10.0.0.2")
    assert other.get("/media/aaa.csv").status_code == 403
    client.get("/auth/logout")
    client.cookies.set(sessions.COOKIE, "")
    assert client.get("/media/aaa.csv").status_code == 401


# -- wall displays ---------------------------------------------------------------------------

def test_a_display_sees_the_command_screen_only_until_revoked(client, keeper):
    with keeper.writing() as con:
        token, display = displays.register_display(con, "Wall", "en", "on_time_rate", by="root",
                                                   now=dt.datetime.now())
    opened = client.get(f"/auth/display/{token}")
    assert opened.status_code == 303
    assert opened.headers["location"] == "/command?kiosk=1&lang=en&metric=on_time_rate"
    assert "HttpOnly" in opened.headers["set-cookie"]
    assert client.get("/command").text == "page /command"
    assert client.get("/map").headers["location"].startswith("/command?kiosk=1")
    assert client.get("/").headers["location"].startswith("/command?kiosk=1")
    assert client.get("/_stcore/metrics").status_code == 403
    # the frontend's probe of a base path under the page must fail (not redirect), so that it
    # falls back to "/" and connects
    assert client.get("/command/_stcore/health").status_code == 403
    assert client.get("/media/bbb.png").status_code == 200
    keeper.grant(sessions.hash_token(token), CSV)
    assert client.get("/media/aaa.csv").status_code == 403  # a display downloads nothing
    with client.websocket_connect("/_stcore/stream") as ws:
        assert ws.receive_text() == "hello"
    with keeper.writing() as con:
        displays.revoke_display(con, display.display_id, by="root", now=dt.datetime.now())
    assert client.get("/command").headers["location"].endswith("reason=revoked")
    assert client.get(f"/auth/display/{token}").status_code == 403
    assert client.get("/auth/display/not-a-token").status_code == 403


# -- a burst of wrong sign-ins from one address ----------------------------------------------

@pytest.mark.slow
def test_a_burst_from_one_address_is_refused_while_others_sign_in(client, keeper):
    for _ in range(3):
        assert _sign_in(client, name="nobody", password="x", address="10.9.9.9").status_code == 401
    with keeper.reading() as con:
        attempts = con.execute("SELECT count(*) FROM login_attempts").fetchone()[0]
    for _ in range(5):
        refused = _sign_in(client, name=f"user{_}", password="x", address="10.9.9.9")
        assert refused.status_code == 429 and refused.headers["retry-after"]
    refused_right = _sign_in(client, address="10.9.9.9")  # even the right password waits
    assert refused_right.status_code == 429
    with keeper.reading() as con:  # refused before any password check: no attempts recorded
        assert con.execute("SELECT count(*) FROM login_attempts").fetchone()[0] == attempts
    assert _sign_in(client, address="10.0.0.5").status_code == 303  # another address is not slowed
    throttled = _audit(keeper, "login_throttled")
    assert len(throttled) == 1 and "10.9.9.9" in throttled["detail"].iloc[0]  # one entry for the burst


def test_a_database_without_accounts_explains_the_first_administrator(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(copy_database(tiny, tmp_path)))
    page = TestClient(_behind_the_guard(Gatekeeper())).get("/auth/login", params={"lang": "en"})
    assert "python -m cockpit users add NAME --role administrator" in page.text
    assert "demo-accounts" not in page.text  # no demo accounts in this database


def test_the_demo_table_is_shown_only_on_the_synthetic_sample(fresh_db, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(fresh_db))
    keeper = Gatekeeper()
    client = TestClient(_behind_the_guard(keeper))
    page = client.get("/auth/login", params={"lang": "zh"})
    assert page.text.count("<tr>") == 1 + 6 and "demo-leader" in page.text and "乡镇领导" in page.text
    with keeper.writing() as con:
        con.execute("UPDATE meta SET value = 'false' WHERE key = 'synthetic'")  # as any import of real data does
    page = client.get("/auth/login", params={"lang": "zh"})
    assert "demo-leader" not in page.text and "演示账号" not in page.text

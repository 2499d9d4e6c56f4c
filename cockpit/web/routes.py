"""The sign-in routes, outside the Streamlit script: ``/auth/login``, ``/auth/logout``, ``/auth/display/…``.

``GET /auth/login`` shows the bilingual sign-in page (cockpit/web/login_page.py) with a CSRF token
(double submit: a hidden field and an HttpOnly cookie that must match). ``POST /auth/login`` checks
the password as the app always has (lock-out per name, audit entry), refuses a burst from one
address early (cockpit/web/throttle.py), and on success sets the session cookie: HttpOnly,
SameSite=Strict, Secure over HTTPS, holding a random token whose hash the database keeps.
``/auth/logout`` ends the session server-side and clears the cookie. ``/auth/display/{token}`` turns
a browser into a registered wall display (cockpit/auth/displays.py).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import urlencode

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from cockpit import settings
from cockpit.auth import displays, sessions
from cockpit.auth.demo import offered_demo_accounts
from cockpit.auth.roles import role
from cockpit.auth.users import list_users
from cockpit.i18n import Translator, normalize_language
from cockpit.store import StoreError
from cockpit.web.client import client_address, is_https, landing, safe_next
from cockpit.web.gatekeeper import Gatekeeper, gatekeeper
from cockpit.web.login_page import login_message, render_login, render_message

__all__ = ["auth_routes", "CSRF_COOKIE", "login_notice"]

CSRF_COOKIE = "cockpit_csrf"
_LOG = logging.getLogger("cockpit.web")
_DISPLAY_COOKIE_DAYS = 3650


def _language(request: Request) -> Translator:
    asked = request.query_params.get("lang")
    if not asked:
        accept = request.headers.get("accept-language", "")
        asked = accept.split(",")[0] if accept else None
    return Translator(normalize_language(asked, settings.get("default_language")))


def login_notice(t: Translator, reason: str | None) -> str | None:
    """Why the sign-in page is shown, from the ``reason`` the guard or the app gives (None: no notice)."""
    if reason == "timeout":
        return t("auth.timed_out", minutes=f"{settings.number('session_timeout_minutes'):g}")
    known = {"expired": "auth.expired", "ended": "auth.ended", "revoked": "auth.display_revoked",
             "signed_out": "auth.signed_out"}
    return t(known[reason]) if reason in known else None


def _set_cookie(response: Response, request: Request, name: str, value: str, *, max_age: int | None,
                path: str = "/") -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="strict",
                        secure=is_https(request.scope))


def _login_page(request: Request, keeper: Gatekeeper, t: Translator, *, next_path: str, notice=None, error=None,
                name: str = "", status: int = 200) -> Response:
    csrf = secrets.token_urlsafe(24)
    try:
        with keeper.reading() as con:
            demo = [(a.name, a.password, t(role(a.role).name_key)) for a in offered_demo_accounts(con)]
            no_users = not list_users(con)
    except StoreError as exc:
        return _unavailable(t, exc)
    html = render_login(t, csrf=csrf, next_path=next_path, notice=notice, error=error, name=name,
                        demo_rows=demo, no_users=no_users)
    response = HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
    _set_cookie(response, request, CSRF_COOKIE, csrf, max_age=3600, path="/auth")
    return response


def _unavailable(t: Translator, exc: Exception) -> Response:
    _LOG.warning("sign-in page: database unavailable: %s", exc)
    return HTMLResponse(render_message(t, t("auth.unavailable_title"), t("auth.unavailable")), status_code=503,
                        headers={"retry-after": "10", "cache-control": "no-store"})


def _routes(keeper_of) -> list[Route]:
    async def login(request: Request) -> Response:
        keeper: Gatekeeper = keeper_of()
        t = _language(request)
        if request.method == "GET":
            next_path = safe_next(request.query_params.get("next"))
            token = request.cookies.get(sessions.COOKIE)
            check = await anyio.to_thread.run_sync(keeper.check, token)
            if check.identity is not None and not check.identity.is_display:
                return RedirectResponse(next_path, status_code=303)
            response = await anyio.to_thread.run_sync(
                lambda: _login_page(request, keeper, t, next_path=next_path,
                                    notice=login_notice(t, request.query_params.get("reason"))))
            if token and check.identity is None:
                response.delete_cookie(sessions.COOKIE, path="/")
            return response
        form = await request.form()
        next_path = safe_next(str(form.get("next") or ""))
        sent, kept = str(form.get("csrf") or ""), request.cookies.get(CSRF_COOKIE) or ""
        if not kept or not hmac.compare_digest(sent, kept):
            return await anyio.to_thread.run_sync(
                lambda: _login_page(request, keeper, t, next_path=next_path, error=t("auth.csrf"), status=403))
        name, password = str(form.get("name") or "")[:64], str(form.get("password") or "")[:256]
        address = client_address(request.scope)
        try:
            outcome = await anyio.to_thread.run_sync(
                keeper.sign_in, name, password, address, request.headers.get("user-agent", ""))
        except StoreError as exc:  # the name stays typed in; the message says why and what to do
            _LOG.warning("sign-in: database busy: %s", exc)
            return await anyio.to_thread.run_sync(
                lambda: _login_page(request, keeper, t, next_path=next_path, name=name, status=503,
                                    error=t("auth.busy", error=str(exc))))
        if outcome.result is None:
            page = await anyio.to_thread.run_sync(
                lambda: _login_page(request, keeper, t, next_path=next_path, name=name, status=429,
                                    error=t("auth.throttled", time=outcome.retry_at.strftime("%H:%M:%S"))))
            page.headers["retry-after"] = "60"
            return page
        if not outcome.result.ok:
            return await anyio.to_thread.run_sync(
                lambda: _login_page(request, keeper, t, next_path=next_path, name=name, status=401,
                                    error=login_message(t, outcome.result)))
        response = RedirectResponse(landing(outcome.result.user, next_path), status_code=303)
        lifetime = settings.number("session_lifetime_hours")
        _set_cookie(response, request, sessions.COOKIE, outcome.token,
                    max_age=int(lifetime * 3600) if lifetime > 0 else None)
        response.delete_cookie(CSRF_COOKIE, path="/auth")
        return response

    async def logout(request: Request) -> Response:
        keeper: Gatekeeper = keeper_of()
        try:
            await anyio.to_thread.run_sync(keeper.sign_out, request.cookies.get(sessions.COOKIE))
        except StoreError as exc:
            return _unavailable(_language(request), exc)
        lang = _language(request).lang
        response = RedirectResponse(f"/auth/login?reason=signed_out&lang={lang}", status_code=303)
        response.delete_cookie(sessions.COOKIE, path="/")
        return response

    async def display(request: Request) -> Response:
        keeper: Gatekeeper = keeper_of()
        token = request.path_params["token"]
        t = _language(request)

        def find():
            with keeper.reading() as con:
                return displays.find_display(con, token)

        try:
            found = await anyio.to_thread.run_sync(find)
        except StoreError as exc:
            return _unavailable(t, exc)
        if found is None or not found.active:
            return HTMLResponse(render_message(t, t("auth.display_title"), t("auth.display_revoked")),
                                status_code=403)
        query = urlencode({"kiosk": "1", "lang": found.lang, "metric": found.metric})
        response = RedirectResponse(f"/command?{query}", status_code=303)
        _set_cookie(response, request, sessions.COOKIE, token, max_age=_DISPLAY_COOKIE_DAYS * 86400)
        return response

    return [Route("/auth/login", login, methods=["GET", "POST"]),
            Route("/auth/logout", logout, methods=["GET", "POST"]),
            Route("/auth/display/{token}", display, methods=["GET"])]


def auth_routes(keeper: Gatekeeper | None = None) -> list[Route]:
    """The sign-in routes, served by ``keeper`` (default: the process's gatekeeper)."""
    return _routes(lambda: keeper or gatekeeper())

"""What a request says about its client: address, HTTPS, cookies, a safe place to go next.

All of these read a raw ASGI ``scope`` (HTTP or websocket), so the guard and the routes agree.
Forwarded headers are believed only from the reverse proxy named in the ``trusted_proxy`` setting.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from cockpit import settings
from cockpit.auth.roles import can_open, role

__all__ = ["header", "client_address", "is_https", "cookie", "safe_next"]


def header(scope, name: str) -> str | None:
    """The first header ``name`` (case-insensitive) of ``scope``, decoded as Latin-1, or None."""
    key = name.lower().encode("latin-1")
    for k, v in scope.get("headers") or ():
        if k.lower() == key:
            return v.decode("latin-1")
    return None


def _from_trusted_proxy(scope) -> bool:
    proxy = (settings.get("trusted_proxy") or "").strip()
    peer = (scope.get("client") or ("", 0))[0]
    return bool(proxy) and peer == proxy


def client_address(scope) -> str:
    """The client's address: the peer's, or the last hop of X-Forwarded-For behind the trusted proxy."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if _from_trusted_proxy(scope):
        forwarded = header(scope, "x-forwarded-for")
        if forwarded and forwarded.split(",")[-1].strip():
            return forwarded.split(",")[-1].strip()
    return peer


def is_https(scope) -> bool:
    """True when the browser reached us over HTTPS (directly, or through the trusted proxy)."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    return _from_trusted_proxy(scope) and (header(scope, "x-forwarded-proto") or "").lower() == "https"


def cookie(scope, name: str) -> str | None:
    """The value of cookie ``name`` in the request, or None."""
    raw = header(scope, "cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    return jar[name].value if name in jar else None


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` when it is a path of this site (``/map?village=1``), else ``default``: never another
    host (``//evil``, ``https://…``) nor the sign-in routes themselves.

    >>> safe_next("/map?village=3"), safe_next("//evil.example/x"), safe_next("https://x"), safe_next("/auth/login")
    ('/map?village=3', '/', '/', '/')
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith("/auth/"):
        return default
    return value


def landing(user, next_path: str) -> str:
    """Where a sign-in lands: the page it was asked for; a village secretary asking for the front
    page lands on Today (今日待办), their day on a phone.

    >>> from types import SimpleNamespace as U
    >>> landing(U(role="village_secretary", active=True, village_ids=("1",)), "/?lang=en")
    '/today?lang=en'
    >>> landing(U(role="leader", active=True, village_ids=()), "/"), landing(None, "/map")
    ('/', '/map')
    """

    path, _, query = next_path.partition("?")
    if path == "/" and user is not None and role(user.role).village_scoped and can_open(user, "today"):
        return "/today" + (f"?{query}" if query else "")
    return next_path

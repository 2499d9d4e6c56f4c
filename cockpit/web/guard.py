"""The session check in front of everything Streamlit serves.

:class:`SessionGuard` is ASGI middleware. Open to anyone: the sign-in routes (``/auth/…``) and
``/_stcore/health``. Everything else needs a valid session cookie (cockpit/web/gatekeeper.py):

- a page without one is redirected to the sign-in page (which says why: timed out, ended …);
- any other request (the websocket ``/_stcore/stream``, ``/media/…``, uploads, ``/_stcore/metrics``,
  Streamlit's own scripts) gets 401, a websocket is closed before it opens;
- a file made for a download (``/media/…``, kind downloadable) goes only to the session that made it;
- a registered wall display reaches the command screen and what it needs, nothing else.

The page scripts check the session again on every run (cockpit/ui/auth_view.py): the cookie of a
websocket is read when it opens, and a session may end while it stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import anyio

from cockpit.auth.sessions import COOKIE
from cockpit.web.client import cookie
from cockpit.web.gatekeeper import UNAVAILABLE, Gatekeeper, gatekeeper

__all__ = ["SessionGuard", "OPEN_PATHS", "page_path"]

OPEN_PATHS = ("/auth/", "/_stcore/health")
_MACHINE_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/favicon")
_DISPLAY_PAGE = "/command"
_DISPLAY_ALLOWED = ("/_stcore/stream", "/_stcore/host-config", "/static/", "/media/", "/favicon")


def page_path(path: str) -> bool:
    """True for the URL of a page of the app (``/``, ``/map`` …), as opposed to its machinery.

    Streamlit's frontend first looks for its server under the page's own path
    (``/command/_stcore/health``) and falls back to ``/`` when that fails: such a probe is
    machinery, never a page to redirect, or a display would settle on the wrong base.

    >>> page_path("/map"), page_path("/_stcore/stream"), page_path("/command/_stcore/health")
    (True, False, False)
    """
    return not path.startswith(_MACHINE_PREFIXES) and "/_stcore/" not in path


class SessionGuard:
    """ASGI middleware: refuse every request without a valid session (see the module doc).

    ``media_file``: looks up a ``/media/`` file id and returns an object with ``content`` and
    ``kind`` (Streamlit's stored file), or None. ``keeper``: the gatekeeper (default: the process's).
    """

    def __init__(self, app, media_file: Callable[[str], object | None] | None = None,
                 keeper: Gatekeeper | None = None):
        self.app = app
        self.media_file = media_file
        self.keeper = keeper

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope.get("path", "/")
        if path.startswith(OPEN_PATHS):
            return await self.app(scope, receive, send)
        keeper = self.keeper or gatekeeper()
        check = await anyio.to_thread.run_sync(keeper.check, cookie(scope, COOKIE))
        identity = check.identity
        if identity is None:
            return await self._refuse(scope, receive, send, path, check.reason)
        if identity.is_display and not self._display_may(scope, path):
            if scope["type"] == "http" and page_path(path):
                return await _redirect(send, _display_home(identity.display))
            return await _deny(scope, receive, send, 403)
        if path.startswith("/media/") and not await self._media_allowed(path, identity):
            return await _deny(scope, receive, send, 403)
        return await self.app(scope, receive, send)

    @staticmethod
    def _display_may(scope, path: str) -> bool:
        return path == _DISPLAY_PAGE or path.startswith(_DISPLAY_ALLOWED)

    async def _media_allowed(self, path: str, identity) -> bool:
        if self.media_file is None:
            return True
        file_id = path.rsplit("/", 1)[-1].split(".", 1)[0]
        stored = self.media_file(file_id)
        if stored is None or str(getattr(stored, "kind", "")).lower().find("download") < 0:
            return True  # an image or nothing: any signed-in session (404 from Streamlit when missing)
        if identity.is_display:
            return False
        keeper = self.keeper or gatekeeper()
        return await anyio.to_thread.run_sync(keeper.granted, identity.token_hash, stored.content)

    async def _refuse(self, scope, receive, send, path: str, reason: str | None):
        if reason == UNAVAILABLE:
            return await _deny(scope, receive, send, 503)
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") and page_path(path):
            query = scope.get("query_string", b"").decode("latin-1")
            target = path + (f"?{query}" if query else "")
            params = {"next": target, **({"reason": reason} if reason else {})}
            return await _redirect(send, "/auth/login?" + urlencode(params))
        return await _deny(scope, receive, send, 401)


def _display_home(display) -> str:
    return "/command?" + urlencode({"kiosk": "1", "lang": display.lang, "metric": display.metric})


async def _redirect(send, location: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("latin-1")), (b"cache-control", b"no-store"),
                            (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _deny(scope, receive, send, status: int) -> None:
    if scope["type"] == "websocket":
        # Closing before accepting makes the server answer the upgrade with 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    body = {401: b"Sign in first: /auth/login\n", 403: b"Forbidden\n",
            503: b"The database cannot be read right now; try again shortly.\n"}[status]
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")]
    if status == 503:
        headers.append((b"retry-after", b"10"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

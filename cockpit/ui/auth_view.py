"""Who is signed in, for pages: the session behind the request, the page check, the account panel.

Signing in happens outside the script, on ``/auth/login`` (cockpit/web/routes.py), which sets an
HttpOnly session cookie; the guard in front of the app (cockpit/web/guard.py) lets no request
without a valid session through. A page takes its user from that cookie, as the browser sent it
when the page's websocket opened (``st.context.cookies``), and checks it again on every run through
the process's gatekeeper (cockpit/web/gatekeeper.py): a session ended in another tab, by an
administrator or by the idle timeout stops the page at its next run, with the reason and a link
to sign in again. Nothing the browser can set in the page picks the user.

One Streamlit session serves one signed-in session: when the session behind the cookie changes
(another person signed in on this browser), everything the last person left in
``st.session_state`` is dropped first.

Test seam: AppTest cannot send cookies, so tests/app/conftest.py sets :data:`ALLOW_TEST_USER` and
puts a user name in ``st.session_state[TEST_USER_KEY]``; the account is then checked as a
session's would be (active; a demo account only on the synthetic sample), without a session record.
The server never sets the flag; sessions themselves are proven by tests/web/ and in Chromium.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from cockpit.auth.roles import can_open, role
from cockpit.auth.sessions import COOKIE
from cockpit.auth.users import User
from cockpit.text.literal import NAME, literal
from cockpit.web.gatekeeper import UNAVAILABLE, Check, Identity, gatekeeper
from cockpit.web.routes import login_notice

__all__ = ["TEST_USER_KEY", "ALLOW_TEST_USER", "OWNER_KEY", "request_token", "current", "require",
           "account_panel", "allowed_pages", "sign_out"]

TEST_USER_KEY = "_test_user"
ALLOW_TEST_USER = False
OWNER_KEY = "_session_owner"  # hash of the token whose person this Streamlit session's state belongs to


def request_token() -> str | None:
    """The session token the browser sent with this page's websocket."""
    return st.context.cookies.get(COOKIE)


def _reset_state(keep: tuple[str, ...] = ()) -> None:
    kept = {k: st.session_state[k] for k in keep if k in st.session_state}
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state.update(kept)


def current(active: bool = True) -> Check:
    """The check of this request's session (``active``: this run is the person's own doing, not a
    timed refresh). A change of person empties the session state first."""
    if ALLOW_TEST_USER and TEST_USER_KEY in st.session_state:
        name = st.session_state[TEST_USER_KEY]
        check = gatekeeper().check_user_only(name) if name else Check(None)
    else:
        check = gatekeeper().check(request_token(), active=active)
    if check.identity is not None:
        owner = st.session_state.get(OWNER_KEY)
        if owner is not None and owner != check.identity.token_hash:
            _reset_state(keep=(TEST_USER_KEY,) if ALLOW_TEST_USER else ())
        st.session_state[OWNER_KEY] = check.identity.token_hash
    return check


def _sign_in_link(t, reason: str | None) -> str:
    path = (st.context.url or "/").split("://", 1)[-1]
    path = "/" + path.split("/", 1)[1] if "/" in path else "/"
    params = {"next": path, "lang": t.lang, **({"reason": reason} if reason else {})}
    return "/auth/login?" + urlencode(params)


def signed_out_page(t, reason: str | None) -> None:
    """Say why nobody is signed in here, with a link to the sign-in page (same tab)."""
    st.title(t("auth.title"))
    if reason == UNAVAILABLE:
        st.warning(t("auth.unavailable"))
        return
    st.info(login_notice(t, reason) or t("auth.please_sign_in"))
    # A plain link: Streamlit's link buttons open a new tab; the sign-in page must replace this one.
    href = _sign_in_link(t, reason).replace("&", "&amp;").replace('"', "&quot;")
    st.markdown(f'<a href="{href}" target="_self" class="cockpit-signin">{t("auth.sign_in_again")}</a>',
                unsafe_allow_html=True)


def require(t, page_name: str, active: bool = True, check: Check | None = None) -> Identity:
    """The identity behind this request, if it may open ``page_name``; otherwise say why (signed
    out, or the role may not) and stop the page (``st.stop``) before it reads any data.
    ``check``: the check of this run already made (default: check now)."""
    check = check or current(active)
    if check.identity is None:
        signed_out_page(t, check.reason)
        st.stop()
    user = check.identity.user
    if not can_open(user, page_name):
        st.title(t("auth.forbidden_title"))
        st.error(t("auth.forbidden", role=t(role(user.role).name_key)))
        st.info(t("auth.forbidden_hint"))
        st.stop()
    return check.identity


def sign_out(token: str | None) -> None:
    """End this browser's session server-side (logged) and drop everything this session holds."""
    gatekeeper().sign_out(token)
    _reset_state()
    if ALLOW_TEST_USER:
        st.session_state[TEST_USER_KEY] = ""


def account_panel(t, user: User, village_names: dict[str, str] | None = None) -> None:
    """Who is signed in, in which role (and villages), and the sign-out button: for the sidebar."""
    st.caption(t("auth.signed_in_as", name=literal(user.label, NAME), role=t(role(user.role).name_key)))
    if user.villages:
        names = [(village_names or {}).get(v, v) for v in user.villages]
        shown = [literal(n, NAME) for n in names]  # data text: plain text in the sidebar's Markdown
        st.caption(t("auth.scope", villages="、".join(shown) if t.lang == "zh" else ", ".join(shown)))
    st.button(t("auth.logout"), key="auth_logout", on_click=sign_out, args=(request_token(),),
              icon=":material/logout:")


def allowed_pages(user: User | None, pages) -> list:
    """The page specs (anything with ``.name``) of ``pages`` that ``user`` may open, in order."""
    return [p for p in pages if can_open(user, p.name)]

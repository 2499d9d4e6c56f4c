"""The sign-in page: a small self-contained HTML page, served before anyone is signed in.

It needs nothing from Streamlit and nothing from the internet (styles inline, system fonts), so
the server can refuse every Streamlit asset to a stranger. Every value from outside (the notice,
the user name typed, the demo table, the ``next`` path) is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from cockpit.auth.login import AuthResult, LoginPolicy
from cockpit.i18n import LANGUAGE_NAMES, LANGUAGES, Translator

__all__ = ["render_login", "render_message", "login_message"]

_STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       background: #f3f6fa; color: #1f2933; font-size: 17px; }
main { max-width: 30rem; margin: 6vh auto; padding: 2rem 2.2rem; background: #fff; border-radius: 10px;
       box-shadow: 0 2px 14px rgba(31, 41, 51, .12); }
h1 { font-size: 1.25rem; margin: 0 0 .2rem; color: #1f5fa8; }
h2 { font-size: 1.6rem; margin: 0 0 1.2rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
input[type=text], input[type=password] { width: 100%; padding: .7rem .8rem; font-size: 1.05rem;
       border: 1px solid #b6c2cf; border-radius: 6px; }
button { margin-top: 1.4rem; width: 100%; padding: .8rem; font-size: 1.1rem; font-weight: 600; color: #fff;
       background: #1f5fa8; border: 0; border-radius: 6px; cursor: pointer; min-height: 44px; }
.notice { padding: .75rem 1rem; border-radius: 6px; margin-bottom: 1rem; background: #e8f1fb; }
.error { background: #fdecec; color: #8a1c1c; }
.langs { float: right; font-size: .95rem; }
.langs a, .langs span { margin-left: .6rem; }
table { border-collapse: collapse; width: 100%; margin-top: .6rem; font-size: .95rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e1e7ee; }
.note { color: #52606d; font-size: .9rem; }
"""


def _page(t: Translator, title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if t.lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)} · {escape(t("app.title"))}</title><style>{_STYLE}</style></head>'
            f'<body><main>{body}</main></body></html>')


def _languages(t: Translator, query: dict[str, str]) -> str:
    links = []
    for lang in LANGUAGES:
        if lang == t.lang:
            links.append(f"<span>{escape(LANGUAGE_NAMES[lang])}</span>")
        else:
            href = "/auth/login?" + urlencode({**query, "lang": lang})
            links.append(f'<a href="{escape(href)}">{escape(LANGUAGE_NAMES[lang])}</a>')
    return f'<div class="langs">{"".join(links)}</div>'


def render_login(t: Translator, *, csrf: str, next_path: str, notice: str | None = None,
                 error: str | None = None, name: str = "", demo_rows: list[tuple[str, str, str]] = (),
                 no_users: bool = False) -> str:
    """The sign-in page in ``t``'s language.

    ``notice``: why the user is here (already translated); ``error``: why the last attempt failed;
    ``demo_rows``: (user, password, role) of demo accounts, shown only on the synthetic sample."""
    parts = [_languages(t, {"next": next_path}), f"<h1>{escape(t('app.title'))}</h1>",
             f"<h2>{escape(t('auth.title'))}</h2>"]
    if notice:
        parts.append(f'<div class="notice" role="status">{escape(notice)}</div>')
    if error:
        parts.append(f'<div class="notice error" role="alert">{escape(error)}</div>')
    if no_users:
        parts.append(f'<div class="notice error">{escape(t("auth.no_users"))}</div>')
    parts.append(
        f'<form method="post" action="/auth/login?{escape(urlencode({"lang": t.lang}))}" autocomplete="on">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        f'<label for="name">{escape(t("auth.name"))}</label>'
        f'<input type="text" id="name" name="name" value="{escape(name)}" maxlength="64" required autofocus '
        f'autocomplete="username">'
        f'<label for="password">{escape(t("auth.password"))}</label>'
        f'<input type="password" id="password" name="password" maxlength="256" required '
        f'autocomplete="current-password">'
        f'<button type="submit">{escape(t("auth.submit"))}</button></form>')
    if demo_rows:
        head = "".join(f"<th>{escape(t(k))}</th>" for k in ("auth.col.user", "auth.col.password", "auth.col.role"))
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in demo_rows)
        parts.append(f'<h3>{escape(t("auth.demo_title"))}</h3><p class="note">{escape(t("auth.demo_note"))}</p>'
                     f'<table id="demo-accounts"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    return _page(t, t("auth.title"), "".join(parts))


def render_message(t: Translator, title: str, message: str, link: tuple[str, str] | None = None) -> str:
    """A page with one message (and a link: (href, label)), e.g. when the database cannot be read."""
    body = f"<h1>{escape(t('app.title'))}</h1><h2>{escape(title)}</h2><p>{escape(message)}</p>"
    if link:
        body += f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>'
    return _page(t, title, body)


def login_message(t: Translator, result: AuthResult) -> str:
    """Why a sign-in failed, in the user's language."""
    if result.reason == "locked" and result.locked_until is not None:
        return t("auth.error.locked", time=result.locked_until.strftime("%H:%M"))
    text = t(f"auth.error.{result.reason}")
    if result.reason == "bad_credentials" and result.attempts_left is not None and result.attempts_left <= 2:
        policy = LoginPolicy.from_settings()
        text += " " + t("auth.attempts_left", n=result.attempts_left, minutes=f"{policy.minutes:g}")
    return text

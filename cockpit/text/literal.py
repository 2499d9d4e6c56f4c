"""Data text shown as text: the one way a value that came from data reaches a renderer that reads
markup.

Names, summaries, departments, branches, notes and decisions come from imports; Streamlit reads
Markdown in headings, captions, info boxes, the sidebar, metric labels, widget labels and help
tooltips (links, images, ``:red[…]``, ``$…$``), and HTML where a page builds its own markup;
Plotly reads a few tags and ``%{…}`` placeholders in its labels. :func:`literal` writes every
character any of them could read as markup as a numeric HTML character reference: Markdown, HTML
and Plotly all decode those back into the same characters, so the user reads exactly the data,
and none of them sees markup in it. That is every ASCII punctuation character except the few that
mean nothing inside a line (``, ; / ? ( ) % = ! ^`` and ``. - + # :`` in numbers, dates and
times), which are escaped where they could start or make something: at the start of the text (a
list, a heading), ``.`` after ``www``, ``:`` before anything but a digit (``http://``, ``:red[``,
``:material/…:``):

>>> literal("Xikou [x](javascript:alert(1)) ![i](http://h/x.png)")
'Xikou &#91;x&#93;(javascript&#58;alert(1)) !&#91;i&#93;(http&#58;//h/x.png)'
>>> literal("92.4% · 2026-08-10 09:30 · -1.5 pp"), literal("- item"), literal("---")
('92.4% · 2026-08-10 09:30 · -1.5 pp', '&#45; item', '&#45;--')
>>> literal("1. www.example.com")
'1&#46; www&#46;example.com'
>>> import html; html.unescape(literal("<b>A & B</b> {tip} %{y}"))
'<b>A & B</b> {tip} %{y}'

Before escaping, :func:`clean` makes a value one line of text: control characters (NUL …) and
the bidirectional overrides and isolates (which could turn the text around it) are dropped, runs
of white space (line breaks too) become one space, and with ``limit`` the text is cut to that
display width (a CJK character counts two) with an ellipsis, for places with a fixed width. Use
:func:`clean` alone where nothing reads markup (a deck.gl text label, a select box option, a PDF
cell).

>>> clean("Line one\\n\\nline\\u202e two\\x00")
'Line one line two'
>>> clean("Shangping Village", limit=10)
'Shangping…'
>>> clean("上坪村委会", limit=6)
'上坪…'

No Streamlit: used by the pages (cockpit/ui), the slides and the chart builders alike. A test
(tests/test_literal_lint.py) fails when a Markdown-rendering call in cockpit/ui, pages/ or app.py
gets data text that did not go through :func:`literal`.
"""

from __future__ import annotations

import re
import string
import unicodedata

import pandas as pd

__all__ = ["literal", "clean", "cut", "display_width", "ELLIPSIS", "NAME", "SHORT", "LABEL", "LONG"]

ELLIPSIS = "…"
# Display widths (Latin characters; a CJK character counts two) for places with a fixed width.
SHORT = 24   # an axis label of a heatmap, a map label, a tile
NAME = 48    # a village, branch or department name in a heading, card, sidebar or tooltip
LABEL = 80   # a title line, a list entry, a tooltip line
LONG = 300   # a case summary or a decision's text in a table cell or a slide

_INLINE_SAFE = frozenset(",;/?()%=.-+:!#^")  # escaped only where they could start or make markup
_REFS = {ch: f"&#{ord(ch)};" for ch in string.punctuation}
_REFS.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
_DROP = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
                   "\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_SPACE = re.compile(r"[\s\u2028\u2029\u0085]+")


def _missing(value) -> bool:
    if value is None or isinstance(value, str):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not one missing value
        return False


def display_width(text: str) -> int:
    """Width of ``text`` in Latin characters: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cut(text: str, limit: int | None) -> str:
    """``text`` cut to display width ``limit`` (the ellipsis included); unchanged when it fits."""
    if limit is None or display_width(text) <= limit:
        return text
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit!r}")
    room, out = limit - 1, []
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w > room:
            break
        out.append(ch)
        room -= w
    return "".join(out).rstrip() + ELLIPSIS


def clean(value, limit: int | None = None) -> str:
    """``value`` as one line of plain text (see the module docstring); '' for None or NaN."""
    if _missing(value):
        return ""
    text = str(value).encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    text = _SPACE.sub(" ", _DROP.sub("", text)).strip()
    return cut(text, limit)


def literal(value, limit: int | None = None) -> str:
    """``value`` (cleaned and cut as :func:`clean` does) with every character that Markdown, HTML
    or Plotly could read as markup written as a character reference: safe inside any Markdown
    element (also at the start of a line), inside hand-built HTML (text and quoted attributes) and
    inside Plotly labels."""
    text = clean(value, limit)
    return "".join(_REFS[ch] if ch in _REFS and (ch not in _INLINE_SAFE or _starts_markup(text, i)) else ch
                   for i, ch in enumerate(text))


def _starts_markup(text: str, i: int) -> bool:
    """Whether the harmless-looking ``text[i]`` could start or make markup where it stands."""
    ch, after = text[i], text[i + 1:i + 2]
    digit = after != "" and after in "0123456789"
    if ch == ":":  # http://, :red[…], :material/icon:, emoji; not 09:30 nor "Note: x"
        return not (after == "" or after.isspace() or digit)
    if ch in "-+=#":  # a list item, a thematic break, a heading at the start; not -1.5
        return i == 0 and not (ch != "#" and digit)
    if ch in "!^":  # an image needs "![", and "[" is always escaped
        return False
    if ch in ".)":  # "1. " / "1) " at the start: an ordered list; "www." an autolink
        ordered = 0 < i <= 9 and text[:i].isascii() and text[:i].isdigit() and after in ("", " ")
        return ordered or (ch == "." and text[max(0, i - 3):i].lower() == "www")
    return False  # , ; / ? ( ) %: nothing in Markdown, HTML or Plotly

"""cockpit.text.literal: data text as plain text in Markdown, HTML and Plotly; cleaned and cut."""

from __future__ import annotations

import html
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cockpit.text.literal import ELLIPSIS, clean, cut, display_width, literal

HOSTILE = [
    "Xikou [clickme](javascript:alert(1)) ![img](http://127.0.0.1:8799/x.png)",
    "<img src=x onerror=alert(1)>",
    "{tip_sub} {tip_r0}</b><script>alert(1)</script>",
    "**bold** _it_ `code` ~~gone~~ $x^2$ :red[red] :material/home: <http://x.y>",
    "# Heading", "- item", "+ item", "1. first", "1) first", "> quote", "---", "| a | b |",
    "www.example.com", "mail me@example.com", "https://example.com/x.png",
    "%{y} %{customdata}", "&lt;already&gt; &#91;", "back\\slash", "a\u202eb\u2066c\u2069", "nul\x00here",
    "two\n\nparagraphs\n![i](http://h/i.png)", "O'Brien \"quoted\"", "مرحبا بالعالم", "村头村·上坪",
]
# characters that stay as they are only inside a line (numbers, dates, times, sentences)
INLINE = set(",;/?()%=.-+:!#^")


@pytest.mark.parametrize("text", HOSTILE)
def test_the_text_comes_back_whole_and_no_markup_character_stays_raw(text):
    out = literal(text)
    assert html.unescape(out) == clean(text)  # Markdown, HTML and Plotly decode the references
    raw = re.sub(r"&(#\d+|amp|lt|gt|quot);", "", out)  # what is left outside the references
    assert not set(raw) & (set(string.punctuation) - INLINE), raw
    assert "\n" not in out and "\x00" not in out


@pytest.mark.parametrize(("text", "expected"), [
    ("- item", "&#45; item"), ("+ item", "&#43; item"), ("# Heading", "&#35; Heading"),
    ("1. first", "1&#46; first"), ("12) first", "12&#41; first"), ("---", "&#45;--"), ("=== x", "&#61;== x"),
    ("www.x.cn", "www&#46;x.cn"), ("http://x", "http&#58;//x"), (":red[x]", "&#58;red&#91;x&#93;"),
    ("![i](u)", "!&#91;i&#93;(u)"), ("{tip}", "&#123;tip&#125;"), ("a|b", "a&#124;b"), ("$1$", "&#36;1&#36;"),
])
def test_markup_at_the_start_of_a_line_and_inside_it_is_escaped(text, expected):
    assert literal(text) == expected


@pytest.mark.parametrize("text", ["92.4%", "2026-08-10 09:30", "-1.5 pp", "+0.3 个百分点", "1,234 (5.0%)",
                                  "Shangping Village", "上坪村", "A/B?", "x = 1"])
def test_numbers_dates_and_plain_words_stay_readable(text):
    assert literal(text) == text


def test_clean_drops_controls_and_bidi_overrides_and_joins_lines():
    assert clean("a\x00b\x07c\u202ed\u2067e\ufefff") == "abcdef"
    assert clean("  one\r\n\n two\tthree\u2028four ") == "one two three four"
    assert clean(None) == "" and clean(float("nan")) == "" and clean(12) == "12"
    assert clean("NaT") == "NaT"  # a name is not a missing value
    assert clean("\ud800x") == "?x"  # a lone surrogate (it would break UTF-8 output)


def test_cut_counts_wide_characters_twice_and_ends_with_an_ellipsis():
    assert cut("Shangping Village", 10) == "Shangping" + ELLIPSIS
    assert cut("上坪村委会", 6) == "上坪" + ELLIPSIS and display_width("上坪" + ELLIPSIS) <= 6
    assert cut("short", 10) == "short" and cut("exactly10!", 10) == "exactly10!"
    assert literal("x" * 100_000, 48) == "x" * 47 + ELLIPSIS  # a 100 kB name in a heading
    with pytest.raises(ValueError):
        cut("too long", 0)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
       st.one_of(st.none(), st.integers(min_value=1, max_value=40)))
def test_any_text_round_trips_and_fits(text, limit):
    out = literal(text, limit)
    shown = html.unescape(out)
    assert shown == clean(text, limit)
    if limit is not None:
        assert display_width(shown) <= limit
    raw = re.sub(r"&(#\d+|amp|lt|gt|quot);", "", out)
    assert not set(raw) & (set(string.punctuation) - INLINE)
    assert not re.match(r"([-+*#>=](?![0-9])|[0-9]{1,9}[.)](\s|$))", out)  # no list, heading or quote starts

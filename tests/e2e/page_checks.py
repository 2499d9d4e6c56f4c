"""Checks of a rendered page shared by browser tests: whole-page screenshots, English words left
in a Chinese page, radio groups showing no choice.

    from tests.e2e.page_checks import english_words, save_whole_page, unchecked_radios
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import save_screenshot

__all__ = ["save_whole_page", "english_words", "unchecked_radios"]

# Words of three or more Latin letters in the page's visible texts (headings, labels, captions,
# alerts, buttons, markdown); data grids, charts and Material icon ligatures are left out.
_ENGLISH_JS = """() => {
  const sel = 'h1, h2, h3, [data-testid="stMetricLabel"], [data-testid="stCaptionContainer"], '
    + '[data-testid="stAlert"], [data-testid="stRadio"], button, [data-testid="stExpander"] summary, '
    + '[data-testid="stWidgetLabel"], [data-testid="stMarkdownContainer"]';
  const words = new Set();
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('[data-testid="stDataFrame"]')) continue;
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('style, script') || !parent.checkVisibility()) continue;
      if (getComputedStyle(parent).fontFamily.includes('Material')) continue;
      for (const w of node.textContent.match(/[A-Za-z]{3,}/g) || []) words.add(w);
    }
  }
  return [...words];
}"""

_UNCHECKED_RADIOS_JS = """() => [...document.querySelectorAll('[data-testid="stRadio"]')]
  .filter(r => !r.querySelector('input:checked')).map(r => r.innerText.split('\\n')[0])"""

# The demo account's display name ("演示镇领导 Demo township leader") is data.
DEMO_NAME_WORDS = frozenset({"Demo", "township", "leader"})


def english_words(page, allowed=frozenset()) -> set[str]:
    """Latin words (3+ letters) in the page's own texts, less ``allowed`` and the demo name."""
    return set(page.evaluate(_ENGLISH_JS)) - set(allowed) - DEMO_NAME_WORDS


def unchecked_radios(page) -> list[str]:
    """Labels of the radio groups on the page that show no selected option."""
    return page.evaluate(_UNCHECKED_RADIOS_JS)


def save_whole_page(page, name: str, max_height: int = 8000) -> Path:
    """Screenshot of the whole page. Streamlit scrolls inside its main section (a full-page
    screenshot shows one window), so the window grows to the content for the picture."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), max_height)})
    page.wait_for_timeout(1000)  # charts and grids redraw at the new size
    try:
        return save_screenshot(page, name, full_page=False)
    finally:
        page.set_viewport_size(size)

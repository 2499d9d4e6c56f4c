"""The router: every page of the registry (cockpit/ui/pages.py) handed to ``st.navigation``.

The app's entry (app.py) runs it; Streamlit then runs the page the address asks for. The menu
Streamlit would draw stays hidden: the sidebar's links are the page shell's, which shows each
person only the pages their role may open (cockpit/ui/shell.py).
"""

from __future__ import annotations

import streamlit as st

from cockpit.i18n import Translator
from cockpit.ui import state
from cockpit.ui.pages import PAGES, PageSpec

__all__ = ["run", "page"]


def page(spec: PageSpec, t: Translator) -> st.Page:
    """The page of ``spec`` as the router knows it; a link to it goes to its address (/ for the
    front page). No icon: a page's Material icon would become the tab's, fetched from Google."""
    return st.Page(spec.path, title=t(spec.title_key), url_path=spec.url_path or None, default=spec.default)


def run() -> None:
    """Run the page the browser's address names (the front page at /)."""
    t = Translator(state.init_language())
    st.navigation([page(spec, t) for spec in PAGES], position="hidden").run()

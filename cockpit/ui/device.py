"""What the browser says about the screen it draws on.

The server never sees a screen's width; the page's CSS adapts the layout to it. Where the server
itself must choose (the zoom a map is fitted to, a chart's shape) it asks :func:`on_phone`.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["on_phone"]


def on_phone() -> bool:
    """True when the browser says it runs on a phone: phones' browsers put "Mobi" in their user
    agent (Android's Chrome "Mobile", iOS's Safari "Mobile/…"), tablets and desktops do not."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except (AttributeError, RuntimeError):  # no browser (a bare script run)
        return False
    return "Mobi" in agent

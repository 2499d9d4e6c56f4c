"""Plotly figures to PNG with kaleido 1.x and the system Chromium (no network).

kaleido finds ``/usr/bin/chromium`` by itself; ``BROWSER_PATH`` overrides. One browser draws
every figure of a call (starting Chromium costs about two seconds, a figure a fraction of one);
a browser that fails to start is retried once. MathJax is switched off, because kaleido would
fetch it from a CDN; plotly.js comes from the plotly package. No Streamlit.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
from dataclasses import dataclass

__all__ = ["CHROMIUM", "RENDER_TIMEOUT_S", "ChartRenderError", "ChartImage", "chart_problem", "render_pngs"]

CHROMIUM = "/usr/bin/chromium"
RENDER_TIMEOUT_S = 60


class ChartRenderError(RuntimeError):
    """Charts could not be drawn (no Chromium, or it failed twice); says why."""


@dataclass(frozen=True)
class ChartImage:
    """A chart to draw: its Plotly figure and its size in pixels (drawn at twice that)."""

    figure: object
    width: int
    height: int


def _browser() -> str | None:
    path = os.environ.get("BROWSER_PATH")
    if path:
        return path if os.path.isfile(path) else None
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chart_problem() -> str | None:
    """Why charts cannot be drawn, or None when Chromium and kaleido are there."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "charts need the kaleido package (pip install -r requirements.txt)"
    if _browser() is None:
        where = os.environ.get("BROWSER_PATH") or CHROMIUM
        return f"charts need Chromium at {where} (apt-get install chromium)"
    return None


async def _render_all(charts: list[ChartImage]) -> list[bytes]:
    import kaleido

    kwargs = {"path": _browser()} if os.environ.get("BROWSER_PATH") else {}
    # mathjax=False: kaleido would otherwise load MathJax from a CDN; plotly.js comes from the
    # plotly package, so nothing is fetched from the network.
    async with kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, **kwargs) as k:
        return [await k.calc_fig(c.figure, opts={"format": "png", "width": c.width,
                                                 "height": c.height, "scale": 2})
                for c in charts]


def render_pngs(charts: list[ChartImage]) -> list[bytes]:
    """PNG bytes of every chart, drawn by one Chromium; one retry when the browser fails.

    Runs the asyncio work in its own thread, so it works inside Streamlit's script threads.
    Raises :class:`ChartRenderError` saying why when no image could be drawn.
    """
    if not charts:
        return []
    problem = chart_problem()
    if problem:
        raise ChartRenderError(problem)
    last: Exception | None = None
    for _attempt in range(2):
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            try:
                return pool.submit(asyncio.run, _render_all(charts)).result(timeout=4 * RENDER_TIMEOUT_S)
            except Exception as exc:  # noqa: BLE001 - browser start-up fails in many ways
                last = exc
    raise ChartRenderError(f"charts could not be drawn: {type(last).__name__}: {last}")

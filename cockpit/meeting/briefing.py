"""The briefing PDF of a joint meeting (联席会议简报), in the deck's language.

Built from the same :class:`cockpit.meeting.deck.Deck` the presenter page shows: a cover
(township, period, the filters used, the date), one section per slide with its figures, charts
and tables and the speaker notes as key points, a static village map, and the decisions and
action items recorded in the meeting.

- Text: fpdf2 with Noto Sans CJK from Debian's ``fonts-noto-cjk``
  (``NotoSansCJK-Regular.ttc``, collection index 2 = Simplified Chinese), embedded as a subset.
  Every string is written as plain text (fpdf2's markdown is never switched on), so a village
  called ``<img src=x onerror=alert(1)>`` is printed as exactly that.
- Charts: Plotly → PNG with kaleido 1.x (cockpit.meeting.chart_images), which drives the system Chromium (``/usr/bin/chromium``;
  ``BROWSER_PATH`` overrides). One browser renders every chart of a briefing; a browser that
  fails to start is retried once. When charts cannot be drawn the PDF says so where they belong.
- The map is drawn from the village polygons on plain axes (cockpit.meeting.charts.static_map):
  no tiles, no network.

No Streamlit. ``briefing_pdf`` returns the PDF bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path

import pandas as pd
from fpdf import FPDF, FontFace
from fpdf.enums import MethodReturnValue, WrapMode, XPos, YPos

from cockpit.geo import boundaries as geo
from cockpit.meeting.chart_images import ChartImage, ChartRenderError, chart_problem, render_pngs
from cockpit.i18n import Translator
from cockpit.text.literal import LABEL, LONG, clean
from cockpit.meeting.deck import Deck, Slide, Table
from cockpit.meeting.charts import static_map

__all__ = ["FONT_PATH", "BOLD_FONT_PATH", "FONT_INDEX", "BriefingError", "ChartRenderError",
           "font_problem", "chart_problem", "render_pngs", "briefing_pdf", "ChartImage", "map_layers",
           "message_pdf"]

FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BOLD_FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
FONT_INDEX = 2  # Simplified Chinese face of the Noto Sans CJK collection

_PAGE_W, _MARGIN = 297.0, 12.0  # A4 landscape, mm
_BODY_W = _PAGE_W - 2 * _MARGIN
_GOOD, _BAD, _MUTED, _INK = (26, 127, 60), (190, 30, 30), (100, 110, 125), (17, 24, 39)
_HEAD_FILL = (229, 236, 246)
_TITLE_WIDTH = 2 * LABEL  # display width of a title line (it wraps; a longer one is cut)
_TEXT_WIDTH = 4000  # display width of a paragraph (speaker notes): about two pages
_LOG = logging.getLogger(__name__)


class BriefingError(RuntimeError):
    """The briefing cannot be made (e.g. the Chinese font is missing); says why."""


def font_problem() -> str | None:
    """Why the PDF cannot be made with Chinese text, or None when the font is there."""
    if not FONT_PATH.is_file():
        return f"the Chinese font {FONT_PATH} is missing (apt-get install fonts-noto-cjk)"
    return None


def map_layers(geodata_path, village_ids=None, labelled=None) -> tuple:
    """(village polygons, label points) for :func:`briefing_pdf` from the boundary file, limited
    to ``village_ids`` and with labels for ``labelled`` only (None: all); (None, None) when the
    file cannot be read, and the PDF then keeps the map's table without the map."""
    try:
        gdf = geo.load_villages_geojson(geodata_path)
    except (geo.GeoDataError, OSError):
        return None, None
    if village_ids is not None:
        gdf = gdf[gdf["village_id"].isin(set(village_ids))].reset_index(drop=True)
    points = geo.label_points(gdf)
    if labelled is not None:
        points = points[points["village_id"].isin(set(labelled))].reset_index(drop=True)
    return gdf, points


# -- the document ------------------------------------------------------------------------------

class _Pdf(FPDF):
    def __init__(self, t: Translator, title: str):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.t, self.doc_title = t, clean(title, LABEL)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=14)
        self.add_font("cjk", "", str(FONT_PATH), collection_font_number=FONT_INDEX)
        bold = BOLD_FONT_PATH if BOLD_FONT_PATH.is_file() else FONT_PATH
        self.add_font("cjk", "B", str(bold), collection_font_number=FONT_INDEX)
        self.set_font("cjk", "", 11)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("cjk", "", 8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, self.t("presenter.pdf.footer", title=self.doc_title, page=str(self.page_no()),
                               pages="{nb}"), align="C")
        self.set_text_color(*_INK)

    def text_block(self, text: str, size: float, bold: bool = False, color=_INK, gap: float = 1.5,
                   limit: int = _TITLE_WIDTH) -> None:
        """``text`` as one paragraph (wrapped), cleaned and cut to display width ``limit``."""
        self.set_font("cjk", "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, clean(text, limit), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                        wrapmode=self._wrap())
        self.set_text_color(*_INK)
        self.ln(gap)

    def _wrap(self) -> WrapMode:
        return WrapMode.CHAR if self.t.lang == "zh" else WrapMode.WORD

    def ensure_space(self, height: float) -> None:
        """Start a new page when ``height`` mm do not fit below, unless they would not fit on a
        fresh page either (a long table then simply continues over the page break)."""
        room, fresh = self.h - 16 - self.get_y(), self.h - 16 - self.t_margin
        if height > room and (height <= fresh or room < 40):
            self.add_page()


def _cover(pdf: _Pdf, deck: Deck, meeting_title: str | None, generated: dt.datetime,
           synthetic: bool) -> None:
    t = pdf.t
    pdf.add_page()
    pdf.ln(10)
    pdf.text_block(pdf.doc_title, 26, bold=True, gap=3)
    if meeting_title:
        pdf.text_block(meeting_title, 16, gap=2)
    pdf.text_block(t("presenter.pdf.period", period=deck.period_label), 15, gap=5)
    pdf.set_font("cjk", "", 12)
    lines = [(clean(label, LABEL), clean(value, LONG)) for label, value in deck.filter_lines]
    try:
        with pdf.table(col_widths=(55, 200), width=255, align="LEFT", first_row_as_headings=False,
                       line_height=7, wrapmode=pdf._wrap(), padding=1.5) as table:
            for label, value in lines:
                row = table.row()
                row.cell(label, style=FontFace(emphasis="BOLD", fill_color=_HEAD_FILL))
                row.cell(value)
    except ValueError as exc:  # a row fpdf2 cannot place: the lines as text instead
        _LOG.warning("briefing cover drawn as text: %s", exc)
        for label, value in lines:
            pdf.text_block(f"{label}{t('punct.colon')}{value}", 12, gap=0.5, limit=LONG + LABEL)
    pdf.ln(4)
    pdf.text_block(t("presenter.pdf.generated", date=generated.strftime("%Y-%m-%d %H:%M")), 11, color=_MUTED)
    pdf.text_block(t("presenter.pdf.contents"), 12, bold=True, gap=1)
    for i, slide in enumerate(deck.slides, start=1):
        pdf.text_block(f"{i}. {slide.title}", 11, gap=0)
    pdf.text_block(f"{len(deck.slides) + 1}. {deck.recorded.title}", 11, gap=3)
    pdf.text_block(t("presenter.pdf.masked"), 10, color=_MUTED, gap=1)
    if synthetic:
        pdf.text_block(t("app.synthetic_note"), 10, color=_MUTED)


def _figures(pdf: _Pdf, slide: Slide) -> None:
    if not slide.figures:
        return
    n = len(slide.figures)
    per_row = n if n <= 6 and n != 5 else 4
    gap = 3.0
    w = (_BODY_W - gap * (per_row - 1)) / per_row
    h = 20.0
    for start in range(0, len(slide.figures), per_row):
        pdf.ensure_space(h + 2)
        y = pdf.get_y()
        for j, fig in enumerate(slide.figures[start:start + per_row]):
            x = _MARGIN + j * (w + gap)
            pdf.set_draw_color(200, 208, 220)
            pdf.rect(x, y, w, h)
            pdf.set_xy(x + 2.5, y + 1.5)
            pdf.set_font("cjk", "", 9)
            pdf.set_text_color(*_MUTED)
            pdf.cell(w - 5, 5, _fit(pdf, fig.label, w - 5))
            pdf.set_xy(x + 2.5, y + 7)
            pdf.set_font("cjk", "B", 17)
            pdf.set_text_color(*_INK)
            pdf.cell(w - 5, 8, _fit(pdf, fig.value, w - 5))
            line = pdf.t("presenter.pdf.delta", delta=fig.delta) if fig.delta else fig.detail
            if line:
                pdf.set_xy(x + 2.5, y + 15)
                pdf.set_font("cjk", "", 9)
                pdf.set_text_color(*{"good": _GOOD, "bad": _BAD}.get(fig.tone, _MUTED))
                pdf.cell(w - 5, 4.5, _fit(pdf, line, w - 5))
            pdf.set_text_color(*_INK)
        pdf.set_xy(_MARGIN, y + h + gap)
    pdf.ln(1)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` as one line cut (with an ellipsis) to fit ``width`` mm in the current font."""
    text = clean(text, LONG)
    if pdf.get_string_width(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest start that fits with its ellipsis
        mid = (lo + hi + 1) // 2
        if pdf.get_string_width(text[:mid].rstrip() + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _cell_fitting(pdf: FPDF, text: str, width: float, max_lines: int) -> str:
    """``text`` cut so that, wrapped in a column ``width`` mm wide (current font), it takes at most
    ``max_lines`` lines: a table row must fit on one page (fpdf2 refuses a taller one)."""
    lines = pdf.multi_cell(max(width, 1.0), 5, text, dry_run=True, output=MethodReturnValue.LINES,
                           wrapmode=pdf._wrap(), padding=0)
    if len(lines) <= max_lines:
        return text
    kept = "".join(lines[:max_lines]) if pdf._wrap() == WrapMode.CHAR else " ".join(lines[:max_lines])
    return clean(kept[: max(1, len(kept) - 2)] + "…")


def _width(text: str) -> int:
    """Display width: a CJK character is as wide as two Latin ones."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _col_widths(frame: pd.DataFrame) -> list[float]:
    """Relative column widths from the longest text of each column (header included), plus
    room for the cell padding."""
    widths = []
    for col in frame.columns:
        longest = max([_width(str(col)) * 0.8] + [_width(str(v)) for v in frame[col]])
        widths.append(min(max(longest, 6), 56) + 3)
    return widths


def _table_height(table: Table, width: float) -> float:
    """Rough height in mm of ``table`` with its title: lines per row from the text widths
    (9.5 pt: about 1.75 mm per Latin character), 6.5 mm per line."""
    frame = table.frame
    if frame.empty:
        return 16.0
    rel = _col_widths(frame)
    mm = [width * r / sum(rel) for r in rel]
    lines = 0
    for values in [list(frame.columns)] + [list(v) for v in frame.itertuples(index=False, name=None)]:
        lines += max(1, *(int(_width(str(v)) * 1.75 // max(w - 2.4, 1)) + 1 for v, w in zip(values, mm)))
    return 10.0 + 6.5 * lines


def _table(pdf: _Pdf, table: Table, title: bool = True, x: float | None = None,
           width: float = _BODY_W) -> None:
    """``table`` with its title, at ``x`` (default: the left margin) and ``width`` mm wide."""
    if x is None:
        pdf.ensure_space(_table_height(table, width))
    if title:
        pdf.set_x(x if x is not None else _MARGIN)
        pdf.set_font("cjk", "B", 12)
        pdf.multi_cell(width, 6, clean(table.title, _TITLE_WIDTH), new_x=XPos.LEFT, new_y=YPos.NEXT,
                       wrapmode=pdf._wrap())
        pdf.ln(1)
    if table.frame.empty:
        pdf.set_x(x if x is not None else _MARGIN)
        pdf.set_font("cjk", "", 10)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(width, 5, clean(table.empty_text, _TITLE_WIDTH), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*_INK)
        pdf.ln(3)
        return
    pdf.set_font("cjk", "", 9.5)
    rel = _col_widths(table.frame)
    mm = [width * r / sum(rel) - 2.4 for r in rel]
    max_lines = int((pdf.h - 16 - pdf.t_margin - 30) / 5.2)  # a row fits under the heading on a fresh page
    head_cells = [_cell_fitting(pdf, clean(col, LABEL), w, 3) for col, w in zip(table.frame.columns, mm)]
    body = [[_cell_fitting(pdf, clean(v, LONG), w, max_lines) for v, w in zip(values, mm)]
            for values in table.frame.itertuples(index=False, name=None)]
    start_page, start_y = pdf.page, pdf.get_y()
    try:
        with pdf.table(col_widths=rel, width=width, line_height=5.2,
                       align="LEFT" if x is None else "RIGHT", text_align="LEFT", wrapmode=pdf._wrap(), padding=1.2,
                       headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD_FILL)) as out:
            head = out.row()
            for cell in head_cells:
                head.cell(cell)
            for values in body:
                row = out.row()
                for cell in values:
                    row.cell(cell)
    except ValueError as exc:  # a row fpdf2 cannot place: the rows as lines of text instead
        _LOG.warning("briefing table %r drawn as text: %s", table.key, exc)
        if pdf.page == start_page:
            pdf.set_y(start_y)
        pdf.set_font("cjk", "", 9.5)
        for values in body:
            pdf.set_x(x if x is not None else _MARGIN)
            pdf.multi_cell(width, 5, " · ".join(values), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                           wrapmode=pdf._wrap())
    if table.frame.attrs.get("cut"):
        pdf.set_x(x if x is not None else _MARGIN)
        pdf.set_font("cjk", "", 8.5)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(width, 4.5, pdf.t("presenter.cut_note", n=LONG), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                       wrapmode=pdf._wrap())
        pdf.set_text_color(*_INK)
    pdf.ln(4)


def _image(pdf: _Pdf, png: bytes | None, title: str, width_mm: float, aspect: float,
           missing: str | None, left: bool = False) -> float:
    """Draw a chart under its title (centred, or at the left margin); return its bottom y."""
    height = width_mm * aspect
    pdf.ensure_space(0.75 * height + 8)  # a chart may shrink by a quarter to stay on the page
    pdf.text_block(title, 12, bold=True, gap=1)
    if png is None:
        pdf.text_block(missing or "", 10, color=_BAD, gap=3)
        return pdf.get_y()
    room = pdf.h - 16 - pdf.get_y()
    if height > room:
        height, width_mm = room, room / aspect
    x = _MARGIN if left else _MARGIN + (_BODY_W - width_mm) / 2
    top = pdf.get_y()
    pdf.image(io.BytesIO(png), x=x, y=top, w=width_mm, h=height)
    pdf.set_y(top + height + 3)
    return top + height + 3


# chart key -> (width px, width mm); heights follow from the figure (see _chart_height)
_CHART_SIZES = {"trend": (1400, _BODY_W), "matrix": (1400, _BODY_W), "completion": (1100, 190.0),
                "scenario_changes": (1400, _BODY_W), "map": (1000, 150.0)}


def _chart_height(key: str, figure) -> int:
    if key == "trend":
        return 250
    if key == "matrix":
        return 150 + 36 * len(figure.data[0].y) if figure.data else 300
    if key == "completion":
        return 80 + 26 * len(figure.data[0].y) if figure.data else 300
    return int(figure.layout.height or 420)


def _chart_jobs(deck: Deck, boundaries, label_points) -> list[tuple[str, str, ChartImage, float]]:
    """(slide key, title, chart, width in mm) of every chart of the briefing, in order."""
    jobs = []
    for slide in deck.slides:
        for chart in slide.charts:
            px, mm = _CHART_SIZES.get(chart.key, (1400, _BODY_W))
            jobs.append((slide.key, chart.title, ChartImage(chart.figure, px, _chart_height(chart.key, chart.figure)), mm))
        if slide.map is not None and boundaries is not None:
            spec = slide.map
            fig = static_map(boundaries, spec.colors, spec.names, list(spec.legend), spec.highlight,
                             label_points, width=1000, height=800)
            px, mm = _CHART_SIZES["map"]
            jobs.append((slide.key, spec.title, ChartImage(fig, px, 800), mm))
    return jobs


def _section(pdf: _Pdf, number: int, slide: Slide, charts: list, missing: str) -> None:
    """One slide: title, subtitle, figures, key points, charts and tables (tables first when the
    slide says so). The map slide puts its map on the left and its table beside it."""
    t = pdf.t
    pdf.add_page()
    pdf.text_block(f"{number}. {slide.title}", 18, bold=True, gap=1)
    if slide.subtitle:
        pdf.text_block(slide.subtitle, 10.5, color=_MUTED, gap=3)
    _figures(pdf, slide)
    if slide.notes:
        pdf.text_block(t("presenter.pdf.key_points"), 12, bold=True, gap=0.5)
        pdf.text_block(slide.notes, 10.5, gap=4, limit=_TEXT_WIDTH)
    tables = list(slide.tables)
    if slide.tables_first:
        for table in tables:
            _table(pdf, table)
        tables = []
    for title, chart, width, png in charts:
        if slide.map is not None and tables:
            top = pdf.get_y()
            bottom = _image(pdf, png, title, width, chart.height / chart.width, missing, left=True)
            pdf.set_y(top)
            _table(pdf, tables.pop(0), x=_MARGIN + width + 8, width=_BODY_W - width - 8)
            pdf.set_y(max(bottom, pdf.get_y()))
        else:
            _image(pdf, png, title, width, chart.height / chart.width, missing)
    for table in tables:
        _table(pdf, table)


def briefing_pdf(deck: Deck, boundaries=None, label_points: pd.DataFrame | None = None, *,
                 meeting_title: str | None = None, generated: dt.datetime | None = None,
                 synthetic: bool = False, draw_charts: bool = True) -> bytes:
    """The briefing of ``deck`` as PDF bytes.

    ``boundaries`` (a GeoDataFrame of village polygons, cockpit.geo.boundaries) and ``label_points``
    (village_id, lon, lat) draw the map; without them the map section keeps its table only.
    ``draw_charts=False`` leaves the charts out (a note says so). Raises :class:`BriefingError`
    when the Chinese font is missing; a chart failure only replaces the charts by a note.
    """
    problem = font_problem()
    if problem:
        raise BriefingError(problem)
    t = Translator(deck.lang)
    generated = generated or dt.datetime.now()
    jobs = _chart_jobs(deck, boundaries, label_points)
    pngs: list[bytes | None] = [None] * len(jobs)
    missing = t("presenter.pdf.no_charts", reason=t("presenter.pdf.charts_off"))
    if draw_charts and jobs:
        try:
            pngs = list(render_pngs([job[2] for job in jobs]))
        except ChartRenderError as exc:
            missing = t("presenter.pdf.no_charts", reason=str(exc))
    pdf = _Pdf(t, deck.title or t("presenter.pdf.title", township=deck.township))
    pdf.set_title(pdf.doc_title)
    pdf.set_creator(t("app.title"))
    pdf.set_lang("zh-CN" if deck.lang == "zh" else "en")
    _cover(pdf, deck, meeting_title, generated, synthetic)
    for number, slide in enumerate(deck.slides, start=1):
        charts = [(title, chart, width, png) for (key, title, chart, width), png in zip(jobs, pngs)
                  if key == slide.key]
        _section(pdf, number, slide, charts, missing)
    pdf.add_page()
    pdf.text_block(f"{len(deck.slides) + 1}. {deck.recorded.title}", 18, bold=True, gap=3)
    _table(pdf, deck.recorded, title=False)
    return bytes(pdf.output())


def message_pdf(title: str, message: str) -> bytes:
    """A one-page PDF that says ``message`` under ``title``: what a download gives when its
    document could not be made (cockpit/ui/downloads.py), so the file itself tells why. Written
    with the Chinese font when it is there, else in a core font (non-Latin text then as ``?``)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_page()
    if font_problem() is None:
        pdf.add_font("cjk", "", str(FONT_PATH), collection_font_number=FONT_INDEX)
        family, fix = "cjk", (lambda s: s)
    else:
        family, fix = "helvetica", (lambda s: s.encode("latin-1", "replace").decode("latin-1"))
    pdf.set_font(family, "", 16)
    pdf.multi_cell(0, 9, fix(clean(title, _TITLE_WIDTH)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, 6, fix(clean(message, _TEXT_WIDTH)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())

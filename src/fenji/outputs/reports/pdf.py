"""PDF for a :class:`Document`, with fpdf2 and TrueType fonts given by the caller (a Latin font and a CJK font,
so that Chinese renders as glyphs, not boxes). The renderer reads only the font files it is handed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from fenji.outputs.reports.document import (
    Bullets,
    Document,
    Fields,
    Heading,
    Paragraph,
    StackedBars,
    Table,
    display_width,
    fit,
)
from fenji.outputs.reports.fonts import PdfFonts

BODY = "body"
CJK = "cjk"
HEAD_FILL = (238, 241, 245)
TODO_FILL = (255, 246, 214)
NOTE_COLOR = (70, 80, 95)
HEADING_SIZE = {1: 16.0, 2: 13.0, 3: 11.0}
LINE = 5.0
MIN_COL = 12.0  # mm: room for two CJK characters plus padding
MM_PER_UNIT = 1.55  # mm per Latin character at 8 pt


class ReportPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_text_color(*NOTE_COLOR)
        _cell(self, 0, 5, f"{self.footer_text}   {self.page_no()}/{{nb}}", "C", 7)
        self.set_text_color(0, 0, 0)


def _setup(doc: Document, fonts: PdfFonts) -> ReportPDF:
    main = fonts.regular or fonts.cjk
    if main is None:
        raise ValueError("a TrueType font is needed to render the PDF")
    pdf = ReportPDF(doc.title)
    pdf.add_font(BODY, "", main.path, collection_font_number=main.index)
    bold = fonts.bold or main
    pdf.add_font(BODY, "B", bold.path, collection_font_number=bold.index)
    if fonts.cjk is not None and fonts.cjk != main:
        pdf.add_font(CJK, "", fonts.cjk.path, collection_font_number=fonts.cjk.index)
        pdf.set_fallback_fonts([CJK], exact_match=False)
    pdf.set_title(doc.title)
    pdf.set_creator("fenji")
    pdf.set_lang("zh-CN" if doc.lang == "zh" else "en")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    _font(pdf, "", 9)
    return pdf


def _font(pdf: FPDF, style: str, size: float) -> None:
    """Select the body font and make fpdf2 write it to the page even when it believes it is current: after text
    drawn in the CJK fallback font, ``cell`` would otherwise show Latin glyphs in the wrong font (boxes)."""
    pdf.set_font(BODY, "B" if style == "" else "", size)
    pdf.set_font(BODY, style, size)


def _cell(pdf: FPDF, w: float, h: float, text: str, align: str = "L", size: float = 7.5) -> None:
    _font(pdf, "", size)
    pdf.cell(w, h, text, align=align)


def _text(pdf: ReportPDF, text: str, size: float = 9, style: str = "", color: tuple[int, int, int] = (0, 0, 0)) -> None:
    _font(pdf, style, size)
    pdf.set_text_color(*color)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(0, LINE * size / 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _min_width(header: str, cells: list[str]) -> float:
    """Room (mm) for the longest unbreakable token of a column, e.g. a date, at the table's font size."""
    tokens = [t for text in cells + header.split() for t in text.split()]
    longest = max([display_width(t) for t in tokens if not any(ord(ch) >= 0x2E80 for ch in t)] or [0])
    return max(MIN_COL, min(longest * MM_PER_UNIT + 3, 32.0))


def _widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], total: float) -> tuple[float, ...]:
    """Column widths (mm) from the text widths: short columns stay narrow, long ones wrap, none too narrow for its
    longest token (dates, IDs)."""
    weights, floors = [], []
    for i, head in enumerate(header):
        cells = [r[i] for r in rows if i < len(r)]
        longest = max([display_width(c) for c in cells] or [0])
        weights.append(float(min(max(longest, max(min(display_width(head), 14), 6)), 60)))
        floors.append(_min_width(head, cells))
    fixed = [i for i, wt in enumerate(weights) if wt / sum(weights) * total < floors[i]]
    rest = total - sum(floors[i] for i in fixed)
    wide = sum(wt for i, wt in enumerate(weights) if i not in fixed) or 1.0
    return tuple(floors[i] if i in fixed else wt / wide * rest for i, wt in enumerate(weights))


def _grid(
    pdf: ReportPDF, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], fills: dict[tuple[int, int], Any]
) -> None:
    _font(pdf, "", 8)
    style = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
    with pdf.table(
        col_widths=_widths(header, rows, pdf.epw),
        width=pdf.epw,
        text_align="LEFT",
        line_height=4.2,
        headings_style=style,
        padding=1,
    ) as table:
        head = table.row()
        for h in header:
            head.cell(h)
        for r, row in enumerate(rows):
            cells = table.row()
            for c, text in enumerate(row):
                cells.cell(text, style=fills.get((r, c)))
    pdf.ln(2)


def _heading(pdf: ReportPDF, b: Heading) -> None:
    if pdf.will_page_break(25):
        pdf.add_page()
    pdf.ln(2)
    _text(pdf, b.text, HEADING_SIZE.get(b.level, 10.0), "B")
    pdf.ln(1)


def _paragraph(pdf: ReportPDF, b: Paragraph) -> None:
    if b.style in ("note", "quote", "warning"):
        color = (150, 30, 20) if b.style == "warning" else NOTE_COLOR
        _text(pdf, b.text, 8.5, "", color)
    else:
        _text(pdf, b.text, 9, "B" if b.style == "status" else "")
    pdf.ln(1)


def _bullets(pdf: ReportPDF, b: Bullets) -> None:
    for item in b.items:
        _text(pdf, f"• {item}")
    pdf.ln(1)


def _table(pdf: ReportPDF, b: Table) -> None:
    if b.caption:
        _text(pdf, b.caption, 8.5, "", NOTE_COLOR)
    _grid(pdf, b.header, b.rows, {})


def _fields(pdf: ReportPDF, b: Fields) -> None:
    rows = tuple((f.label, f.cite, f.shown()) for f in b.items)
    todo = FontFace(fill_color=TODO_FILL)
    fills = {(i, 2): todo for i, f in enumerate(b.items) if f.todo}
    _grid(pdf, b.header, rows, fills)


def _chart(pdf: ReportPDF, b: StackedBars) -> None:
    """Horizontal stacked bars drawn with rectangles, then a legend."""
    _text(pdf, b.title, 10, "B")
    label_w, plot_w, bar_h = 55.0, pdf.epw - 65.0, 5.0
    scale = plot_w / b.max_total if b.max_total else 0.0
    for row in b.rows:
        if pdf.will_page_break(bar_h + 2):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        _cell(pdf, label_w - 2, bar_h, fit(row.label, 40), "R")
        x = pdf.l_margin + label_w
        for seg in row.segments:
            pdf.set_fill_color(*_rgb(seg.color))
            pdf.rect(x, y, seg.value * scale, bar_h, style="F")
            x += seg.value * scale
        pdf.set_xy(x + 1, y)
        _cell(pdf, 10, bar_h, str(row.total))
        pdf.set_y(y + bar_h + 1.5)
    _legend(pdf, b)


def _legend(pdf: ReportPDF, b: StackedBars) -> None:
    pdf.ln(1)
    x = pdf.l_margin + 55.0
    for seg in b.legend():
        width = 9 + 1.45 * display_width(seg.label)
        if x + width > pdf.l_margin + pdf.epw:
            x = pdf.l_margin + 55.0
            pdf.ln(5)
        y = pdf.get_y()
        pdf.set_fill_color(*_rgb(seg.color))
        pdf.rect(x, y + 1, 3.5, 3.5, style="F")
        pdf.set_xy(x + 5, y)
        _cell(pdf, width - 5, 5, seg.label)
        x += width
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(8)


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


RENDER: dict[type, Callable[[ReportPDF, Any], None]] = {
    Heading: _heading,
    Paragraph: _paragraph,
    Bullets: _bullets,
    Table: _table,
    Fields: _fields,
    StackedBars: _chart,
}


def render_pdf(doc: Document, fonts: PdfFonts) -> bytes:
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # bitmap tables of some CJK fonts are dropped
    pdf = _setup(doc, fonts)
    _text(pdf, doc.title, 17, "B")
    if doc.subtitle:
        _text(pdf, doc.subtitle, 11, "B")
    pdf.ln(2)
    for key, value in doc.meta:
        _text(pdf, f"{key}: {value}", 8.5, "", NOTE_COLOR)
    for block in doc.blocks:
        RENDER[type(block)](pdf, block)
    if doc.disclaimer:
        pdf.ln(3)
        _text(pdf, doc.disclaimer, 8.5, "", NOTE_COLOR)
    return bytes(pdf.output())

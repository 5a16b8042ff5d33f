"""Word (DOCX) for a :class:`Document`, with python-docx. Filing offices take Word: headings use Word's heading
styles, fields are three-column tables, TODO cells are highlighted. Chinese text gets an East Asian font name."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import docx
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as DocxTable

from fenji.outputs.reports.document import TODO, Bullets, Document, Fields, Heading, Paragraph, StackedBars, Table

LATIN_FONT = "Calibri"
CJK_FONT = "Microsoft YaHei"  # Word substitutes a local CJK font where this one is missing
STYLE_ITALIC = {"note", "quote"}


def _fonts(document: Any) -> None:
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        style = document.styles[name]
        style.font.name = LATIN_FONT
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), CJK_FONT)
    document.styles["Normal"].font.size = Pt(10)


def _grid(document: Any, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> DocxTable:
    table: DocxTable = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for table_row, row in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(table_row.cells, row, strict=True):
            cell.text = text
    return table


def _heading(document: Any, b: Heading) -> None:
    document.add_heading(b.text, level=min(max(b.level - 1, 1), 4))


def _paragraph(document: Any, b: Paragraph) -> None:
    para = document.add_paragraph()
    run = para.add_run(b.text)
    run.bold = b.style in ("status", "warning")
    run.italic = b.style in STYLE_ITALIC


def _bullets(document: Any, b: Bullets) -> None:
    for item in b.items:
        document.add_paragraph(item, style="List Bullet")


def _table(document: Any, b: Table) -> None:
    if b.caption:
        document.add_paragraph().add_run(b.caption).italic = True
    _grid(document, b.header, b.rows)


def _fields(document: Any, b: Fields) -> None:
    table = _grid(document, b.header, tuple((f.label, f.cite, "") for f in b.items))
    for row, f in zip(table.rows[1:], b.items, strict=True):
        cell = row.cells[2]
        cell.text = ""
        para = cell.paragraphs[0]
        if f.value is not None:
            para.add_run(f.value)
            continue
        mark = para.add_run(TODO)
        mark.bold = True
        mark.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if f.hint:
            para.add_run(f": {f.hint}")


def _chart(document: Any, b: StackedBars) -> None:
    legend = [s.label for s in b.legend()]
    rows = tuple(
        (r.label, *(str(next((s.value for s in r.segments if s.label == n), 0)) for n in legend)) for r in b.rows
    )
    document.add_paragraph().add_run(b.title).bold = True
    _grid(document, ("", *legend), rows)


RENDER: dict[type, Callable[[Any, Any], None]] = {
    Heading: _heading,
    Paragraph: _paragraph,
    Bullets: _bullets,
    Table: _table,
    Fields: _fields,
    StackedBars: _chart,
}


def render_docx(doc: Document) -> bytes:
    document = docx.Document()
    _fonts(document)
    document.core_properties.title = doc.title
    document.core_properties.subject = doc.subtitle
    document.core_properties.language = "zh-CN" if doc.lang == "zh" else "en"
    document.add_heading(doc.title, level=0)
    if doc.subtitle:
        document.add_paragraph().add_run(doc.subtitle).bold = True
    if doc.meta:
        _grid(document, ("", ""), tuple((k, v) for k, v in doc.meta))
    for block in doc.blocks:
        RENDER[type(block)](document, block)
    if doc.disclaimer:
        document.add_paragraph().add_run(doc.disclaimer).italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

"""Excel (XLSX) for a :class:`Document`, with openpyxl: one sheet per table (named after its heading), charts as a
data sheet with a native stacked bar chart, and a cover sheet with the meta lines and the disclaimer."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fenji.outputs.reports.document import Document, Fields, Heading, StackedBars, Table

HEAD_FILL = PatternFill("solid", fgColor="EEF1F5")
TODO_FILL = PatternFill("solid", fgColor="FFF6D6")
BAD_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(wb: Workbook, title: str) -> str:
    base = BAD_CHARS.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name in wb.sheetnames:
        name, n = f"{base[:25]} {n}", n + 1
    return name


def _write(ws: Worksheet, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for row in rows:
        ws.append([int(c) if c.isdigit() else c for c in row])
    for i, _ in enumerate(header, start=1):
        letter = get_column_letter(i)
        longest = max(len(str(c.value or "")) for c in ws[letter])
        ws.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _chart_sheet(wb: Workbook, b: StackedBars) -> None:
    ws = wb.create_sheet(_sheet_name(wb, b.title))
    legend = [s.label for s in b.legend()]
    rows = [(r.label, *(str(next((s.value for s in r.segments if s.label == n), 0)) for n in legend)) for r in b.rows]
    _write(ws, ("", *legend), rows)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = b.title
    chart.height = max(7.5, 0.9 * len(rows))
    chart.width = 24
    data = Reference(ws, min_col=2, max_col=1 + len(legend), min_row=1, max_row=1 + len(rows))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(rows)))
    ws.add_chart(chart, f"A{len(rows) + 3}")


def _cover(wb: Workbook, doc: Document) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = _sheet_name(wb, doc.title)
    ws.append([doc.title])
    ws["A1"].font = Font(bold=True, size=14)
    if doc.subtitle:
        ws.append([doc.subtitle])
    for key, value in doc.meta:
        ws.append([key, value])
    ws.append([])
    ws.append([doc.disclaimer])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 80


def render_xlsx(doc: Document) -> bytes:
    wb = Workbook()
    _cover(wb, doc)
    heading = doc.title
    for block in doc.blocks:
        if isinstance(block, Heading):
            heading = block.text
        elif isinstance(block, StackedBars):
            _chart_sheet(wb, block)
        elif isinstance(block, Table):
            _write(wb.create_sheet(_sheet_name(wb, heading)), block.header, list(block.rows))
        elif isinstance(block, Fields):
            ws = wb.create_sheet(_sheet_name(wb, heading))
            _write(ws, block.header, [(f.label, f.cite, f.shown()) for f in block.items])
            for f, row in zip(block.items, ws.iter_rows(min_row=2), strict=True):
                if f.todo:
                    row[2].fill = TODO_FILL
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

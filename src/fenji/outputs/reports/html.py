"""HTML for a :class:`Document` from the Jinja templates in ``outputs/templates/report`` (shared with the web app),
with server-side SVG charts."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jinja2

from fenji.outputs.reports.document import Document, StackedBars, fit

CHART_WIDTH = 760
LABEL_WIDTH = 230
BAR_HEIGHT = 18
ROW_GAP = 8
LEGEND_ROW = 20


@dataclass(frozen=True)
class SegmentBox:
    x: float
    w: float
    color: str
    label: str
    value: int


@dataclass(frozen=True)
class RowBox:
    y: float
    label: str
    total: int
    end: float
    segments: tuple[SegmentBox, ...]


@dataclass(frozen=True)
class LegendBox:
    x: float
    y: float
    color: str
    label: str


@dataclass(frozen=True)
class ChartGeometry:
    title: str
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: tuple[RowBox, ...]
    legend: tuple[LegendBox, ...]


def _legend(chart: StackedBars, top: float) -> tuple[tuple[LegendBox, ...], float]:
    boxes = []
    x, y = float(LABEL_WIDTH), top
    for seg in chart.legend():
        width = 28 + 7 * len(seg.label)
        if x + width > CHART_WIDTH:
            x, y = float(LABEL_WIDTH), y + LEGEND_ROW
        boxes.append(LegendBox(x, y, seg.color, seg.label))
        x += width
    return tuple(boxes), y + LEGEND_ROW


def chart_geometry(chart: StackedBars) -> ChartGeometry:
    """Where every bar segment and legend entry goes, in SVG user units."""
    plot = CHART_WIDTH - LABEL_WIDTH - 40
    scale = plot / chart.max_total if chart.max_total else 0.0
    rows = []
    for i, row in enumerate(chart.rows):
        y = 10 + i * (BAR_HEIGHT + ROW_GAP)
        x = float(LABEL_WIDTH)
        segs = []
        for seg in row.segments:
            w = seg.value * scale
            segs.append(SegmentBox(round(x, 1), round(w, 1), seg.color, seg.label, seg.value))
            x += w
        rows.append(RowBox(y, fit(row.label, 36), row.total, round(x, 1), tuple(segs)))
    legend, bottom = _legend(chart, 20 + len(rows) * (BAR_HEIGHT + ROW_GAP))
    return ChartGeometry(chart.title, CHART_WIDTH, int(bottom + 10), LABEL_WIDTH, BAR_HEIGHT, tuple(rows), legend)


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment over ``fenji/outputs/templates`` (autoescaped); the web app may reuse it."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("fenji.outputs", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(doc: Document) -> str:
    charts = {b.title: chart_geometry(b) for b in doc.blocks if isinstance(b, StackedBars)}
    return environment().get_template("report/document.html").render(doc=doc, lang=doc.lang, charts=charts)

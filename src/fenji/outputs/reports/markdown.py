"""Markdown for a :class:`Document` (the golden-tested format)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fenji.outputs.reports.document import TODO, Bullets, Document, Fields, Heading, Paragraph, StackedBars, Table

STYLE_PREFIX = {"note": "> ", "quote": "> ", "warning": "> **!** ", "status": "**", "normal": ""}


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip() or "—"


def _table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _heading(b: Heading) -> list[str]:
    return ["#" * min(b.level, 6) + " " + b.text]


def _paragraph(b: Paragraph) -> list[str]:
    if b.style == "status":
        return [f"**{b.text}**"]
    prefix = STYLE_PREFIX.get(b.style, "")
    return [prefix + line if line else prefix.rstrip() for line in b.text.split("\n")]


def _bullets(b: Bullets) -> list[str]:
    return [f"- {item}" for item in b.items]


def _plain_table(b: Table) -> list[str]:
    lines = [f"*{b.caption}*", ""] if b.caption else []
    return lines + _table(b.header, b.rows)


def _fields(b: Fields) -> list[str]:
    rows = []
    for f in b.items:
        value = f.value if f.value is not None else f"**{TODO}**" + (f": {f.hint}" if f.hint else "")
        rows.append((f.label, f.cite, value))
    return _table(b.header, tuple(rows))


def _chart(b: StackedBars) -> list[str]:
    legend = [s.label for s in b.legend()]
    rows = tuple(
        (r.label, *(str(next((s.value for s in r.segments if s.label == name), 0)) for name in legend), str(r.total))
        for r in b.rows
    )
    return [f"*{b.title}*", ""] + _table(("", *legend, "Σ"), rows)


RENDER: dict[type, Callable[[Any], list[str]]] = {
    Heading: _heading,
    Paragraph: _paragraph,
    Bullets: _bullets,
    Table: _plain_table,
    Fields: _fields,
    StackedBars: _chart,
}


def render_markdown(doc: Document) -> str:
    out = [f"# {doc.title}"]
    if doc.subtitle:
        out += ["", f"**{doc.subtitle}**"]
    if doc.meta:
        out += [""] + [f"- {k}: {v}" for k, v in doc.meta]
    for block in doc.blocks:
        out += [""] + RENDER[type(block)](block)
    if doc.disclaimer:
        out += ["", "---", "", f"_{doc.disclaimer}_"]
    return "\n".join(out) + "\n"

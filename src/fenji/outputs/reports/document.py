"""The neutral document every report is built as, before it becomes Markdown, HTML, DOCX, PDF, XLSX or JSON.

A :class:`Document` is a title, a few meta lines and a list of blocks. Each block kind has one renderer per
format, so a new report is written once (as blocks) and every format follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

TODO = "TODO"


def display_width(text: str) -> int:
    """Width in Latin-character units: CJK and full-width characters count twice."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` display units, with an ellipsis."""
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str
    level: int = 2

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "level": self.level}


@dataclass(frozen=True)
class Paragraph:
    """Plain text; ``style`` is normal | note | warning | status."""

    kind: ClassVar[str] = "paragraph"
    text: str
    style: str = "normal"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "style": self.style}


@dataclass(frozen=True)
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "items": list(self.items)}


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "header": list(self.header), "rows": [list(r) for r in self.rows]}
        if self.caption:
            data["caption"] = self.caption
        return data


@dataclass(frozen=True)
class Field:
    """One field a law asks for: a value from the card, or ``None`` (a TODO with a hint on what to write)."""

    id: str
    label: str
    cite: str
    value: str | None
    hint: str = ""
    source: str = ""

    @property
    def todo(self) -> bool:
        return self.value is None

    def shown(self) -> str:
        """The value, or the TODO marker with its hint."""
        if self.value is not None:
            return self.value
        return f"{TODO}: {self.hint}" if self.hint else TODO

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label, "cite": self.cite, "value": self.value}
        data["todo"] = self.todo
        if self.hint:
            data["hint"] = self.hint
        if self.source:
            data["source"] = self.source
        return data


@dataclass(frozen=True)
class Fields:
    kind: ClassVar[str] = "fields"
    items: tuple[Field, ...]
    header: tuple[str, str, str] = ("Field", "Legal basis", "Content")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "header": list(self.header), "fields": [f.to_dict() for f in self.items]}


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    color: str


@dataclass(frozen=True)
class BarRow:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True)
class StackedBars:
    """A horizontal stacked bar chart (e.g. systems per tier, one bar per regime)."""

    kind: ClassVar[str] = "chart"
    title: str
    rows: tuple[BarRow, ...]
    unit: str = ""

    @property
    def max_total(self) -> int:
        return max((r.total for r in self.rows), default=0)

    def legend(self) -> list[Segment]:
        seen: dict[str, Segment] = {}
        for row in self.rows:
            for seg in row.segments:
                seen.setdefault(seg.label, seg)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "unit": self.unit,
            "rows": [
                {"label": r.label, "segments": [{"label": s.label, "value": s.value} for s in r.segments]}
                for r in self.rows
            ],
        }


Block = Heading | Paragraph | Bullets | Table | Fields | StackedBars


@dataclass
class Document:
    kind: str
    lang: str
    title: str
    subtitle: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    disclaimer: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # extra machine-readable content for the JSON format

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self

    def extend(self, blocks: Sequence[Block]) -> Document:
        self.blocks.extend(blocks)
        return self

    @property
    def fields(self) -> list[Field]:
        return [f for b in self.blocks if isinstance(b, Fields) for f in b.items]

    @property
    def todo_count(self) -> int:
        return sum(1 for f in self.fields if f.todo)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "lang": self.lang,
            "title": self.title,
            "subtitle": self.subtitle,
            "meta": [{"label": k, "value": v} for k, v in self.meta],
            "todo": self.todo_count,
            "blocks": [b.to_dict() for b in self.blocks],
            "disclaimer": self.disclaimer,
        }
        data.update(self.data)
        return data

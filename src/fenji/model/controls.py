"""The control catalogue as renderers see it: families, controls, and for each control the
sources (one per regime and provision) that ask for it with their strength.

The engine builds a :class:`CatalogueView` from ``rules/controls.yaml``; outputs (the plan, OSCAL)
read only these plain objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fenji.model.facts import Text

# How a source's number compares: the strictest source has the largest retention, the
# shortest deadline or interval, the longest advance notice.
MEASURES: dict[str, str] = {
    "retention_days": "max",
    "deadline_hours": "min",
    "interval_days": "min",
    "interval_hours": "min",
    "notice_lead_days": "max",
}


@dataclass(frozen=True)
class ControlSource:
    """One regime's version of a control, e.g. "AI Act Art. 19(1): keep logs >= 6 months"."""

    regime: str
    citation: str
    requirement: Text
    measure: str | None = None
    value: float | None = None

    def strength(self) -> float | None:
        """A number where larger is stricter, or None when the source has no number."""
        if self.measure is None or self.value is None:
            return None
        return self.value if MEASURES[self.measure] == "max" else -self.value

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "regime": self.regime,
            "citation": self.citation,
            "requirement": self.requirement.as_dict(),
        }
        if self.measure is not None and self.value is not None:
            data[self.measure] = self.value
        return data


def strictest_first(sources: tuple[ControlSource, ...]) -> tuple[ControlSource, ...]:
    """Sources with a number, strictest first, then the others in catalogue order."""
    numbered = [s for s in sources if s.strength() is not None]
    numbered.sort(key=lambda s: -(s.strength() or 0.0))
    return tuple(numbered) + tuple(s for s in sources if s.strength() is None)


@dataclass(frozen=True)
class CatalogueControl:
    id: str
    family: str
    title: Text
    evidence: Text
    strictest: Text | None = None
    sources: tuple[ControlSource, ...] = ()


@dataclass(frozen=True)
class CatalogueView:
    version: str
    families: dict[str, Text]
    controls: tuple[CatalogueControl, ...]

    def by_family(self) -> dict[str, list[CatalogueControl]]:
        out: dict[str, list[CatalogueControl]] = {f: [] for f in self.families}
        for control in self.controls:
            out.setdefault(control.family, []).append(control)
        return out

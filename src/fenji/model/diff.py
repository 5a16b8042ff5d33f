"""Law-change impact (``fenji diff``): per card, the tier changes and the obligations gained, lost
or moved in time between two rule-pack versions or two dates, each with what caused it — the pack
changelog entry and the rule dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fenji.model.facts import Text


@dataclass(frozen=True)
class ChangelogEntry:
    """One bullet of a pack's CHANGELOG.md, with its version section and subsection."""

    pack: str
    version: str
    date: dt.date | None
    section: str  # Added | Changed | Removed | Fixed | …
    text: str

    def label(self) -> str:
        when = f" ({self.date.isoformat()})" if self.date else ""
        return f"{self.pack} {self.version}{when} {self.section}: {self.text}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "version": self.version,
            "date": self.date.isoformat() if self.date else None,
            "section": self.section,
            "text": self.text,
        }


@dataclass(frozen=True)
class Cause:
    """Why something changed: a changelog entry, or what changed in the rule itself."""

    text: str
    entry: ChangelogEntry | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.entry is not None:
            return {"changelog": self.entry.to_dict()}
        return {"rule_change": self.text}


@dataclass(frozen=True)
class TierChange:
    regime: str
    old_tier: str | None  # None when the regime did not exist
    new_tier: str | None
    old_applies: bool | None
    new_applies: bool | None
    causes: tuple[Cause, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "from": {"tier": self.old_tier, "applies": self.old_applies},
            "to": {"tier": self.new_tier, "applies": self.new_applies},
            "causes": [c.to_dict() for c in self.causes],
        }


@dataclass(frozen=True)
class ObligationChange:
    regime: str
    rule_id: str
    change: str  # gained | lost | moved
    citation: str
    title: Text
    old_applies_from: dt.date | None = None
    new_applies_from: dt.date | None = None
    causes: tuple[Cause, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "rule": self.rule_id,
            "change": self.change,
            "citation": self.citation,
            "title": self.title.as_dict(),
            "old_applies_from": self.old_applies_from.isoformat() if self.old_applies_from else None,
            "new_applies_from": self.new_applies_from.isoformat() if self.new_applies_from else None,
            "causes": [c.to_dict() for c in self.causes],
        }


@dataclass
class CardDiff:
    system_id: str
    system_name: str
    tier_changes: list[TierChange] = field(default_factory=list)
    obligation_changes: list[ObligationChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.tier_changes or self.obligation_changes)

    def of_kind(self, change: str) -> list[ObligationChange]:
        return [c for c in self.obligation_changes if c.change == change]

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": {"id": self.system_id, "name": self.system_name},
            "changed": self.changed,
            "tier_changes": [t.to_dict() for t in self.tier_changes],
            "gained": [c.to_dict() for c in self.of_kind("gained")],
            "lost": [c.to_dict() for c in self.of_kind("lost")],
            "moved": [c.to_dict() for c in self.of_kind("moved")],
        }


@dataclass
class DiffReport:
    old_label: str  # e.g. "packs /tmp/old as of 2026-11-22"
    new_label: str
    cards: list[CardDiff]

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.old_label, "to": self.new_label, "cards": [c.to_dict() for c in self.cards]}

"""A card's timeline: every dated obligation and tier change per regime, each marked past, current
or upcoming relative to the viewpoint date (``fenji timeline``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fenji.model.facts import Text

PAST, CURRENT, UPCOMING = "past", "current", "upcoming"
KIND_ORDER = {"tier": 0, "lapsed": 1, "ends": 2, "applies": 3, "due": 4}


@dataclass(frozen=True)
class TimelineEvent:
    date: dt.date
    regime: str
    kind: str  # applies | ends | due | tier | lapsed (ended before it ever applied)
    phase: str  # past | current | upcoming
    title: Text
    citation: str = ""
    rule_id: str | None = None
    status: str = "applies"  # applies | waived | indeterminate (obligations); the new tier (tier events)
    addressee: str | None = None
    note: Text | None = None

    def sort_key(self) -> tuple[dt.date, int, str]:
        return (self.date, KIND_ORDER.get(self.kind, 9), self.rule_id or "")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.date.isoformat(),
            "regime": self.regime,
            "kind": self.kind,
            "phase": self.phase,
            "title": self.title.as_dict(),
            "status": self.status,
        }
        if self.rule_id:
            data["rule"] = self.rule_id
        if self.citation:
            data["citation"] = self.citation
        if self.addressee:
            data["addressee"] = self.addressee
        if self.note:
            data["note"] = self.note.as_dict()
        return data


@dataclass(frozen=True)
class UndatedDeadline:
    """A deadline relative to a fact the card does not answer yet (e.g. the launch date)."""

    regime: str
    rule_id: str
    citation: str
    title: Text
    due: Text
    needs_fact: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "rule": self.rule_id,
            "citation": self.citation,
            "title": self.title.as_dict(),
            "due": self.due.as_dict(),
            "needs_fact": self.needs_fact,
        }


@dataclass
class Timeline:
    as_of: dt.date
    system_id: str
    system_name: str
    regime_titles: dict[str, Text]
    events: list[TimelineEvent]
    undated: list[UndatedDeadline] = field(default_factory=list)

    def by_regime(self) -> dict[str, list[TimelineEvent]]:
        out: dict[str, list[TimelineEvent]] = {r: [] for r in self.regime_titles}
        for event in sorted(self.events, key=TimelineEvent.sort_key):
            out.setdefault(event.regime, []).append(event)
        return {r: events for r, events in out.items() if events}

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "system": {"id": self.system_id, "name": self.system_name},
            "regimes": {r: [e.to_dict() for e in events] for r, events in self.by_regime().items()},
            "undated": [u.to_dict() for u in self.undated],
        }

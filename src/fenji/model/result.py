"""Assessment results: per regime a tier with labels, roles, obligations, pending questions
and a trace. ``Assessment.to_dict`` is the JSON contract (``schema_version`` 1, design.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fenji.model.card import SystemCard
from fenji.model.facts import Text, value_to_json
from fenji.model.plan import Plan as Plan
from fenji.model.plan import PlanControl as PlanControl

SCHEMA_VERSION = 1
SEVERITY_ORDER = {"prohibited": 0, "high": 1, "medium": 2, "low": 3, "none": 4}
FAIL_ON = {"prohibited": 0, "high": 1, "any": 3}


class Status(StrEnum):
    APPLIES = "applies"
    DOES_NOT_APPLY = "does_not_apply"
    INDETERMINATE = "indeterminate"
    WAIVED = "waived"

    @classmethod
    def of(cls, value: bool | None) -> Status:
        if value is None:
            return cls.INDETERMINATE
        return cls.APPLIES if value else cls.DOES_NOT_APPLY


@dataclass(frozen=True)
class RuleTrace:
    rule_id: str
    status: Status
    citation: str
    title: Text
    facts_used: dict[str, Any]
    missing: tuple[str, ...] = ()
    failed: str | None = None  # the first condition that failed, for does_not_apply
    note: str | None = None

    def render(self, lang: str) -> str:
        head = f"{self.rule_id} [{self.citation}] {self.title.get(lang)}: {self.status.value}"
        if self.status is Status.INDETERMINATE and self.missing:
            head += " — missing " + ", ".join(self.missing)
        elif self.failed:
            head += " — " + self.failed
        elif self.facts_used:
            used = ", ".join(f"{k}={_short(v)}" for k, v in self.facts_used.items())
            head += " — " + used
        if self.note:
            head += f" ({self.note})"
        return head


def _short(value: Any) -> str:
    out = value_to_json(value)
    if isinstance(out, list):
        return "[" + ",".join(str(x) for x in out) + "]"
    if isinstance(out, bool):
        return "true" if out else "false"
    return str(out)


@dataclass(frozen=True)
class Pending:
    fact: str
    question: Text
    affects: str  # "tier" | "scope" | "labels" | "roles" | "obligations"
    weight: int = 1  # how many open outcomes this fact could settle

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "question": self.question.as_dict(), "affects": self.affects}


@dataclass(frozen=True, slots=True)
class ObligationInfo:
    """What an obligation says, fixed when its pack loads (shared by every result that lists it)."""

    id: str
    citation: str
    addressee: str
    applies_from: dt.date
    superseded_on: dt.date | None
    controls: tuple[str, ...]
    title: Text
    rationale: Text
    url: str | None = None
    penalty: str | None = None
    due_text: Text | None = None
    lighter_path: Text | None = None
    confidence: str = "confirmed"
    soft_law: bool = False


@dataclass(slots=True)
class ObligationResult:
    """One obligation for one card: the fixed info plus what depends on the card's facts."""

    info: ObligationInfo
    status: Status
    applies_from: dt.date
    due_date: dt.date | None = None
    lighter: bool = False
    missing: tuple[str, ...] = ()
    waiver_reason: str | None = None

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def citation(self) -> str:
        return self.info.citation

    @property
    def addressee(self) -> str:
        return self.info.addressee

    @property
    def superseded_on(self) -> dt.date | None:
        return self.info.superseded_on

    @property
    def controls(self) -> tuple[str, ...]:
        return self.info.controls

    @property
    def title(self) -> Text:
        return self.info.title

    @property
    def rationale(self) -> Text:
        return self.info.rationale

    @property
    def url(self) -> str | None:
        return self.info.url

    @property
    def penalty(self) -> str | None:
        return self.info.penalty

    @property
    def due_text(self) -> Text | None:
        return self.info.due_text

    @property
    def lighter_path(self) -> Text | None:
        return self.info.lighter_path if self.lighter else None

    @property
    def confidence(self) -> str:
        return self.info.confidence

    @property
    def soft_law(self) -> bool:
        return self.info.soft_law

    def in_application(self, as_of: dt.date) -> bool:
        return self.applies_from <= as_of and (self.superseded_on is None or as_of < self.superseded_on)

    def to_dict(self, as_of: dt.date) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status.value,
            "citation": self.citation,
            "addressee": self.addressee,
            "applies_from": self.applies_from.isoformat(),
            "in_application": self.in_application(as_of),
            "controls": list(self.controls),
            "title": self.title.as_dict(),
            "confidence": self.confidence,
        }
        if self.superseded_on:
            data["superseded_on"] = self.superseded_on.isoformat()
        if self.url:
            data["url"] = self.url
        if self.penalty:
            data["penalty"] = self.penalty
        if self.due_date:
            data["due_date"] = self.due_date.isoformat()
        if self.due_text:
            data["due"] = self.due_text.as_dict()
        if self.lighter_path:
            data["lighter_path"] = self.lighter_path.as_dict()
        if self.soft_law:
            data["soft_law"] = True
        if self.missing:
            data["missing"] = list(self.missing)
        if self.waiver_reason:
            data["waiver_reason"] = self.waiver_reason
        return data


@dataclass
class RegimeResult:
    regime: str
    title: Text
    applies: bool | None
    determined: bool
    tier: str
    labels: list[str]
    could_be: list[str]
    roles: list[str]
    obligations: list[ObligationResult]
    pending: list[Pending]
    trace: list[RuleTrace]
    rule_status: dict[str, Status] = field(default_factory=dict)
    rule_missing: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "determined" if self.determined else "provisional"

    def to_dict(self, as_of: dt.date, lang: str = "en") -> dict[str, Any]:
        return {
            "applies": self.applies,
            "status": self.status,
            "tier": self.tier,
            "labels": list(self.labels),
            "could_be": list(self.could_be),
            "roles": list(self.roles),
            "obligations": [o.to_dict(as_of) for o in self.obligations],
            "pending": [p.to_dict() for p in self.pending],
            "trace": [t.render(lang) for t in self.trace],
        }


@dataclass(frozen=True)
class ProposedFact:
    fact: str
    value: Any
    evidence: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "value": value_to_json(self.value),
            "evidence": self.evidence,
            "confidence": self.confidence,
        }


@dataclass
class Assessment:
    as_of: dt.date
    system_id: str
    system_name: str
    packs: dict[str, dict[str, str]]
    regimes: dict[str, RegimeResult]
    plan: Plan
    card_digest: str
    facts: dict[str, Any] = field(default_factory=dict)
    proposed: list[ProposedFact] = field(default_factory=list)
    decision_id: str | None = None

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "as_of": self.as_of.isoformat(),
            "packs": self.packs,
            "system": {"id": self.system_id, "name": self.system_name},
            "card_digest": self.card_digest,
            "regimes": {k: r.to_dict(self.as_of, lang) for k, r in self.regimes.items()},
            "plan": self.plan.to_dict(),
        }
        if self.proposed:
            data["facts"] = {"proposed": [p.to_dict() for p in self.proposed]}
        if self.decision_id:
            data["decision_id"] = self.decision_id
        return data


@dataclass(frozen=True)
class Finding:
    card: SystemCard
    regime: str
    rule_id: str
    severity: str  # prohibited | high | medium | low | none
    kind: str  # tier | provisional | expired_waiver | missing_evidence
    message: Text
    help_uri: str | None = None
    line: int | None = None

    def at_or_above(self, fail_on: str) -> bool:
        return SEVERITY_ORDER[self.severity] <= FAIL_ON[fail_on]

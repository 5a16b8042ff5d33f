"""The one-stop plan: each control once, with every obligation it satisfies across regimes, the
earliest deadline, the evidence that proves it, the strictest requirement among the regimes that
apply, the small-firm lighter paths, and the conflicts between regimes. Part of the JSON result
(``plan``); ``fenji plan`` renders it on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fenji.model.card import Evidence
from fenji.model.controls import ControlSource
from fenji.model.facts import Text

REQUIRED_STATUS = "applies"


@dataclass(frozen=True)
class PlanObligation:
    """One obligation as the plan shows it under a control."""

    id: str
    regime: str
    citation: str
    addressee: str
    status: str  # applies | waived
    applies_from: dt.date
    title: Text
    superseded_on: dt.date | None = None
    due_date: dt.date | None = None
    lighter_path: Text | None = None
    soft_law: bool = False  # a voluntary framework or recommended standard: planned, never "required"

    @property
    def required(self) -> bool:
        return self.status == REQUIRED_STATUS and not self.soft_law

    @property
    def deadline(self) -> dt.date:
        """The date the duty bites: its computed due date, else the day it applies from."""
        return self.due_date or self.applies_from

    def in_application(self, as_of: dt.date) -> bool:
        return self.applies_from <= as_of and (self.superseded_on is None or as_of < self.superseded_on)

    def to_dict(self, as_of: dt.date | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "regime": self.regime,
            "citation": self.citation,
            "addressee": self.addressee,
            "status": self.status,
            "applies_from": self.applies_from.isoformat(),
            "deadline": self.deadline.isoformat(),
            "title": self.title.as_dict(),
        }
        if as_of is not None:
            data["in_application"] = self.in_application(as_of)
        if self.superseded_on:
            data["superseded_on"] = self.superseded_on.isoformat()
        if self.due_date:
            data["due_date"] = self.due_date.isoformat()
        if self.lighter_path:
            data["lighter_path"] = self.lighter_path.as_dict()
        if self.soft_law:
            data["soft_law"] = True
        return data


def evidence_to_dict(item: Evidence) -> dict[str, Any]:
    data: dict[str, Any] = {"control": item.control, "ref": item.ref, "status": item.status}
    if item.date:
        data["date"] = item.date.isoformat()
    if item.owner:
        data["owner"] = item.owner
    if item.note:
        data["note"] = item.note
    return data


@dataclass(frozen=True)
class PlanControl:
    id: str
    title: Text
    family: str
    satisfies: tuple[str, ...]
    regimes: tuple[str, ...]
    addressees: tuple[str, ...]
    earliest_applies_from: dt.date | None
    evidence: tuple[str, ...] = ()
    evidence_status: str = "missing"  # done | in_progress | planned | expired | missing
    guidance: Text | None = None
    obligations: tuple[PlanObligation, ...] = ()
    evidence_items: tuple[Evidence, ...] = ()
    strictest: Text | None = None
    sources: tuple[ControlSource, ...] = ()  # of the regimes that apply to the card, strictest first
    required_now: bool = False  # an applying, unwaived obligation is in application as of the plan date

    @property
    def earliest_deadline(self) -> dt.date | None:
        """The first date a binding duty bites (voluntary frameworks count only when nothing binds)."""
        binding = [o for o in self.obligations if not o.soft_law] or list(self.obligations)
        return min((o.deadline for o in binding), default=self.earliest_applies_from)

    @property
    def lighter_paths(self) -> tuple[PlanObligation, ...]:
        return tuple(o for o in self.obligations if o.lighter_path)

    @property
    def stage(self) -> str:
        """required_now | later (binding, not yet in application) | voluntary | waived."""
        if self.required_now:
            return "required_now"
        binding = [o for o in self.obligations if not o.soft_law]
        if binding and all(o.status == "waived" for o in binding):
            return "waived"
        return "later" if binding else "voluntary"

    def to_dict(self, as_of: dt.date | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title.as_dict(),
            "family": self.family,
            "satisfies": list(self.satisfies),
            "regimes": list(self.regimes),
            "serves_regimes": len(self.regimes),
            "addressees": list(self.addressees),
            "earliest_applies_from": (self.earliest_applies_from.isoformat() if self.earliest_applies_from else None),
            "earliest_deadline": self.earliest_deadline.isoformat() if self.earliest_deadline else None,
            "required_now": self.required_now,
            "stage": self.stage,
            "evidence": list(self.evidence),
            "evidence_items": [evidence_to_dict(e) for e in self.evidence_items],
            "evidence_status": self.evidence_status,
            "obligations": [o.to_dict(as_of) for o in self.obligations],
        }
        if self.guidance:
            data["guidance"] = self.guidance.as_dict()
        if self.strictest:
            data["strictest"] = self.strictest.as_dict()
        if self.sources:
            data["sources"] = [s.to_dict() for s in self.sources]
        return data


@dataclass(frozen=True)
class ConflictSide:
    citation: str
    requirement: Text
    obligations: tuple[str, ...] = ()  # the card's obligations on this side
    citations: tuple[str, ...] = ()  # their citations

    def to_dict(self) -> dict[str, Any]:
        return {
            "citation": self.citation,
            "requirement": self.requirement.as_dict(),
            "obligations": list(self.obligations),
            "citations": list(self.citations),
        }


@dataclass(frozen=True)
class PlanConflict:
    id: str
    title: Text
    resolution: Text
    sides: tuple[ConflictSide, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title.as_dict(),
            "resolution": self.resolution.as_dict(),
            "sides": [s.to_dict() for s in self.sides],
        }


@dataclass(frozen=True)
class Reduction:
    """The "one piece of evidence serves N regimes" figure."""

    obligations: int
    controls: int
    regimes: int
    shared_controls: int  # controls that serve two or more regimes
    max_regimes_per_control: int
    voluntary: int = 0  # of the obligations, those from voluntary frameworks or recommended standards
    binding: Reduction | None = None  # the same figure for binding law only, when some are voluntary

    @classmethod
    def of(cls, groups: list[list[PlanObligation]], with_binding: bool = True) -> Reduction:
        """From the obligations grouped by control."""
        groups = [g for g in groups if g]
        per_control = [len({o.regime for o in g}) for g in groups]
        keys = {(o.regime, o.id) for g in groups for o in g}
        voluntary = len({(o.regime, o.id) for g in groups for o in g if o.soft_law})
        binding = [[o for o in g if not o.soft_law] for g in groups] if with_binding and voluntary else None
        return cls(
            obligations=len(keys),
            controls=len(groups),
            regimes=len({regime for regime, _ in keys}),
            shared_controls=sum(1 for n in per_control if n > 1),
            max_regimes_per_control=max(per_control, default=0),
            voluntary=voluntary,
            binding=cls.of(binding, with_binding=False) if binding is not None else None,
        )

    @property
    def ratio(self) -> float:
        return round(self.obligations / self.controls, 2) if self.controls else 0.0

    def _text_en(self) -> str:
        voluntary = f" ({self.voluntary} from voluntary frameworks)" if self.voluntary else ""
        text = (
            f"{self.obligations} obligations{voluntary} from {self.regimes} regime(s) are met by "
            f"{self.controls} controls ({self.ratio} obligations per control); "
            f"{self.shared_controls} control(s) serve two or more regimes (up to {self.max_regimes_per_control})"
        )
        if self.binding:
            b = self.binding
            text += (
                f". Binding law only: {b.obligations} obligations from {b.regimes} regime(s), {b.controls} controls, "
                f"{b.shared_controls} serving two or more regimes"
            )
        return text

    def _text_zh(self) -> str:
        voluntary = f"（其中 {self.voluntary} 项来自自愿性框架）" if self.voluntary else ""
        text = (
            f"{self.regimes} 部法规的 {self.obligations} 项义务{voluntary}由 {self.controls} 项控制覆盖"
            f"（平均每项控制 {self.ratio} 项义务）；{self.shared_controls} 项控制同时服务两部以上法规"
            f"（最多 {self.max_regimes_per_control} 部）"
        )
        if self.binding:
            b = self.binding
            text += (
                f"。仅计有约束力的法律：{b.regimes} 部法规的 {b.obligations} 项义务，{b.controls} 项控制，"
                f"其中 {b.shared_controls} 项同时服务两部以上法规"
            )
        return text

    def text(self, lang: str) -> str:
        return self._text_zh() if lang == "zh" else self._text_en()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "obligations": self.obligations,
            "controls": self.controls,
            "regimes": self.regimes,
            "obligations_per_control": self.ratio,
            "shared_controls": self.shared_controls,
            "max_regimes_per_control": self.max_regimes_per_control,
            "voluntary_obligations": self.voluntary,
        }
        if self.binding:
            data["binding"] = {k: v for k, v in self.binding.to_dict().items() if k != "summary"}
        data["summary"] = {"en": self.text("en"), "zh": self.text("zh")}
        return data


def _small_firm(ob: PlanObligation) -> dict[str, Any]:
    lighter = ob.lighter_path.as_dict() if ob.lighter_path else {}
    return {"obligation": ob.id, "regime": ob.regime, "citation": ob.citation, "lighter_path": lighter}


@dataclass
class Plan:
    controls: list[PlanControl]
    obligation_count: int
    conflicts: list[PlanConflict] = field(default_factory=list)
    as_of: dt.date | None = None
    unmatched_evidence: list[Evidence] = field(default_factory=list)  # evidence for controls not in the plan

    @property
    def reduction(self) -> Reduction:
        return Reduction.of([list(c.obligations) for c in self.controls])

    @property
    def lighter_paths(self) -> list[PlanObligation]:
        seen: dict[str, PlanObligation] = {}
        for control in self.controls:
            for ob in control.lighter_paths:
                seen.setdefault(ob.id, ob)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "controls": [c.to_dict(self.as_of) for c in self.controls],
            "obligations": self.obligation_count,
            "control_count": len(self.controls),
            "reduction": self.reduction.to_dict(),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "small_firm": [_small_firm(o) for o in self.lighter_paths],
        }
        if self.unmatched_evidence:
            data["unmatched_evidence"] = [evidence_to_dict(e) for e in self.unmatched_evidence]
        return data

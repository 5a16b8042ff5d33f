"""What the pages need to know about the rule packs: regimes in display order, their tiers with titles and
severity (the dashboard colours), the controls, and the rules library's documents for full-text search."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from fenji import api
from fenji.store import SearchDoc

SEVERITIES = ("prohibited", "high", "medium", "low", "none")


_CUT = re.compile(r"\s*[:：(（]")


@dataclass(frozen=True)
class Label:
    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" and self.zh else self.en

    @functools.cached_property
    def short(self) -> Label:
        """The part before a colon or parenthesis ("China: algorithms, …" -> "China"), for tight places."""

        def cut(text: str) -> str:
            head = _CUT.split(text, maxsplit=1)[0].strip()
            return head if len(head) >= 2 else text

        return Label(cut(self.en), cut(self.zh))


@dataclass(frozen=True)
class TierInfo:
    id: str
    title: Label
    severity: str


@dataclass(frozen=True)
class RegimeInfo:
    id: str
    title: Label
    version: str
    digest: str
    tiers: dict[str, TierInfo]
    authoritative_lang: str

    def tier(self, tier_id: str) -> TierInfo:
        return self.tiers.get(tier_id) or TierInfo(tier_id, Label(tier_id, tier_id), "none")


@dataclass(frozen=True)
class ControlInfo:
    id: str
    family: str
    title: Label
    evidence: Label


@dataclass(frozen=True)
class RuleInfo:
    id: str
    pack: str
    kind: str
    title: Label
    rationale: Label
    citation: str
    url: str | None
    instrument: str
    applies_from: str
    superseded_on: str | None
    confidence: str
    outcome: str
    addressee: str | None
    controls: tuple[str, ...]
    when_yaml: str
    soft_law: bool


class Catalog:
    """Built once per app from the packs ``fenji.api`` loads."""

    def __init__(self, packs: api.PackSet | None = None) -> None:
        self.packs = packs or api.default_packs()
        self.badges: dict[tuple[str, str, str | None, bool, str], str] = {}  # rendered tier badges
        ordered = sorted(self.packs.packs.values(), key=lambda lp: (lp.pack.order, lp.id))
        self.regimes: dict[str, RegimeInfo] = {}
        for lp in ordered:
            p = lp.pack
            self.regimes[lp.id] = RegimeInfo(
                id=lp.id,
                title=Label(p.title.en, p.title.zh),
                version=p.version,
                digest=lp.digest,
                tiers={
                    tier.id: TierInfo(tier.id, Label(tier.title.en, tier.title.zh), tier.severity) for tier in p.tiers
                },
                authoritative_lang=p.authoritative_lang,
            )
        view = api.control_catalogue(self.packs)
        self.controls: dict[str, ControlInfo] = {
            c.id: ControlInfo(c.id, c.family, Label(c.title.en, c.title.zh), Label(c.evidence.en, c.evidence.zh))
            for c in view.controls
        }
        self.families = {fid: Label(text.en, text.zh) for fid, text in view.families.items()}
        self.rules: dict[str, RuleInfo] = {}
        for lp, lr in self.packs.all_rules():
            r = lr.rule
            outcome = ""
            if r.outcome:
                outcome = " ".join(
                    x for x in (r.outcome.tier, r.outcome.label, r.outcome.role and f"role:{r.outcome.role}") if x
                )
            self.rules[r.id] = RuleInfo(
                id=r.id,
                pack=lp.id,
                kind=r.kind,
                title=Label(r.title.en, r.title.zh),
                rationale=Label(r.rationale.en, r.rationale.zh),
                citation=r.citation.short,
                url=r.citation.url,
                instrument=r.citation.instrument,
                applies_from=r.applies_from.isoformat(),
                superseded_on=r.superseded_on.isoformat() if r.superseded_on else None,
                confidence=r.confidence,
                outcome=outcome,
                addressee=r.addressee,
                controls=tuple(r.controls),
                when_yaml=yaml.safe_dump(r.when, allow_unicode=True, sort_keys=False, default_flow_style=False),
                soft_law=r.soft_law,
            )
        self.digest = (
            "sha256:"
            + hashlib.sha256(
                ("|".join(f"{r.id}={r.digest}" for r in self.regimes.values()) + "|controls=" + view.version).encode()
            ).hexdigest()
        )

    def regime(self, regime_id: str) -> RegimeInfo:
        return self.regimes.get(regime_id) or RegimeInfo(regime_id, Label(regime_id, regime_id), "", "", {}, "en")

    def severity(self, regime_id: str, tier_id: str) -> str:
        return self.regime(regime_id).tier(tier_id).severity

    def search_docs(self) -> list[SearchDoc]:
        docs: list[SearchDoc] = []
        for rule in self.rules.values():
            extra = " ".join(x for x in (rule.outcome, rule.addressee or "", " ".join(rule.controls)) if x)
            docs.append(
                SearchDoc(
                    kind=rule.kind,
                    ref=rule.id,
                    pack=rule.pack,
                    citation=rule.citation,
                    title_en=rule.title.en,
                    title_zh=rule.title.zh,
                    body_en=f"{rule.rationale.en} {rule.instrument} {extra}",
                    body_zh=rule.rationale.zh,
                )
            )
        for control in self.controls.values():
            docs.append(
                SearchDoc(
                    kind="control",
                    ref=control.id,
                    pack="controls",
                    citation=control.family,
                    title_en=control.title.en,
                    title_zh=control.title.zh,
                    body_en=control.evidence.en,
                    body_zh=control.evidence.zh,
                )
            )
        return docs

    def fact_label(self, fact_id: str, value: Any, lang: str) -> str:
        fact = self.packs.vocab.facts.get(fact_id)
        if fact is None:
            return str(value)
        if isinstance(value, list):
            return ", ".join(fact.label_of(str(v), lang) for v in value) or "—"
        if isinstance(value, bool):
            return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        return fact.label_of(str(value), lang) if fact.values else str(value)

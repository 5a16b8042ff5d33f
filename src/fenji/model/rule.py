"""Typed shape of rule packs: ``pack.yaml`` and one ``rules/<ID>.yaml`` file per rule.

These pydantic models are the schema of the data files; ``fenji rules schema`` prints the
JSON Schema generated from them (``src/fenji/rules/rule-pack.schema.json``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RULE_ID_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9][A-Z0-9.]*){2,}$")
Confidence = Literal["confirmed", "secondary", "unconfirmed"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Strict):
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Citation(Strict):
    instrument: str = Field(description="Full name of the legal instrument")
    short: str = Field(description="Citation as printed, e.g. 'AI Act Art. 5(1)(f)'")
    article: str | None = None
    paragraph: str | None = None
    point: str | None = None
    url: str | None = None
    amended_by: str | None = None


class Penalty(Strict):
    citation: str
    max: LocalText | None = None


class Due(Strict):
    """A deadline relative to a date fact (e.g. 10 working days after launch)."""

    days: int = Field(ge=0)
    working_days: bool = False
    after_fact: str | None = None
    text: LocalText | None = None


class DateOverride(Strict):
    """A different application date when a condition holds (e.g. the Annex I route)."""

    when: dict[str, Any]
    applies_from: dt.date
    note: LocalText | None = None


class Outcome(Strict):
    tier: str | None = None
    label: str | None = None
    role: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Outcome:
        if not (self.tier or self.label or self.role):
            raise ValueError("an outcome needs a tier, a label or a role")
        return self


class Rule(Strict):
    id: str = Field(description="Stable ID, never reused: JURIS-INSTRUMENT-PROVISION[-SUB]")
    kind: Literal["classification", "obligation"]
    title: LocalText
    rationale: LocalText = Field(description="Why the rule exists, in plain words")
    citation: Citation
    in_force_from: dt.date | None = Field(
        default=None, description="When the provision became law (defaults to applies_from)"
    )
    applies_from: dt.date
    superseded_on: dt.date | None = None
    confidence: Confidence = "confirmed"
    confidence_note: str | None = None
    soft_law: bool = False
    deprecated: bool = False
    replaced_by: list[str] = Field(default_factory=list)
    when: dict[str, Any]
    # classification
    outcome: Outcome | None = None
    # obligation
    addressee: str | None = None
    controls: list[str] = Field(default_factory=list)
    penalty: Penalty | None = None
    due: Due | None = None
    date_overrides: list[DateOverride] = Field(
        default_factory=list, description="First matching override sets applies_from"
    )
    lighter_path: LocalText | None = Field(
        default=None, description="The lighter duty the law allows small firms, if any"
    )
    lighter_path_when: dict[str, Any] | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_grammar(cls, value: str) -> str:
        if not RULE_ID_RE.match(value):
            raise ValueError(f"rule ID {value!r} does not match {RULE_ID_RE.pattern}")
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> Rule:
        if self.kind == "classification":
            if self.outcome is None:
                raise ValueError("a classification rule needs an outcome")
            if self.addressee or self.controls:
                raise ValueError("addressee/controls belong to obligation rules")
        else:
            if self.outcome is not None:
                raise ValueError("an obligation rule has no outcome; use addressee")
            if not self.addressee:
                raise ValueError("an obligation rule needs an addressee")
            if not self.controls:
                raise ValueError("an obligation rule needs at least one control")
        if (self.lighter_path is None) != (self.lighter_path_when is None):
            raise ValueError("lighter_path and lighter_path_when go together")
        if self.superseded_on and self.superseded_on <= self.effective_from:
            raise ValueError("superseded_on must come after in_force_from/applies_from")
        return self

    @property
    def effective_from(self) -> dt.date:
        return self.in_force_from or self.applies_from


Severity = Literal["prohibited", "high", "medium", "low", "none"]


class TierDef(Strict):
    id: str
    title: LocalText
    severity: Severity = Field(default="none", description="How `fenji check --fail-on` ranks this tier")
    terminal: bool = Field(
        default=False,
        description="When established, labels of less severe tiers are not reported",
    )


class RoleDef(Strict):
    id: str
    title: LocalText


class ChangelogRef(Strict):
    version: str
    date: dt.date
    source: str


class Pack(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: LocalText
    instrument: str
    authoritative_lang: Literal["en", "zh"]
    consolidated_text_date: dt.date | None = None
    description: LocalText
    tiers: list[TierDef] = Field(min_length=1, description="Most severe first")
    default_tier: str
    out_of_scope_tier: str
    scope: dict[str, Any] = Field(description="Condition under which the regime applies")
    scope_note: LocalText
    roles: list[RoleDef] = Field(default_factory=list)
    order: int = Field(default=100, description="Display order among packs")

    @model_validator(mode="after")
    def _tiers(self) -> Pack:
        ids = [t.id for t in self.tiers]
        if self.default_tier not in ids or self.out_of_scope_tier not in ids:
            raise ValueError("default_tier and out_of_scope_tier must be listed in tiers")
        return self


def rule_json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "fenji rule pack files",
        "$defs": {
            "pack": Pack.model_json_schema(),
            "rule": Rule.model_json_schema(),
        },
    }

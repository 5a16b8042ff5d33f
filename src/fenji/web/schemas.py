"""The REST API's request and response models (they make the OpenAPI document at ``/openapi.json``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from fenji.store import (
    AssessmentRecord,
    AuditEntry,
    CardVersion,
    EvidenceRecord,
    RegimeTier,
    ReviewEvent,
    System,
    SystemSummary,
    User,
    WaiverRecord,
)

MAX_INT = 2**31 - 1


def _no_nul(value: Any) -> Any:
    """PostgreSQL cannot store NUL characters; refuse them anywhere in the input."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL characters are not allowed")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


def _depth(value: Any, level: int = 0) -> Any:
    if level > 20:
        raise ValueError("nested too deeply")
    if isinstance(value, dict):
        for item in value.values():
            _depth(item, level + 1)
    elif isinstance(value, list):
        for item in value:
            _depth(item, level + 1)
    return value


Str = Annotated[str, AfterValidator(_no_nul)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_no_nul)]
Comment = Annotated[str, StringConstraints(max_length=5000), AfterValidator(_no_nul)]
Note = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_no_nul)]
CardData = Annotated[dict[str, Any], AfterValidator(_no_nul), AfterValidator(_depth)]
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Role = Literal["viewer", "editor", "reviewer", "admin"]
Lang = Literal["en", "zh"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(BaseModel):
    en: str
    zh: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code; docs/errors/<code>.md explains it")
    message: str
    field: str | None = Field(description="The input field at fault, when there is one")


class ErrorBody(BaseModel):
    error: ErrorDetail


# --- session and users ------------------------------------------------------------------


class LoginIn(Model):
    username: Name
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_no_nul)]


class UserOut(BaseModel):
    id: int
    username: str
    role: Role
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls.model_validate(user, from_attributes=True)


class TokenOut(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime
    user: UserOut


class UserIn(Model):
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.@-]{1,100}$")]
    password: Annotated[str, StringConstraints(min_length=8, max_length=1000), AfterValidator(_no_nul)]
    role: Role = "viewer"


class UserPatch(Model):
    role: Role | None = None
    active: bool | None = None
    password: Annotated[str, StringConstraints(min_length=8, max_length=1000), AfterValidator(_no_nul)] | None = None


# --- systems and cards ------------------------------------------------------------------


class TierOut(BaseModel):
    regime: str
    tier: str
    status: Literal["determined", "provisional"]
    applies: bool | None

    @classmethod
    def of(cls, tier: RegimeTier) -> TierOut:
        return cls(regime=tier.regime, tier=tier.tier, status=tier.status, applies=tier.applies)


class SystemOut(BaseModel):
    id: int
    slug: str = Field(description="The card's id")
    name: str
    version: int = Field(description="The current card version; send it back as expected_version to edit")
    latest_assessment_id: int | None
    review_state: str | None = None
    tiers: dict[str, TierOut] = Field(default_factory=dict)
    updated_at: dt.datetime

    @classmethod
    def of_summary(cls, s: SystemSummary) -> SystemOut:
        return cls(
            id=s.id,
            slug=s.slug,
            name=s.name,
            version=s.version,
            latest_assessment_id=s.latest_assessment_id,
            review_state=s.review_state,
            tiers={k: TierOut.of(v) for k, v in s.tiers.items()},
            updated_at=s.updated_at,
        )

    @classmethod
    def of_system(cls, s: System, latest: AssessmentRecord | None = None) -> SystemOut:
        return cls(
            id=s.id,
            slug=s.slug,
            name=s.name,
            version=s.version,
            latest_assessment_id=s.latest_assessment_id,
            review_state=latest.review_state if latest else None,
            tiers={k: TierOut.of(v) for k, v in latest.tiers.items()} if latest else {},
            updated_at=s.updated_at,
        )


class SystemList(BaseModel):
    items: list[SystemOut]
    total: int
    limit: int
    offset: int


class SystemIn(Model):
    card: CardData = Field(description="A system card as a JSON object (the YAML shape: id, name, facts, …)")
    note: Note | None = None
    assess: bool = Field(True, description="Assess the new card right away")


class CardIn(Model):
    card: CardData
    expected_version: Id = Field(description="The card version you edited (optimistic lock)")
    note: Note | None = None
    assess: bool = True


class CardOut(BaseModel):
    system_id: int
    version: int
    card: dict[str, Any]
    digest: str
    note: str | None
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, c: CardVersion) -> CardOut:
        return cls.model_validate(c, from_attributes=True)


class SystemCreated(BaseModel):
    system: SystemOut
    assessment: AssessmentOut | None


# --- assessments and reviews ------------------------------------------------------------


class AssessIn(Model):
    as_of: dt.date | None = Field(None, description="The law as it stands on this date (default: today)")


class AssessmentOut(BaseModel):
    id: int
    system_id: int
    card_version: int
    as_of: dt.date
    decision_id: str
    card_digest: str
    packs: dict[str, Any]
    provisional: bool
    created_by: str
    created_at: dt.datetime
    review_state: Literal["draft", "submitted", "approved", "returned"]
    review_version: int = Field(description="Send it back as expected_version to review")
    tiers: dict[str, TierOut]
    result: dict[str, Any] | None = Field(None, description="The JSON result contract (schema_version 1)")

    @classmethod
    def of(cls, a: AssessmentRecord, with_result: bool = True) -> AssessmentOut:
        return cls(
            id=a.id,
            system_id=a.system_id,
            card_version=a.card_version,
            as_of=a.as_of,
            decision_id=a.decision_id,
            card_digest=a.card_digest,
            packs=a.packs,
            provisional=a.provisional,
            created_by=a.created_by,
            created_at=a.created_at,
            review_state=a.review_state,
            review_version=a.review_version,
            tiers={k: TierOut.of(v) for k, v in a.tiers.items()},
            result=a.result if with_result else None,
        )


class ReviewIn(Model):
    action: Literal["submit", "approve", "return"]
    expected_version: Id = Field(description="The review_version you saw")
    comment: Comment | None = None


class ReviewEventOut(BaseModel):
    from_state: str
    to_state: str
    actor: str
    comment: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, e: ReviewEvent) -> ReviewEventOut:
        return cls(
            from_state=e.from_state, to_state=e.to_state, actor=e.actor, comment=e.comment, created_at=e.created_at
        )


class ReviewOut(BaseModel):
    assessment: AssessmentOut
    events: list[ReviewEventOut]


class ReviewQueueItem(BaseModel):
    system_name: str
    assessment: AssessmentOut


# --- plan, timeline, diff, questions ----------------------------------------------------


class PlanOut(BaseModel):
    system_id: int
    assessment_id: int
    as_of: dt.date
    plan: dict[str, Any] = Field(description="The result's plan, each control's evidence status brought up to date")


class TimelineOut(BaseModel):
    system_id: int
    as_of: dt.date
    timeline: dict[str, Any]


class Change(BaseModel):
    what: str
    key: str
    before: Any = None
    after: Any = None


class DiffOut(BaseModel):
    kind: Literal["cards", "assessments"]
    a: int
    b: int
    changes: list[Change]


class QuestionsIn(Model):
    answers: CardData = Field(default_factory=dict, description='fact ID -> answer, e.g. {"market.eu": true}')
    unknown: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        default_factory=list, max_length=500, description='facts answered "I don\'t know" (never asked again)'
    )
    regimes: list[Annotated[str, StringConstraints(max_length=50)]] | None = Field(None, max_length=50)
    as_of: dt.date | None = None
    limit: int = Field(5, ge=1, le=50)


class ChoiceOut(BaseModel):
    id: str
    en: str
    zh: str


class QuestionOut(BaseModel):
    fact: str
    type: str
    question: Bilingual
    help: Bilingual
    values: list[ChoiceOut]
    affects: str
    severity: str
    regimes: list[str]
    group: str | None = Field(None, description="the checklist it is asked in, if any")


class ScreenItemOut(BaseModel):
    fact: str
    label: Bilingual
    gate: bool = Field(description="not a yes/no fact: not ticked gives `none`, ticked asks the fact's own question")
    none: Any = None


class ScreenOut(BaseModel):
    """The step to show now: one question, or a checklist (tick every one that applies)."""

    group: str | None
    question: Bilingual
    facts: list[str]
    items: list[ScreenItemOut] = Field(
        default_factory=list, description="the checklist's lines (empty for one question)"
    )


class RegimeSummary(BaseModel):
    tier: str
    status: str
    applies: bool | None
    could_be: list[str]


class SurveyOut(BaseModel):
    done: bool = Field(description="Nothing left could settle a regime")
    determined: bool
    summary: dict[str, RegimeSummary]
    questions: list[QuestionOut]
    screen: ScreenOut | None = Field(None, description="what a questionnaire shows next (null when done)")


# --- evidence, waivers, audit, rules ----------------------------------------------------


class EvidenceOut(BaseModel):
    id: int
    system_id: int
    control: str
    filename: str
    content_type: str
    size: int
    sha256: str
    note: str | None
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, e: EvidenceRecord) -> EvidenceOut:
        return cls.model_validate(e, from_attributes=True)


class WaiverIn(Model):
    rule: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_no_nul)]
    expires: dt.date


class WaiverOut(BaseModel):
    id: int
    system_id: int
    rule: str
    reason: str
    approved_by: str
    expires: dt.date
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, w: WaiverRecord) -> WaiverOut:
        return cls.model_validate(w, from_attributes=True)


class AuditEntryOut(BaseModel):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls.model_validate(e, from_attributes=True)


class AuditVerifyOut(BaseModel):
    ok: bool
    entries: int
    head: str
    bad_seq: int | None
    problem: str | None


class RuleHit(BaseModel):
    kind: str
    ref: str
    pack: str
    citation: str
    title: Bilingual
    rank: float


class RuleSearchOut(BaseModel):
    items: list[RuleHit]
    total: int


class RuleOut(BaseModel):
    id: str
    pack: str
    kind: str
    title: Bilingual
    rationale: Bilingual
    citation: str
    url: str | None
    applies_from: str
    superseded_on: str | None
    confidence: str
    outcome: str
    addressee: str | None
    controls: list[str]
    when: str


class PackOut(BaseModel):
    id: str
    title: Bilingual
    version: str
    digest: str
    tiers: list[str]


SystemCreated.model_rebuild()

"""What the store hands back: plain frozen records, never live database rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ROLES: tuple[str, ...] = ("viewer", "editor", "reviewer", "admin")  # each role may do what the ones before it may
REVIEW_STATES: tuple[str, ...] = ("draft", "submitted", "approved", "returned")
# review action -> (states it may start from, state it leads to)
REVIEW_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft", "returned"), "submitted"),
    "approve": (("submitted",), "approved"),
    "return": (("submitted",), "returned"),
}


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str


@dataclass(frozen=True)
class User:
    id: int
    org_id: int
    username: str
    role: str
    active: bool
    created_at: dt.datetime
    password_hash: str = field(default="", repr=False)


@dataclass(frozen=True)
class Session:
    user: User
    kind: str  # browser | api
    csrf: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class RegimeTier:
    regime: str
    tier: str
    status: str  # determined | provisional
    applies: bool | None


@dataclass(frozen=True)
class SystemSummary:
    """One row of the inventory: the system and its latest assessment's tiers."""

    id: int
    slug: str
    name: str
    version: int
    updated_at: dt.datetime
    latest_assessment_id: int | None
    tiers: dict[str, RegimeTier]
    review_state: str | None = None


@dataclass(frozen=True)
class System:
    id: int
    org_id: int
    slug: str
    name: str
    version: int
    latest_assessment_id: int | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class CardVersion:
    system_id: int
    version: int
    card: dict[str, Any]
    digest: str
    note: str | None
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True)
class AssessmentInput:
    """What the web layer hands the store to record one assessment (all derived from ``Assessment``)."""

    as_of: dt.date
    decision_id: str
    card_digest: str
    packs: dict[str, Any]
    result: dict[str, Any]  # Assessment.to_dict("en"): the JSON contract
    explanation: dict[str, Any]  # {"zh": {regime: [trace lines]}}
    tiers: list[RegimeTier]
    controls: list[ControlStatus]


@dataclass(frozen=True)
class ControlStatus:
    control: str
    required_now: bool
    evidence_status: str
    earliest_deadline: dt.date | None
    title: dict[str, str]


@dataclass(frozen=True)
class AssessmentRecord:
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
    review_state: str
    review_version: int
    tiers: dict[str, RegimeTier]
    result: dict[str, Any] | None = None  # loaded on request (it is large)
    explanation: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReviewEvent:
    assessment_id: int
    from_state: str
    to_state: str
    actor: str
    comment: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class EvidenceRecord:
    id: int
    system_id: int
    control: str
    filename: str
    content_type: str
    size: int
    sha256: str
    storage: str
    note: str | None
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True)
class WaiverRecord:
    id: int
    system_id: int
    rule: str
    reason: str
    approved_by: str
    expires: dt.date
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    def card_data(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "reason": self.reason,
            "approved_by": self.approved_by,
            "expires": self.expires.isoformat(),
        }


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    actor: str
    org_id: int | None
    action: str
    target: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    entries: int
    head: str
    bad_seq: int | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Deadline:
    """The controls of one system whose earliest deadline falls on one date."""

    system_id: int
    system_name: str
    date: dt.date
    controls: int
    first_control: str


@dataclass(frozen=True)
class Attention:
    system_id: int
    system_name: str
    provisional: bool
    missing_evidence: int


@dataclass(frozen=True)
class SearchDoc:
    """One entry of the rules library: a rule (classification or obligation) or a control."""

    kind: str
    ref: str
    pack: str
    citation: str
    title_en: str
    title_zh: str
    body_en: str
    body_zh: str


@dataclass(frozen=True)
class SearchHit:
    doc: SearchDoc
    rank: float

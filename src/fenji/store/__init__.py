"""The inventory store: systems with versioned cards, immutable assessments, reviews, evidence, waivers,
users and a tamper-evident audit log, on SQLite (default) or PostgreSQL. Imports only ``fenji.errors``
(and the standard library / SQLAlchemy): the web layer turns ``fenji.api`` results into store records.

    >>> store = open_store("sqlite:///fenji.db")      # migrates on open
    >>> store.verify_audit().ok
    True
"""

from __future__ import annotations

from fenji.store.db import data_dir, default_database_url
from fenji.store.records import (
    REVIEW_ACTIONS,
    REVIEW_STATES,
    ROLES,
    AssessmentInput,
    AssessmentRecord,
    Attention,
    AuditEntry,
    AuditReport,
    CardVersion,
    ControlStatus,
    Deadline,
    EvidenceRecord,
    Organisation,
    RegimeTier,
    ReviewEvent,
    SearchDoc,
    SearchHit,
    Session,
    System,
    SystemSummary,
    User,
    WaiverRecord,
    role_at_least,
)
from fenji.store.sql import DEFAULT_ORG, Store, open_store

__all__ = [
    "DEFAULT_ORG",
    "REVIEW_ACTIONS",
    "REVIEW_STATES",
    "ROLES",
    "AssessmentInput",
    "AssessmentRecord",
    "Attention",
    "AuditEntry",
    "AuditReport",
    "CardVersion",
    "ControlStatus",
    "Deadline",
    "EvidenceRecord",
    "Organisation",
    "RegimeTier",
    "ReviewEvent",
    "SearchDoc",
    "SearchHit",
    "Session",
    "Store",
    "System",
    "SystemSummary",
    "User",
    "WaiverRecord",
    "data_dir",
    "default_database_url",
    "open_store",
    "role_at_least",
]

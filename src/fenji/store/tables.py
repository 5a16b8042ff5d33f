"""The store's tables (SQLAlchemy Core). The migrations in ``migrations/versions`` create exactly these;
``tests/store/test_migrations.py`` compares the two so they cannot drift.

Timestamps are UTC (``UtcDateTime``: naive UTC in SQLite, ``timestamptz`` in PostgreSQL, aware UTC in Python).
Assessments, assessment tiers/controls, card versions, review events and audit entries are written once and
never updated; the current state lives in ``systems`` (optimistic lock: ``version``) and ``reviews``
(optimistic lock: ``version``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every backend."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _at(name: str = "created_at") -> sa.Column[dt.datetime]:
    return sa.Column(name, UtcDateTime(), nullable=False)


organisations = sa.Table(
    "organisations",
    metadata,
    _id(),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    _at(),
)

users = sa.Table(
    "users",
    metadata,
    _id(),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(500), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    _at(),
)

sessions = sa.Table(
    "sessions",
    metadata,
    _id(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),  # browser | api
    sa.Column("csrf", sa.String(64), nullable=False),
    _at(),
    _at("expires_at"),
)

systems = sa.Table(
    "systems",
    metadata,
    _id(),
    sa.Column("org_id", sa.Integer, sa.ForeignKey("organisations.id"), nullable=False),
    sa.Column("slug", sa.String(200), nullable=False),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # optimistic lock = the current card version
    sa.Column("latest_assessment_id", sa.Integer, nullable=True),
    # of the latest assessment, kept current for the dashboard: provisional, and how many controls required
    # now have no evidence (recounted when evidence arrives)
    sa.Column("provisional", sa.Boolean, nullable=False),
    sa.Column("missing_evidence", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    _at(),
    _at("updated_at"),
    sa.UniqueConstraint("org_id", "slug"),
    sa.Index("ix_systems_org_id_name", "org_id", "name"),
)

card_versions = sa.Table(
    "card_versions",
    metadata,
    _id(),
    sa.Column("system_id", sa.Integer, sa.ForeignKey("systems.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("digest", sa.String(80), nullable=False),
    sa.Column("note", sa.String(1000), nullable=True),
    sa.Column("created_by", sa.String(100), nullable=False),
    _at(),
    sa.Column("card", sa.JSON, nullable=False),
    sa.UniqueConstraint("system_id", "version"),
)

assessments = sa.Table(
    "assessments",
    metadata,
    _id(),
    sa.Column("system_id", sa.Integer, sa.ForeignKey("systems.id"), nullable=False, index=True),
    sa.Column("card_version", sa.Integer, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("decision_id", sa.String(64), nullable=False, unique=True),
    sa.Column("card_digest", sa.String(80), nullable=False),
    sa.Column("packs", sa.JSON, nullable=False),
    sa.Column("provisional", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    _at(),
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("explanation", sa.JSON, nullable=False),
)

assessment_tiers = sa.Table(
    "assessment_tiers",
    metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), primary_key=True),
    sa.Column("regime", sa.String(50), primary_key=True),
    sa.Column("tier", sa.String(50), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("applies", sa.Boolean, nullable=True),
)

assessment_controls = sa.Table(
    "assessment_controls",
    metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), primary_key=True),
    sa.Column("control", sa.String(100), primary_key=True),
    sa.Column("required_now", sa.Boolean, nullable=False),
    sa.Column("evidence_status", sa.String(20), nullable=False),
    sa.Column("earliest_deadline", sa.Date, nullable=True),
    sa.Column("title", sa.JSON, nullable=False),
)

# Per assessment and date: how many of its controls have their earliest deadline then (the dashboard's list).
assessment_deadlines = sa.Table(
    "assessment_deadlines",
    metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), primary_key=True),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("controls", sa.Integer, nullable=False),
    sa.Column("first_control", sa.String(100), nullable=False),
    sa.Index("ix_assessment_deadlines_date", "date"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), primary_key=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    _at("updated_at"),
)

review_events = sa.Table(
    "review_events",
    metadata,
    _id(),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id"), nullable=False, index=True),
    sa.Column("from_state", sa.String(20), nullable=False),
    sa.Column("to_state", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    _at(),
)

evidence = sa.Table(
    "evidence",
    metadata,
    _id(),
    sa.Column("system_id", sa.Integer, sa.ForeignKey("systems.id"), nullable=False),
    sa.Column("control", sa.String(100), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("storage", sa.String(10), nullable=False),  # db | disk
    sa.Column("data", sa.LargeBinary, nullable=True),
    sa.Column("note", sa.String(1000), nullable=True),
    sa.Column("created_by", sa.String(100), nullable=False),
    _at(),
    sa.Index("ix_evidence_system_id_control", "system_id", "control"),
)

waivers = sa.Table(
    "waivers",
    metadata,
    _id(),
    sa.Column("system_id", sa.Integer, sa.ForeignKey("systems.id"), nullable=False, index=True),
    sa.Column("rule", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(2000), nullable=False),
    sa.Column("approved_by", sa.String(100), nullable=False),
    sa.Column("expires", sa.Date, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    _at(),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_by", sa.String(100), nullable=True),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("org_id", sa.Integer, nullable=True),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

# One row (id = 1): the last entry of the chain. Appenders lock it (SELECT ... FOR UPDATE on PostgreSQL,
# a write transaction on SQLite), so two appends can never chain onto the same entry.
audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# The rules library's documents; the full-text index beside them is dialect-specific (migration 0002).
rule_docs = sa.Table(
    "rule_docs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(20), nullable=False),  # classification | obligation | control
    sa.Column("ref", sa.String(100), nullable=False),
    sa.Column("pack", sa.String(50), nullable=False),
    sa.Column("citation", sa.String(300), nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("title_zh", sa.Text, nullable=False),
    sa.Column("body_en", sa.Text, nullable=False),
    sa.Column("body_zh", sa.Text, nullable=False),
)

EXPORT_TABLES: tuple[sa.Table, ...] = (
    organisations,
    users,
    systems,
    card_versions,
    assessments,
    assessment_tiers,
    assessment_controls,
    assessment_deadlines,
    reviews,
    review_events,
    evidence,
    waivers,
    audit_log,
    audit_head,
)

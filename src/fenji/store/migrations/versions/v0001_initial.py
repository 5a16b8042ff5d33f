"""The inventory: organisations, users, sessions, systems with versioned cards, assessments, reviews,
evidence, waivers, the audit log and its head.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fenji.store.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _at(name: str = "created_at") -> sa.Column[object]:
    return sa.Column(name, UtcDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        _at(),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("name", name="uq_organisations_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("org_id", sa.Integer, nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(500), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        _at(),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_users_org_id_organisations"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        _at(),
        _at("expires_at"),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users"),
        sa.UniqueConstraint("token_hash", name="uq_sessions_token_hash"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "systems",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("org_id", sa.Integer, nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("latest_assessment_id", sa.Integer, nullable=True),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("missing_evidence", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        _at(),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_systems"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_systems_org_id_organisations"),
        sa.UniqueConstraint("org_id", "slug", name="uq_systems_org_id_slug"),
    )
    op.create_index("ix_systems_org_id_name", "systems", ["org_id", "name"])
    op.create_table(
        "card_versions",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("system_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(80), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        _at(),
        sa.Column("card", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_card_versions"),
        sa.ForeignKeyConstraint(["system_id"], ["systems.id"], name="fk_card_versions_system_id_systems"),
        sa.UniqueConstraint("system_id", "version", name="uq_card_versions_system_id_version"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("system_id", sa.Integer, nullable=False),
        sa.Column("card_version", sa.Integer, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("card_digest", sa.String(80), nullable=False),
        sa.Column("packs", sa.JSON, nullable=False),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        _at(),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("explanation", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.ForeignKeyConstraint(["system_id"], ["systems.id"], name="fk_assessments_system_id_systems"),
        sa.UniqueConstraint("decision_id", name="uq_assessments_decision_id"),
    )
    op.create_index("ix_assessments_system_id", "assessments", ["system_id"])
    op.create_table(
        "assessment_tiers",
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("regime", sa.String(50), nullable=False),
        sa.Column("tier", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("applies", sa.Boolean, nullable=True),
        sa.PrimaryKeyConstraint("assessment_id", "regime", name="pk_assessment_tiers"),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_assessment_tiers_assessment_id_assessments"
        ),
    )
    op.create_table(
        "assessment_controls",
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("control", sa.String(100), nullable=False),
        sa.Column("required_now", sa.Boolean, nullable=False),
        sa.Column("evidence_status", sa.String(20), nullable=False),
        sa.Column("earliest_deadline", sa.Date, nullable=True),
        sa.Column("title", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "control", name="pk_assessment_controls"),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_assessment_controls_assessment_id_assessments"
        ),
    )
    op.create_table(
        "assessment_deadlines",
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("controls", sa.Integer, nullable=False),
        sa.Column("first_control", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "date", name="pk_assessment_deadlines"),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_assessment_deadlines_assessment_id_assessments"
        ),
    )
    op.create_index("ix_assessment_deadlines_date", "assessment_deadlines", ["date"])
    op.create_table(
        "reviews",
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("assessment_id", name="pk_reviews"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], name="fk_reviews_assessment_id_assessments"),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("assessment_id", sa.Integer, nullable=False),
        sa.Column("from_state", sa.String(20), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        _at(),
        sa.PrimaryKeyConstraint("id", name="pk_review_events"),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name="fk_review_events_assessment_id_assessments"
        ),
    )
    op.create_index("ix_review_events_assessment_id", "review_events", ["assessment_id"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("system_id", sa.Integer, nullable=False),
        sa.Column("control", sa.String(100), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage", sa.String(10), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=True),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        _at(),
        sa.PrimaryKeyConstraint("id", name="pk_evidence"),
        sa.ForeignKeyConstraint(["system_id"], ["systems.id"], name="fk_evidence_system_id_systems"),
    )
    op.create_index("ix_evidence_system_id_control", "evidence", ["system_id", "control"])
    op.create_table(
        "waivers",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("system_id", sa.Integer, nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=False),
        sa.Column("expires", sa.Date, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        _at(),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_waivers"),
        sa.ForeignKeyConstraint(["system_id"], ["systems.id"], name="fk_waivers_system_id_systems"),
    )
    op.create_index("ix_waivers_system_id", "waivers", ["system_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, autoincrement=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("org_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )


def downgrade() -> None:
    for table in (
        "meta",
        "audit_head",
        "audit_log",
        "waivers",
        "evidence",
        "review_events",
        "reviews",
        "assessment_deadlines",
        "assessment_controls",
        "assessment_tiers",
        "assessments",
        "card_versions",
        "systems",
        "sessions",
        "users",
        "organisations",
    ):
        op.drop_table(table)

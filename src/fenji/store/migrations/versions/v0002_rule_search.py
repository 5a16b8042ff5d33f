"""The rules library and its full-text index that handles Chinese (see ``fenji.store.search``).

SQLite: an FTS5 table (words with the porter stemmer; Chinese as character bigrams and unigrams).
PostgreSQL: ``tsvector`` columns with GIN indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_docs",
        sa.Column("id", sa.Integer, autoincrement=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(100), nullable=False),
        sa.Column("pack", sa.String(50), nullable=False),
        sa.Column("citation", sa.String(300), nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("title_zh", sa.Text, nullable=False),
        sa.Column("body_en", sa.Text, nullable=False),
        sa.Column("body_zh", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rule_docs"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE rule_fts (doc_id integer PRIMARY KEY REFERENCES rule_docs(id) ON DELETE CASCADE, "
            "words tsvector NOT NULL, bigrams tsvector NOT NULL, unigrams tsvector NOT NULL)"
        )
        for column in ("words", "bigrams", "unigrams"):
            op.execute(f"CREATE INDEX ix_rule_fts_{column} ON rule_fts USING gin ({column})")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE rule_fts USING fts5("
            "words, bigrams, unigrams, tokenize = 'porter unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    op.execute("DROP TABLE rule_fts")
    op.drop_table("rule_docs")

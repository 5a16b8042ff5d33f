"""Migrations run on an empty database, are idempotent, match the tables the code uses, and go down and up."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from fenji.store import Store
from fenji.store import db as store_db
from fenji.store.tables import metadata

DERIVED = {"rule_fts", "alembic_version"}


def _tables(store: Store) -> set[str]:
    return set(sa.inspect(store.engine).get_table_names())


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    derived = type_ == "table" and name is not None and (name in DERIVED or name.startswith("rule_fts_"))
    return not derived


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_from_empty_then_again(kind: str, store_factory: Callable[..., Store]) -> None:
    store = store_factory(kind, migrate=False)
    assert store_db.current_revision(store.engine) is None
    assert not _tables(store) - {"alembic_version"}
    store.migrate()
    assert store_db.current_revision(store.engine) == store_db.head_revision()
    expected = {t.name for t in metadata.sorted_tables}
    assert expected <= _tables(store)
    store.migrate()  # idempotent
    assert store_db.current_revision(store.engine) == store_db.head_revision()
    report = store.verify_audit()
    assert report.ok and report.entries == 0


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_create_exactly_the_tables_the_code_uses(kind: str, store_factory: Callable[..., Store]) -> None:
    store = store_factory(kind)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _include, "compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_down_to_empty_and_up_step_by_step(kind: str, store_factory: Callable[..., Store]) -> None:
    store = store_factory(kind)
    store_db.downgrade(store.engine, "base")
    assert not _tables(store) - {"alembic_version"}
    store_db.upgrade(store.engine, "0001")
    assert store_db.current_revision(store.engine) == "0001"
    assert "rule_docs" not in _tables(store)
    store_db.upgrade(store.engine)
    assert "rule_docs" in _tables(store)
    assert store.verify_audit().ok

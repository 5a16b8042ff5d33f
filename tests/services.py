"""Real services for the store and web tests: a throwaway SQLite file or a throwaway PostgreSQL schema.

PostgreSQL is ``FENJI_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``;
``scripts/services.sh`` starts it). When it is unreachable the PostgreSQL tests skip with the reason, and fail
instead under ``FENJI_REQUIRE_SERVICES=1`` or ``FENJI_REQUIRE_SHARED=1`` (CI sets both).
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("FENJI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def services_required() -> bool:
    return os.environ.get("FENJI_REQUIRE_SERVICES") == "1" or os.environ.get("FENJI_REQUIRE_SHARED") == "1"


@functools.cache
def _pg_problem() -> str | None:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__}: {str(exc).splitlines()[0]})"
    return None


def require_postgres() -> None:
    problem = _pg_problem()
    if problem:
        if services_required():
            pytest.fail(problem + " and FENJI_REQUIRE_SERVICES/FENJI_REQUIRE_SHARED=1; run scripts/services.sh")
        pytest.skip(problem + "; run scripts/services.sh to start it")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards (tests never touch ``public``)."""
    require_postgres()
    schema = "fenji_t_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

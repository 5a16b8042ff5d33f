from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fenji import api
from fenji.store import Session, Store, User, open_store
from fenji.web.inventory import assessment_input
from tests.conftest import EXAMPLES
from tests.services import PG_URL, postgres_schema

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_factory(tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """make(backend, **kw) -> a fresh, migrated store; closed (and its schema dropped) afterwards."""
    opened: list[Store] = []
    schemas = []

    def make(kind: str, **kwargs: Any) -> Store:
        if kind == "sqlite":
            store = open_store(f"sqlite:///{tmp_path / f'store{len(opened)}.db'}", **kwargs)
        else:
            ctx = postgres_schema()
            schema = ctx.__enter__()
            schemas.append(ctx)
            store = open_store(PG_URL, schema=schema, **kwargs)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
    for ctx in schemas:
        ctx.__exit__(None, None, None)


@pytest.fixture
def store(backend: str, store_factory: Callable[..., Store]) -> Store:
    return store_factory(backend)


def admin_session(store: Store) -> Session:
    user = store.user_by_name("admin") or store.create_user("admin", "not-a-real-hash", "admin")
    return Session(user, "api", "", dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))


def card(name: str = "eu-cv-screening.yaml") -> api.SystemCard:
    return api.load_card(EXAMPLES / name)


def add_system(store: Store, user: User, name: str = "eu-cv-screening.yaml") -> tuple[int, int]:
    """(system id, assessment id) of a new system from an example card, assessed as of AS_OF."""
    c = card(name)
    system = store.create_system(user.org_id, c.to_data(), c.digest(), actor=user.username)
    record = store.add_assessment(
        user.org_id,
        system.id,
        1,
        assessment_input(api.assess(c, as_of=AS_OF, with_decision_id=True)),
        actor=user.username,
    )
    return system.id, record.id

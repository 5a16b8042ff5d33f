"""A real app over a real SQLite store (a temporary file), with one user per role and clients for each."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fenji.store import ROLES, Store, open_store
from fenji.web import Settings, create_app
from fenji.web.security import hash_password
from tests.conftest import EXAMPLES

PASSWORD = "correct horse battery"
AS_OF = dt.date(2026, 11, 22)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def settings_for(url: str, **changes: object) -> Settings:
    base = Settings(database_url=url, secret_key="test-secret-" + "x" * 40, secure_cookies=False, as_of=AS_OF)
    return base.with_(**changes) if changes else base


@dataclass
class Web:
    app: FastAPI
    store: Store
    settings: Settings
    tokens: dict[str, str]

    def api(self, role: str | None) -> TestClient:
        """A client that sends the role's bearer token (no token for None)."""
        client = TestClient(self.app, raise_server_exceptions=False)
        if role is not None:
            client.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return client

    def browser(self, role: str | None) -> TestClient:
        """A client logged in through the login form (cookies), or anonymous."""
        client = TestClient(self.app, raise_server_exceptions=False)
        if role is not None:
            login(client, role, PASSWORD)
        return client


def csrf_of(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


def make_web(tmp_path: Path, **changes: object) -> Iterator[Web]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    store = open_store(url, evidence_dir=tmp_path / "evidence")
    for role in ROLES:
        store.create_user(role, hash_password(PASSWORD), role)
    settings = settings_for(url, **changes)
    app = create_app(settings, store)
    with TestClient(app) as starter:  # runs the lifespan: search index, default organisation
        tokens = {}
        for role in ROLES:
            response = starter.post("/api/session", json={"username": role, "password": PASSWORD})
            assert response.status_code == 201, response.text
            tokens[role] = response.json()["token"]
        yield Web(app, store, settings, tokens)
    store.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    yield from make_web(tmp_path_factory.mktemp("web"))


def example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")

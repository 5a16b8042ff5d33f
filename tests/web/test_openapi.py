"""Schemathesis against the published OpenAPI document, as an authenticated editor: no request, valid or
not, gets a 5xx, and every response matches its declared status codes, content types and schemas.

Bounded: a few examples per operation (``FENJI_SCHEMATHESIS_EXAMPLES``, default 6) in both generation
modes (schema-valid and schema-violating input)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.conftest import Web, example, make_web

EXAMPLES = int(os.environ.get("FENJI_SCHEMATHESIS_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def seed(web: Web) -> None:
    """Systems, card versions, assessments, evidence, waivers and a review, so that generated IDs (small
    integers first) reach real records and not only 404s."""
    editor, reviewer = web.api("editor"), web.api("reviewer")
    for name in ("eu-cv-screening.yaml", "cn-face-swap-app.yaml", "eu-spam-filter.yaml"):
        created = editor.post("/api/systems/import", files={"file": (name, example(name).encode(), "application/yaml")})
        assert created.status_code == 201, created.text
        sid = created.json()["system"]["id"]
        editor.post(
            f"/api/systems/{sid}/evidence",
            data={"control": "risk_management_system"},
            files={"file": ("rms.pdf", b"%PDF-1.4 x", "application/pdf")},
        )
        reviewer.post(
            f"/api/systems/{sid}/waivers", json={"rule": "EU-AIA-ART10", "reason": "r", "expires": "2027-01-01"}
        )
    editor.post("/api/assessments/1/review", json={"action": "submit", "expected_version": 1})


@pytest.fixture(scope="module")
def fuzz_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    for web in make_web(tmp_path_factory.mktemp("schemathesis")):
        seed(web)
        yield web


@pytest.fixture(scope="module")
def api_schema(fuzz_web: Web) -> schemathesis.BaseSchema:
    loaded = schemathesis.openapi.from_asgi("/openapi.json", fuzz_web.app)
    loaded.config.generation.update(
        modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
        max_examples=EXAMPLES,
        deterministic=True,
    )
    return loaded


# Logging out would revoke the editor's token for every later case (test_api covers it).
schema = schemathesis.pytest.from_fixture("api_schema").exclude(path="/api/session", method="DELETE")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case, fuzz_web: Web) -> None:
    headers = {"Authorization": f"Bearer {fuzz_web.tokens['editor']}"}
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if case.operation.path != "/api/session":
        assert response.status_code != 401, "the editor's token stopped working: the run tests nothing"

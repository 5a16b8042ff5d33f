"""Every route states who may use it, and each role is denied what it may not do (API and pages)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute

from fenji.store import ROLES
from tests.web.conftest import Web

# (method, path) -> the least role; None = public
API_ROUTES: dict[tuple[str, str], str | None] = {
    ("GET", "/api/health"): None,
    ("POST", "/api/session"): None,
    ("DELETE", "/api/session"): "viewer",
    ("GET", "/api/me"): "viewer",
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("PATCH", "/api/users/{user_id}"): "admin",
    ("GET", "/api/systems"): "viewer",
    ("POST", "/api/systems"): "editor",
    ("POST", "/api/systems/import"): "editor",
    ("GET", "/api/systems/{system_id}"): "viewer",
    ("GET", "/api/systems/{system_id}/cards"): "viewer",
    ("GET", "/api/systems/{system_id}/cards/{version}"): "viewer",
    ("PUT", "/api/systems/{system_id}/card"): "editor",
    ("GET", "/api/systems/{system_id}/assessments"): "viewer",
    ("POST", "/api/systems/{system_id}/assessments"): "editor",
    ("GET", "/api/assessments/{assessment_id}"): "viewer",
    ("GET", "/api/assessments/{assessment_id}/report"): "viewer",
    ("GET", "/api/systems/{system_id}/plan"): "viewer",
    ("GET", "/api/systems/{system_id}/timeline"): "viewer",
    ("GET", "/api/systems/{system_id}/diff"): "viewer",
    ("POST", "/api/questions"): "viewer",
    ("GET", "/api/systems/{system_id}/evidence"): "viewer",
    ("POST", "/api/systems/{system_id}/evidence"): "editor",
    ("GET", "/api/evidence/{evidence_id}/content"): "viewer",
    ("GET", "/api/systems/{system_id}/waivers"): "viewer",
    ("POST", "/api/systems/{system_id}/waivers"): "reviewer",
    ("DELETE", "/api/waivers/{waiver_id}"): "reviewer",
    ("GET", "/api/reviews"): "viewer",
    ("GET", "/api/assessments/{assessment_id}/review"): "viewer",
    ("POST", "/api/assessments/{assessment_id}/review"): "editor",
    ("GET", "/api/audit"): "reviewer",
    ("GET", "/api/audit/verify"): "reviewer",
    ("GET", "/api/rules"): "viewer",
    ("GET", "/api/rules/{rule_id}"): "viewer",
    ("GET", "/api/packs"): "viewer",
}

PAGE_ROUTES: dict[tuple[str, str], str | None] = {
    ("GET", "/login"): None,
    ("POST", "/login"): None,
    ("POST", "/logout"): "viewer",
    ("GET", "/"): "viewer",
    ("GET", "/systems/{system_id}"): "viewer",
    ("GET", "/systems/{system_id}/edit"): "editor",
    ("POST", "/systems/{system_id}/edit"): "editor",
    ("POST", "/systems/{system_id}/assess"): "editor",
    ("POST", "/systems/{system_id}/evidence"): "editor",
    ("GET", "/evidence/{evidence_id}"): "viewer",
    ("POST", "/systems/{system_id}/waivers"): "reviewer",
    ("POST", "/waivers/{waiver_id}/revoke"): "reviewer",
    ("GET", "/systems/{system_id}/diff"): "viewer",
    ("GET", "/assessments/{assessment_id}"): "viewer",
    ("POST", "/assessments/{assessment_id}/review"): "editor",
    ("GET", "/assessments/{assessment_id}/export"): "viewer",
    ("GET", "/reviews"): "viewer",
    ("GET", "/audit"): "reviewer",
    ("GET", "/questionnaire"): "editor",
    ("POST", "/questionnaire"): "editor",
    ("GET", "/systems/{system_id}/questionnaire"): "editor",
    ("GET", "/rules"): "viewer",
    ("GET", "/rules/{rule_id}"): "viewer",
    ("GET", "/import"): "editor",
    ("POST", "/import"): "editor",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users"): "admin",
    ("POST", "/admin/users/{user_id}"): "admin",
}
PUBLIC_OTHER = {"/openapi.json", "/docs", "/docs/oauth2-redirect"}


def _concrete(path: str) -> str:
    return re.sub(r"\{rule_id\}", "EU-AIA-ART5-1F", re.sub(r"\{[a-z_]+\}", "1", path))


def _walk(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _walk(list(included.routes))
        else:
            yield route


def test_the_tables_cover_every_route(web: Web) -> None:
    found = set()
    for route in _walk(list(web.app.routes)):
        if isinstance(route, APIRoute):
            for method in route.methods - {"HEAD"}:
                found.add((method, route.path))
        else:
            assert getattr(route, "path", "") in PUBLIC_OTHER | {"/static"}, f"unexpected route {route!r:.200}"
    assert found == set(API_ROUTES) | set(PAGE_ROUTES)


@pytest.mark.parametrize(("method", "path"), [k for k, v in API_ROUTES.items() if v])
def test_api_needs_a_login(web: Web, method: str, path: str) -> None:
    response = web.api(None).request(method, _concrete(path))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.required"
    bad = web.api(None).request(method, _concrete(path), headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401


@pytest.mark.parametrize(("method", "path"), [k for k, v in API_ROUTES.items() if v and v != "viewer"])
def test_api_denies_the_roles_below(web: Web, method: str, path: str) -> None:
    needed = API_ROUTES[(method, path)]
    assert needed is not None
    for role in ROLES[: ROLES.index(needed)]:
        response = web.api(role).request(method, _concrete(path), json={})
        assert response.status_code == 403, (role, response.text)
        assert response.json()["error"]["code"] == "auth.forbidden"
    allowed = web.api(needed).request(method, _concrete(path), json={})
    assert allowed.status_code not in (401, 403), allowed.text


def test_only_reviewers_approve_or_return(web: Web) -> None:
    for action in ("approve", "return"):
        response = web.api("editor").post(
            "/api/assessments/1/review", json={"action": action, "expected_version": 1, "comment": "x"}
        )
        assert response.status_code == 403 and response.json()["error"]["field"] == "action"


@pytest.mark.parametrize(("method", "path"), [k for k, v in PAGE_ROUTES.items() if v])
def test_pages_send_anonymous_users_to_the_login(web: Web, method: str, path: str) -> None:
    response = web.browser(None).request(method, _concrete(path), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(("method", "path"), [k for k, v in PAGE_ROUTES.items() if v and v != "viewer"])
def test_pages_deny_the_roles_below(web: Web, method: str, path: str) -> None:
    needed = PAGE_ROUTES[(method, path)]
    assert needed is not None
    for role in ROLES[: ROLES.index(needed)]:
        response = web.browser(role).request(method, _concrete(path), follow_redirects=False)
        assert response.status_code == 403, (role, response.text[:300])
        assert 'data-code="auth.forbidden"' in response.text
    allowed = web.browser(needed).request(method, _concrete(path), follow_redirects=False)
    assert 'data-code="auth.forbidden"' not in allowed.text and allowed.status_code != 401


def test_cookie_sessions_need_the_csrf_token_for_changes(web: Web) -> None:
    browser = web.browser("admin")
    response = browser.post("/api/questions", json={})
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf.invalid"
    page = browser.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    ok = browser.post("/api/questions", json={}, headers={"X-CSRF-Token": token.group(1)})
    assert ok.status_code == 200
    forged = browser.post("/api/questions", json={}, headers={"X-CSRF-Token": token.group(1) + "x"})
    assert forged.status_code == 403


def test_public_routes_work_anonymously(web: Web) -> None:
    client = web.api(None)
    assert client.get("/api/health").json() == {"ok": True}
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200
    assert client.get("/static/fenji.css").status_code == 200
    assert client.get("/login").status_code == 200

"""The web app over PostgreSQL (the team set-up): the main paths end to end through the API and the pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fenji.store import open_store
from fenji.web import create_app
from fenji.web.security import hash_password
from tests.services import PG_URL, postgres_schema
from tests.web.conftest import PASSWORD, example, login, settings_for


def test_the_app_on_postgresql() -> None:
    with postgres_schema() as schema:
        store = open_store(PG_URL, schema=schema)  # evidence kept in the database, as for teams
        for role in ("editor", "reviewer"):
            store.create_user(role, hash_password(PASSWORD), role)
        app = create_app(settings_for(PG_URL), store)
        with TestClient(app) as client:
            token = client.post("/api/session", json={"username": "editor", "password": PASSWORD}).json()["token"]
            client.headers["Authorization"] = f"Bearer {token}"
            created = client.post(
                "/api/systems/import",
                files={"file": ("cv.yaml", example("eu-cv-screening.yaml").encode(), "application/yaml")},
            )
            assert created.status_code == 201, created.text
            sid, aid = created.json()["system"]["id"], created.json()["assessment"]["id"]
            assert created.json()["system"]["tiers"]["eu_ai_act"]["tier"] == "high_risk"
            evidence = client.post(
                f"/api/systems/{sid}/evidence",
                data={"control": "risk_management_system"},
                files={"file": ("rms.pdf", b"%PDF-1.4 rms", "application/pdf")},
            )
            assert evidence.status_code == 201
            assert client.get(f"/api/evidence/{evidence.json()['id']}/content").content == b"%PDF-1.4 rms"
            hits = client.get("/api/rules", params={"q": "情绪识别"}).json()
            assert "EU-AIA-ART5-1F" in [h["ref"] for h in hits["items"]]
            assert client.get("/api/rules", params={"q": "the"}).status_code == 200
            review = client.post(f"/api/assessments/{aid}/review", json={"action": "submit", "expected_version": 1})
            assert review.json()["assessment"]["review_state"] == "submitted"
            client.headers.pop("Authorization")
            login(client, "reviewer", PASSWORD)
            dashboard = client.get("/?lang=zh")
            assert dashboard.status_code == 200 and '<html lang="zh-Hans">' in dashboard.text
            assert client.get(f"/systems/{sid}").status_code == 200
            assert 'id="chain"' in client.get("/audit").text
        assert store.verify_audit().ok
        store.close()

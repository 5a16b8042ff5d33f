"""`fenji export` / `fenji import` round-trip the whole store, SQLite -> PostgreSQL, audit chain intact."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fenji.cli import main
from fenji.errors import StoreImportError
from fenji.store import Store
from tests.services import PG_URL, postgres_schema
from tests.store.conftest import add_system, admin_session


def _populate(store: Store) -> None:
    user = admin_session(store).user
    system_id, assessment_id = add_system(store, user, "eu-cv-screening.yaml")
    add_system(store, user, "cn-face-swap-app.yaml")
    c = store.card_version(user.org_id, system_id)
    store.update_card(
        user.org_id, system_id, c.card | {"name": "渲染 TalentRank"}, "d2", expected_version=1, actor="ann"
    )
    store.review(user.org_id, assessment_id, "submit", actor="ann", expected_version=1)
    store.review(user.org_id, assessment_id, "return", actor="rita", expected_version=2, comment="请补充 Art. 10")
    store.add_evidence(
        user.org_id,
        system_id,
        control="risk_management",
        filename="rms.pdf",
        content_type="application/pdf",
        content=b"%PDF-1.7 \x00\xff binary",
        note=None,
        actor="ann",
    )
    store.add_waiver(
        user.org_id, system_id, rule="EU-AIA-ART50-1", reason="r", expires=dt.date(2027, 1, 1), actor="rita"
    )
    store.record("ann", user.org_id, "login.failed", "user:ann", {"via": "web"})


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    tables = dict(data["tables"])
    for row in tables["evidence"]:
        row.pop("storage")
    return tables


def test_round_trip_sqlite_to_postgresql(store_factory: Callable[..., Store], tmp_path: Path) -> None:
    source = store_factory("sqlite", evidence_dir=tmp_path / "evidence")
    _populate(source)
    exported = source.export_data()
    blob = json.dumps(exported, ensure_ascii=False)  # it is plain JSON
    target = store_factory("postgresql")
    assert target.is_empty()
    report = target.import_data(json.loads(blob))
    assert report.ok and report.entries == len(exported["tables"]["audit_log"]) + 1
    again = target.export_data()
    original = _comparable(exported)
    copied = _comparable(again)
    imported_entry = copied["audit_log"].pop()
    assert imported_entry["action"] == "store.import"
    copied["audit_head"] = original["audit_head"]
    assert copied == original
    # the copy is a working store: IDs continue, the chain goes on
    user = target.user_by_name("admin")
    assert user is not None
    system_id, _ = add_system(target, user, "eu-spam-filter.yaml")
    assert system_id == max(r["id"] for r in original["systems"]) + 1
    record, content = target.evidence_content(user.org_id, 1)
    assert content == b"%PDF-1.7 \x00\xff binary" and record.storage == "db"
    assert target.verify_audit().ok
    hits, _ = target.search_rules("情绪识别")  # the search index is rebuilt by the app, not exported
    assert hits == []


def test_import_refuses_a_non_empty_store_and_a_broken_chain(store_factory: Callable[..., Store]) -> None:
    source = store_factory("sqlite")
    _populate(source)
    exported = source.export_data()
    with pytest.raises(StoreImportError, match="not empty"):
        source.import_data(exported)
    tampered = json.loads(json.dumps(exported))
    tampered["tables"]["audit_log"][2]["actor"] = "mallory"
    target = store_factory("sqlite")
    with pytest.raises(StoreImportError, match="audit chain"):
        target.import_data(tampered)
    assert target.is_empty()  # nothing was imported
    with pytest.raises(StoreImportError):
        target.import_data({"something": "else"})
    broken_rows = json.loads(json.dumps(exported))
    broken_rows["tables"]["systems"][0].pop("slug")
    with pytest.raises(StoreImportError):
        target.import_data(broken_rows)
    assert target.is_empty()


def test_cli_export_import_and_audit_verify(store_factory: Callable[..., Store], tmp_path: Path) -> None:
    source = store_factory("sqlite")
    _populate(source)
    url = str(source.engine.url)
    runner = CliRunner()
    out = tmp_path / "backup.json"
    result = runner.invoke(main, ["export", "-o", str(out), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8"))["fenji_export"] == 1
    result = runner.invoke(main, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 0 and result.output.startswith("ok:")
    with postgres_schema() as schema:
        pg_url = PG_URL + f"?options=-csearch_path%3D{schema}"
        result = runner.invoke(main, ["import", str(out), "--database-url", pg_url])
        assert result.exit_code == 0, result.output
        result = runner.invoke(main, ["audit", "verify", "--json", "--database-url", pg_url])
        assert result.exit_code == 0 and json.loads(result.output)["ok"] is True
        result = runner.invoke(main, ["import", str(out), "--database-url", pg_url])
        assert result.exit_code == 2 and "store.import" in result.output
    with source.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET target = 'x' WHERE seq = 3")
    result = runner.invoke(main, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 1 and "BROKEN at entry 3" in result.output

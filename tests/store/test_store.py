"""The store on SQLite and PostgreSQL: versioned cards with optimistic locking, immutable assessments, reviews,
evidence, waivers, the dashboard's figures, the audit chain (verification and tamper detection) and search."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from fenji.errors import (
    ReviewStateError,
    StoreConflictError,
    StoreDuplicateError,
    StoreError,
    StoreNotFoundError,
)
from fenji.store import Store
from fenji.store import tables as t
from fenji.web.library import Catalog
from tests.store.conftest import AS_OF, add_system, admin_session, card


def test_cards_are_versioned_and_a_stale_edit_conflicts(store: Store) -> None:
    user = admin_session(store).user
    c = card()
    system = store.create_system(user.org_id, c.to_data(), c.digest(), actor="ann")
    assert system.version == 1
    edited = c.to_data() | {"name": "TalentRank v2"}
    v2 = store.update_card(user.org_id, system.id, edited, "sha256:x", expected_version=1, actor="ann", note="rename")
    assert (v2.version, v2.name) == (2, "TalentRank v2")
    stale = c.to_data() | {"name": "Someone else's edit"}
    with pytest.raises(StoreConflictError) as err:
        store.update_card(user.org_id, system.id, stale, "sha256:y", expected_version=1, actor="bob")
    assert err.value.code == "store.conflict"
    assert "nothing was saved" in err.value.message
    current = store.card_version(user.org_id, system.id)
    assert (current.version, current.card["name"], current.created_by) == (2, "TalentRank v2", "ann")
    assert [v.version for v in store.card_versions(user.org_id, system.id)] == [2, 1]
    assert store.card_version(user.org_id, system.id, 1).card["name"] == c.name


def test_concurrent_edits_one_wins_the_other_conflicts(store: Store) -> None:
    user = admin_session(store).user
    c = card()
    system = store.create_system(user.org_id, c.to_data(), c.digest(), actor="ann")
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def edit(i: int) -> None:
        barrier.wait()
        try:
            store.update_card(
                user.org_id, system.id, c.to_data() | {"name": f"edit {i}"}, "d", expected_version=1, actor=f"u{i}"
            )
            outcomes.append("saved")
        except StoreConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["saved"]
    assert [v.version for v in store.card_versions(user.org_id, system.id)] == [2, 1]
    assert store.verify_audit().ok


def test_duplicate_ids_and_missing_things(store: Store) -> None:
    user = admin_session(store).user
    c = card()
    store.create_system(user.org_id, c.to_data(), c.digest(), actor="ann")
    with pytest.raises(StoreDuplicateError):
        store.create_system(user.org_id, c.to_data(), c.digest(), actor="ann")
    with pytest.raises(StoreNotFoundError):
        store.get_system(user.org_id, 999)
    with pytest.raises(StoreNotFoundError):
        store.card_version(user.org_id, 1, 7)
    other_org = store.ensure_org("other").id
    with pytest.raises(StoreNotFoundError):  # organisations never see each other's systems
        store.get_system(other_org, 1)
    with pytest.raises(StoreDuplicateError):
        store.create_user("admin", "h", "viewer")


def test_assessments_are_recorded_with_tiers_and_reviews_follow_the_workflow(store: Store) -> None:
    user = admin_session(store).user
    system_id, assessment_id = add_system(store, user)
    record = store.get_assessment(user.org_id, assessment_id)
    assert record.result is not None and record.result["schema_version"] == 1
    assert record.tiers["eu_ai_act"].tier == "high_risk"
    assert record.packs["eu_ai_act"]["digest"].startswith("sha256:")
    assert record.as_of == AS_OF and record.review_state == "draft" and record.review_version == 1
    assert store.get_system(user.org_id, system_id).latest_assessment_id == assessment_id

    with pytest.raises(ReviewStateError):
        store.review(user.org_id, assessment_id, "approve", actor="rita", expected_version=1)
    submitted = store.review(user.org_id, assessment_id, "submit", actor="ann", expected_version=1)
    assert (submitted.review_state, submitted.review_version) == ("submitted", 2)
    with pytest.raises(StoreConflictError):  # a reviewer deciding on what they loaded before the submit
        store.review(user.org_id, assessment_id, "approve", actor="rita", expected_version=1)
    with pytest.raises(ReviewStateError):  # returning needs a comment
        store.review(user.org_id, assessment_id, "return", actor="rita", expected_version=2, comment=" ")
    returned = store.review(
        user.org_id, assessment_id, "return", actor="rita", expected_version=2, comment="cite Art. 10"
    )
    assert returned.review_state == "returned"
    store.review(user.org_id, assessment_id, "submit", actor="ann", expected_version=3)
    approved = store.review(user.org_id, assessment_id, "approve", actor="rita", expected_version=4)
    assert approved.review_state == "approved"
    events = store.review_events(user.org_id, assessment_id)
    assert [(e.from_state, e.to_state, e.actor) for e in events] == [
        ("draft", "submitted", "ann"),
        ("submitted", "returned", "rita"),
        ("returned", "submitted", "ann"),
        ("submitted", "approved", "rita"),
    ]
    assert events[1].comment == "cite Art. 10"
    actions = [e.action for e in store.audit_entries(limit=10)]
    assert actions[:4] == ["review.approve", "review.submit", "review.return", "review.submit"]
    # the record itself never changed
    assert store.get_assessment(user.org_id, assessment_id).result == record.result


def test_dashboard_figures(store: Store) -> None:
    user = admin_session(store).user
    add_system(store, user, "eu-cv-screening.yaml")
    add_system(store, user, "eu-workplace-emotion-recognition.yaml")
    counts = store.tier_counts(user.org_id)
    assert counts["eu_ai_act"] == {"high_risk": 1, "prohibited": 1}
    summaries, total = store.list_systems(user.org_id, limit=1)
    assert total == 2 and len(summaries) == 1
    found, n = store.list_systems(user.org_id, query="talent")
    assert n == 1 and found[0].tiers["eu_ai_act"].tier == "high_risk"
    deadlines = store.upcoming_deadlines(user.org_id, AS_OF)
    assert deadlines and all(d.date >= AS_OF for d in deadlines)
    assert deadlines == sorted(deadlines, key=lambda d: (d.date, d.system_name))
    assert all(d.controls >= 1 and d.first_control for d in deadlines)
    attention = store.attention(user.org_id)
    assert attention and all(a.missing_evidence > 0 or a.provisional for a in attention)
    cv = next(a for a in attention if a.system_name == "TalentRank CV screening")
    record = store.get_assessment(user.org_id, store.get_system(user.org_id, cv.system_id).latest_assessment_id or 0)
    missing = [
        c["id"]
        for c in (record.result or {})["plan"]["controls"]
        if c["required_now"] and c["evidence_status"] in ("missing", "expired", "planned")
    ]
    assert cv.missing_evidence == len(missing) > 0
    store.add_evidence(
        user.org_id,
        cv.system_id,
        control=missing[0],
        filename="a.txt",
        content_type="text/plain",
        content=b"proof",
        note=None,
        actor="ann",
    )
    after = next(a for a in store.attention(user.org_id) if a.system_id == cv.system_id)
    assert after.missing_evidence == len(missing) - 1  # evidence counts at once, before the next assessment


@pytest.mark.parametrize("on_disk", [False, True])
def test_evidence_in_the_database_or_on_disk(
    backend: str, store_factory: Callable[..., Store], tmp_path: Path, on_disk: bool
) -> None:
    store = store_factory(backend, evidence_dir=tmp_path / "files" if on_disk else None)
    user = admin_session(store).user
    system_id, _ = add_system(store, user)
    content = b"%PDF-1.4 risk management system\n"
    record = store.add_evidence(
        user.org_id,
        system_id,
        control="risk_management",
        filename="rms.pdf",
        content_type="application/pdf",
        content=content,
        note="v1",
        actor="ann",
    )
    assert record.storage == ("disk" if on_disk else "db")
    got, data = store.evidence_content(user.org_id, record.id)
    assert data == content and got.sha256 == record.sha256
    assert [e.control for e in store.evidence_for(user.org_id, system_id)] == ["risk_management"]
    if on_disk:
        path = tmp_path / "files" / record.sha256[:2] / record.sha256
        path.write_bytes(b"changed")
        with pytest.raises(StoreError, match="was changed"):
            store.evidence_content(user.org_id, record.id)


def test_waivers(store: Store) -> None:
    user = admin_session(store).user
    system_id, _ = add_system(store, user)
    waiver = store.add_waiver(
        user.org_id,
        system_id,
        rule="EU-AIA-ART50-1",
        reason="not user-facing",
        expires=dt.date(2027, 1, 1),
        actor="rita",
    )
    assert waiver.card_data()["approved_by"] == "rita"
    revoked = store.revoke_waiver(user.org_id, waiver.id, actor="rita")
    assert revoked.revoked_at is not None
    assert store.waivers_for(user.org_id, system_id, active_only=True) == []


def test_sessions(store: Store) -> None:
    user = admin_session(store).user
    token, session = store.create_session(user, "browser", dt.timedelta(hours=1))
    found = store.session(token)
    assert found is not None and found.user.username == "admin" and found.csrf == session.csrf
    assert store.session("not-a-token") is None
    store.update_user(user.org_id, user.id, actor="admin", active=False)
    assert store.session(token) is None  # deactivating a user ends their sessions
    expired_user = store.create_user("eve", "h", "viewer")
    token, _ = store.create_session(expired_user, "api", dt.timedelta(seconds=-1))
    assert store.session(token) is None


# --- the audit chain --------------------------------------------------------------------


def test_every_change_is_in_the_audit_chain_and_it_verifies(store: Store) -> None:
    user = admin_session(store).user
    system_id, assessment_id = add_system(store, user)
    store.review(user.org_id, assessment_id, "submit", actor="ann", expected_version=1)
    entries = store.audit_entries(limit=100)
    actions = [e.action for e in reversed(entries)]
    assert actions == ["org.create", "user.create", "system.create", "assessment.create", "review.submit"]
    create = next(e for e in entries if e.action == "assessment.create")
    assert create.details["card_digest"].startswith("sha256:") and "eu_ai_act" in create.details["packs"]
    assert create.details["as_of"] == AS_OF.isoformat()
    report = store.verify_audit()
    assert report.ok and report.entries == 5 and report.head == entries[0].hash


def _tamper(store: Store, sql: str, **params: object) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_a_changed_entry_is_detected(store: Store) -> None:
    user = admin_session(store).user
    add_system(store, user)
    before = store.verify_audit()
    assert before.ok
    entry = next(e for e in store.audit_entries() if e.action == "system.create")
    with store.engine.begin() as conn:
        conn.execute(sa.update(t.audit_log).where(t.audit_log.c.seq == entry.seq).values(actor="mallory"))
    report = store.verify_audit()
    assert not report.ok and report.bad_seq == entry.seq and "changed" in (report.problem or "")


def test_a_rewritten_chain_tail_and_deletions_are_detected(store: Store) -> None:
    user = admin_session(store).user
    add_system(store, user)
    entries = sorted(store.audit_entries(), key=lambda e: e.seq)
    # delete an entry in the middle
    _tamper(store, "DELETE FROM audit_log WHERE seq = :s", s=entries[1].seq)
    report = store.verify_audit()
    assert not report.ok and report.bad_seq == entries[2].seq and "missing" in (report.problem or "")


def test_a_truncated_tail_is_detected(store: Store) -> None:
    user = admin_session(store).user
    add_system(store, user)
    last = max(e.seq for e in store.audit_entries())
    _tamper(store, "DELETE FROM audit_log WHERE seq = :s", s=last)
    report = store.verify_audit()
    assert not report.ok and "head" in (report.problem or "")


def test_concurrent_appends_keep_one_chain(store: Store) -> None:
    admin_session(store)
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        barrier.wait()
        for j in range(10):
            store.record(f"user{i}", None, "test.event", f"t:{i}:{j}", {"i": i, "j": j})

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    report = store.verify_audit()
    assert report.ok and report.entries == 2 + 80


# --- the rules library ------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("情绪", "EU-AIA-ART5-1F"),  # a two-character Chinese word
        ("情绪识别", "EU-AIA-ART5-1F"),  # a Chinese phrase
        ("emotion recognition", "EU-AIA-ART5-1F"),
        ("emotions", "EU-AIA-ART5-1F"),  # stemming
        ("ART5-1F", "EU-AIA-ART5-1F"),  # by ID
        ("深度合成", "CN-DS-ART7"),
        ("备案", "CN-ALG-ART24"),  # algorithm filing
        ("偏见测试", "bias_testing"),  # a control, by its Chinese title
    ],
)
def test_rules_search_handles_chinese_and_english(store: Store, catalog: Catalog, query: str, expected: str) -> None:
    store.replace_search_index(catalog.search_docs(), catalog.digest)
    hits, total = store.search_rules(query, limit=500)
    refs = [h.doc.ref for h in hits]
    assert expected in refs, (query, refs[:20])
    assert total == len(hits)


def test_rules_search_filters_and_misses(store: Store, catalog: Catalog) -> None:
    store.replace_search_index(catalog.search_docs(), catalog.digest)
    assert store.search_index_digest() == catalog.digest
    everything, total = store.search_rules(None, limit=5)
    assert total == len(catalog.rules) + len(catalog.controls) and len(everything) == 5
    cn_only, _ = store.search_rules("算法", pack="cn", limit=500)
    assert cn_only and {h.doc.pack for h in cn_only} == {"cn"}
    controls, _ = store.search_rules(None, kind="control", limit=500)
    assert {h.doc.kind for h in controls} == {"control"}
    assert store.search_rules("量子纠缠", limit=10) == ([], 0)
    assert store.search_rules("zzqx", limit=10) == ([], 0)
    assert store.search_rules('"*) OR (', limit=10)[1] >= 0  # operators in a query are only text
    assert store.search_rules("the", limit=10)[1] >= 0  # a stop word alone
    store.replace_search_index(catalog.search_docs(), catalog.digest)  # same digest: no rebuild, no error

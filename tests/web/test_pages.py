"""The server-rendered pages without JavaScript: login and CSRF, escaping, languages, the questionnaire,
editing with conflicts, import, evidence, reviews, the audit log and the admin page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fenji import api
from fenji.web import questionnaire as qn
from tests.conftest import EXAMPLES
from tests.web.conftest import PASSWORD, Web, csrf_of, example, make_web

XSS = "<script>alert('xss')</script>"


def post_form(client: TestClient, page_url: str, action: str, data: dict[str, object], **kw: object):  # type: ignore[no-untyped-def]
    page = client.get(page_url)
    return client.post(action, data={**data, "csrf_token": csrf_of(page.text)}, follow_redirects=False, **kw)


def import_card(client: TestClient, text: str) -> int:
    response = post_form(client, "/import", "/import", {"text": text})
    assert response.status_code == 303, response.text[:800]
    return int(response.headers["location"].rsplit("/", 1)[-1])


def test_login_sets_a_hardened_session_cookie(tmp_path_factory: pytest.TempPathFactory) -> None:
    gen: Iterator[Web] = make_web(tmp_path_factory.mktemp("secure"), secure_cookies=True)
    web = next(gen)
    try:
        client = TestClient(web.app, base_url="https://testserver")
        page = client.get("/login")
        assert "Secure" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
        response = client.post(
            "/login",
            data={
                "username": "viewer",
                "password": PASSWORD,
                "csrf_token": csrf_of(page.text),
                "next": "//evil.example/",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == "/"  # no open redirect
        cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith("fenji_session=")]
        assert cookies and all(flag in cookies[0] for flag in ("HttpOnly", "Secure", "SameSite=lax"))
        assert client.get("/").status_code == 200
    finally:
        gen.close()


def test_login_needs_the_csrf_token_and_the_right_password(web: Web) -> None:
    client = web.browser(None)
    client.get("/login")
    no_token = client.post("/login", data={"username": "viewer", "password": PASSWORD}, follow_redirects=False)
    assert no_token.status_code == 403 and 'data-code="csrf.invalid"' in no_token.text
    wrong = post_form(client, "/login", "/login", {"username": "viewer", "password": "nope"})
    assert wrong.status_code == 401 and 'data-code="auth.invalid_credentials"' in wrong.text
    ok = post_form(
        client, "/login?next=/rules", "/login", {"username": "viewer", "password": PASSWORD, "next": "/rules"}
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/rules"
    out = post_form(client, "/", "/logout", {})
    assert out.status_code == 303 and client.get("/", follow_redirects=False).status_code == 303


def test_security_headers(web: Web) -> None:
    response = web.browser("viewer").get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_card_text_is_escaped_everywhere(web: Web) -> None:
    editor = web.browser("editor")
    text = example("eu-cv-screening.yaml")
    text = (
        text.replace("id: talentrank-cv", "id: xss-card")
        .replace("name: TalentRank CV screening", f'name: "{XSS}"')
        .replace("description: Ranks", f'description: "<img src=x onerror=alert(1)> {XSS} Ranks')
    )
    text = text.replace("shortlist.\n", 'shortlist."\n', 1)
    sid = import_card(editor, text)
    system = editor.get(f"/systems/{sid}").text
    assessment_id = re.search(r'href="/assessments/(\d+)"', system)
    assert assessment_id
    reviewer = web.browser("reviewer")
    post_form(
        editor,
        f"/assessments/{assessment_id.group(1)}",
        f"/assessments/{assessment_id.group(1)}/review",
        {"action": "submit", "expected_version": "1", "comment": XSS},
    )
    pages = [
        editor.get("/").text,
        system,
        editor.get(f"/assessments/{assessment_id.group(1)}").text,
        editor.get(f"/systems/{sid}/edit").text,
        reviewer.get("/audit").text,
        reviewer.get("/reviews").text,
        editor.get(f"/systems/{sid}/diff?a=1&b=1").text,
    ]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in pages[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in system


def test_language_choice_and_html_lang(web: Web) -> None:
    client = web.browser("viewer")
    assert '<html lang="en">' in client.get("/").text
    zh = client.get("/?lang=zh")
    assert '<html lang="zh-Hans">' in zh.text and "AI 清单" in zh.text
    assert "fenji_lang=zh" in zh.headers["set-cookie"]
    assert '<html lang="zh-Hans">' in client.get("/rules").text  # the cookie remembers
    assert '<html lang="en">' in client.get("/rules?lang=en").text  # ?lang= beats the cookie
    fresh = web.browser("viewer")
    fresh.cookies.delete("fenji_lang")
    assert '<html lang="zh-Hans">' in fresh.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).text
    assert '<html lang="en">' in fresh.get("/", headers={"Accept-Language": "de-DE,en;q=0.8,zh;q=0.1"}).text
    assert '<html lang="en">' in fresh.get("/", headers={"Accept-Language": "fr"}).text
    fresh.cookies.set("fenji_lang", "zh")
    assert '<html lang="zh-Hans">' in fresh.get("/", headers={"Accept-Language": "en"}).text  # cookie beats header


def form_values(value: object) -> list[str]:
    """A card fact's JSON value as the questionnaire form posts it."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [str(v) for v in value] or ["__none__"]
    return [str(value)]


def checklist_form(html: str, answers: dict[str, Any], asked: list[str]) -> dict[str, object]:
    """The posted form of a checklist answered from ``answers``: ticked where yes (or a gate is not
    at its "none"), "I don't know" where the card is silent."""
    vocab = api.get_vocabulary()
    facts = re.findall(r'name="facts" value="([^"]+)"', html)
    asked += facts
    tick, unsure = [], []
    for fact_id in facts:
        group = vocab.group_of(fact_id)
        assert group is not None
        item = group.item(fact_id)
        if fact_id not in answers:
            unsure.append(fact_id)
        elif answers[fact_id] is True or (item.gated and answers[fact_id] != qn.none_json(item.none)):
            tick.append(fact_id)
    state = re.search(r'id="checklist">.*?name="state" value="([^"]*)"', html, re.S)
    assert state
    return {
        "csrf_token": csrf_of(html),
        "state": unescape(state.group(1)),
        "action": "checklist",
        "facts": facts,
        "tick": tick,
        "unsure": unsure,
    }


def test_questionnaire_without_javascript(web: Web) -> None:
    answers = api.load_card(EXAMPLES / "eu-cv-screening.yaml").facts_json()
    client = web.browser("editor")
    page = client.get("/questionnaire")
    assert 'data-fact="' in page.text
    start = client.post(
        "/questionnaire",
        data={"csrf_token": csrf_of(page.text), "state": "{}", "action": "start", "regimes": ["eu_ai_act"]},
    )
    assert start.status_code == 200
    assert re.findall(r'<tr data-regime="([a-z_]+)"', start.text) == ["eu_ai_act"]
    html = start.text
    asked: list[str] = []
    for _ in range(40):
        if 'id="checklist"' in html:
            response = client.post("/questionnaire", data=checklist_form(html, answers, asked))
        else:
            fact = re.search(r'data-fact="([^"]+)" data-type="([a-z]+)"', html)
            if fact is None:
                break
            asked.append(fact.group(1))
            state = re.search(r'id="question">.*?name="state" value="([^"]*)"', html, re.S)
            assert state
            form: dict[str, object] = {
                "csrf_token": csrf_of(html),
                "state": unescape(state.group(1)),
                "fact": fact.group(1),
            }
            if fact.group(1) in answers:
                form |= {"action": "answer", "value": form_values(answers[fact.group(1)])}
            else:
                form |= {"action": "unknown"}
            response = client.post("/questionnaire", data=form)
        assert response.status_code == 200, response.text[:800]
        html = response.text
    assert 'id="done"' in html and "market.eu" in asked
    # "back" undoes the last answer
    state = re.search(r'id="save-form">.*?name="state" value="([^"]*)"', html, re.S)
    assert state
    saved = client.post(
        "/questionnaire",
        data={
            "csrf_token": csrf_of(html),
            "state": unescape(state.group(1)),
            "action": "save",
            "name": "Wizard system",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:500]
    system = client.get(saved.headers["location"]).text
    assert "Wizard system" in system
    tier = re.search(r'<tr data-regime="eu_ai_act">.*?data-tier="([a-z_]+)"', system, re.S)
    assert tier and tier.group(1) == "high_risk"
    back = client.post(
        "/questionnaire",
        data={"csrf_token": csrf_of(html), "state": unescape(state.group(1)), "action": "back"},
    )
    assert back.status_code == 200 and 'data-fact="' in back.text
    # a checklist item that is not a checklist's is refused
    wrong = client.post(
        "/questionnaire",
        data={"csrf_token": csrf_of(html), "state": "{}", "action": "checklist", "facts": ["system.kind"]},
    )
    assert wrong.status_code == 422 and 'data-code="card.invalid"' in wrong.text
    # an invalid answer is reported on the question, not a 500; so is a damaged state
    bad = client.post(
        "/questionnaire",
        data={"csrf_token": csrf_of(html), "state": "{}", "action": "answer", "fact": "market.eu", "value": "perhaps"},
    )
    assert bad.status_code == 422 and 'data-code="card.invalid"' in bad.text
    damaged = client.post("/questionnaire", data={"csrf_token": csrf_of(html), "state": "{oops", "action": "answer"})
    assert damaged.status_code == 422
    nameless = client.post(
        "/questionnaire", data={"csrf_token": csrf_of(html), "state": unescape(state.group(1)), "action": "save"}
    )
    assert nameless.status_code == 422


def test_edit_makes_versions_and_a_stale_edit_shows_a_conflict(web: Web) -> None:
    editor = web.browser("editor")
    text = example("eu-spam-filter.yaml").replace("id: mailguard-spam", "id: page-edit")
    sid = import_card(editor, text)
    first = editor.get(f"/systems/{sid}/edit").text
    second = editor.get(f"/systems/{sid}/edit").text
    card_text = re.search(r'<textarea name="card"[^>]*>(.*?)</textarea>', first, re.S)
    assert card_text
    body = unescape(card_text.group(1))
    saved = editor.post(
        f"/systems/{sid}/edit",
        data={
            "csrf_token": csrf_of(first),
            "card": body.replace("MailGuard", "MailGuard Pro"),
            "expected_version": "1",
            "note": "rename",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    stale = editor.post(
        f"/systems/{sid}/edit",
        data={
            "csrf_token": csrf_of(second),
            "card": body.replace("MailGuard", "MailGuard Max"),
            "expected_version": "1",
        },
    )
    assert stale.status_code == 409 and 'data-code="store.conflict"' in stale.text
    invalid = editor.post(
        f"/systems/{sid}/edit",
        data={
            "csrf_token": csrf_of(second),
            "card": "facts: {market: {eu: maybe}}\nid: page-edit",
            "expected_version": "2",
        },
    )
    assert invalid.status_code == 422 and 'data-code="card.invalid"' in invalid.text
    page = editor.get(f"/systems/{sid}").text
    assert "MailGuard Pro" in page and "MailGuard Max" not in page
    diff = editor.get(f"/systems/{sid}/diff?kind=cards&a=1&b=2").text
    assert "MailGuard Pro" in diff and "change-field" in diff


def test_import_page_errors(web: Web) -> None:
    editor = web.browser("editor")
    empty = post_form(editor, "/import", "/import", {"text": ""})
    assert empty.status_code == 422
    broken = post_form(editor, "/import", "/import", {"text": "id: [unclosed"})
    assert broken.status_code == 422 and 'data-code="card.parse"' in broken.text
    page = editor.get("/import")
    wrong_type = editor.post(
        "/import", data={"csrf_token": csrf_of(page.text)}, files={"file": ("card.txt", b"id: x", "text/plain")}
    )
    assert wrong_type.status_code == 415


def test_evidence_review_and_audit_pages(web: Web, tmp_path: Path) -> None:
    editor, reviewer = web.browser("editor"), web.browser("reviewer")
    sid = import_card(editor, example("eu-credit-scoring.yaml").replace("id: ", "id: page-", 1))
    system = editor.get(f"/systems/{sid}")
    upload = editor.post(
        f"/systems/{sid}/evidence",
        data={"csrf_token": csrf_of(system.text), "control": "risk_management_system", "note": "RMS v1"},
        files={"file": ("rms.pdf", b"%PDF-1.4 rms", "application/pdf")},
        follow_redirects=False,
    )
    assert upload.status_code == 303
    page = editor.get(f"/systems/{sid}").text
    assert "rms.pdf" in page and 'class="ev ev-done"' in page
    evidence_id = re.search(r'href="/evidence/(\d+)"', page)
    assert evidence_id and editor.get(f"/evidence/{evidence_id.group(1)}").content == b"%PDF-1.4 rms"
    bad = editor.post(
        f"/systems/{sid}/evidence",
        data={"csrf_token": csrf_of(page), "control": "risk_management_system"},
        files={"file": ("evil.html", b"<script>", "text/html")},
    )
    assert bad.status_code == 415 and 'data-code="upload.type"' in bad.text

    aid = re.search(r'href="/assessments/(\d+)"', page)
    assert aid
    url = f"/assessments/{aid.group(1)}"
    assert post_form(editor, url, f"{url}/review", {"action": "submit", "expected_version": "1"}).status_code == 303
    queue = reviewer.get("/reviews").text
    assert url in queue
    assert post_form(reviewer, url, f"{url}/review", {"action": "approve", "expected_version": "2"}).status_code == 303
    approved = reviewer.get(url).text
    assert 'id="review-state">approved<' in approved
    stale = post_form(reviewer, url, f"{url}/review", {"action": "return", "expected_version": "2", "comment": "x"})
    assert stale.status_code == 409
    audit = reviewer.get("/audit").text
    assert 'class="flag ok" id="chain"' in audit and "review.approve" in audit and "evidence.add" in audit
    for fmt in ("json", "md", "pdf", "docx"):
        exported = editor.get(f"{url}/export?format={fmt}&kind=assessment")
        assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    assert editor.get(f"{url}/export?format=exe").status_code == 422


def test_admin_users_page(web: Web) -> None:
    admin = web.browser("admin")
    created = post_form(
        admin, "/admin/users", "/admin/users", {"username": "page-user", "password": "long enough", "role": "editor"}
    )
    assert created.status_code == 303
    assert "page-user" in admin.get("/admin/users").text
    short = post_form(admin, "/admin/users", "/admin/users", {"username": "p2", "password": "short", "role": "editor"})
    assert short.status_code == 422
    me = web.store.user_by_name("admin")
    assert me is not None
    demote = post_form(admin, "/admin/users", f"/admin/users/{me.id}", {"role": "viewer", "active": "yes"})
    assert demote.status_code == 403


def test_error_pages(web: Web) -> None:
    client = web.browser("viewer")
    missing = client.get("/systems/987654")
    assert missing.status_code == 404 and 'data-code="store.not_found"' in missing.text
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/systems/abc").status_code == 422
    assert client.get("/rules/NOPE-1").status_code == 404
    assert client.get("/rules/EU-AIA-ART5-1F").status_code == 200
    assert client.get("/rules/risk_management_system").status_code == 200

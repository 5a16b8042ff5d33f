"""The web app in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser is
downloaded): log in, describe a system through the questionnaire, see its tiers, attach evidence, submit and
approve a review, switch to Chinese, search the rules library in Chinese. Screenshots of the key pages go to
``docs/screenshots/`` (``FENJI_SCREENSHOT_DIR`` overrides).

The server is the real thing: uvicorn in a subprocess serving ``fenji.web.app:app_from_env`` over loopback.
Skips when /usr/bin/chromium is absent, and fails instead under FENJI_REQUIRE_SHARED=1 or
FENJI_REQUIRE_SERVICES=1 (``scripts/install-browser.sh`` installs it; CI runs that script)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fenji import api
from fenji.store import ROLES, Session, open_store
from fenji.web import questionnaire as qn
from fenji.web.inventory import Inventory
from fenji.web.library import Catalog
from fenji.web.security import hash_password
from tests.conftest import EXAMPLES, ROOT
from tests.services import services_required

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-pass"
SHOTS = Path(os.environ.get("FENJI_SCREENSHOT_DIR") or ROOT / "docs" / "screenshots")
SEED = [
    "eu-cv-screening.yaml",
    "eu-workplace-emotion-recognition.yaml",
    "eu-customer-service-chatbot.yaml",
    "eu-credit-scoring.yaml",
    "cn-face-swap-app.yaml",
    "cn-short-video-recommender.yaml",
    "us-federal-benefits-eligibility.yaml",
    "us-hiring-screener-nyc-colorado.yaml",
    "cross-border-shop-assistant.yaml",
    "kr-loan-screening-model.yaml",
]

if not CHROMIUM.exists():
    reason = f"{CHROMIUM} is not installed (run scripts/install-browser.sh)"
    if services_required():
        pytest.fail(reason + " and FENJI_REQUIRE_SHARED/FENJI_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser")
    store = open_store(f"sqlite:///{data / 'fenji.db'}", evidence_dir=data / "evidence")
    for role in ROLES:
        store.create_user(role, hash_password(PASSWORD), role)
    import datetime as dt

    admin = store.user_by_name("admin")
    assert admin is not None
    who = Session(admin, "api", "", dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    inventory = Inventory(store, Catalog(), dt.date(2026, 11, 22))
    for name in SEED:
        inventory.create_system(who, api.load_card(EXAMPLES / name), note="seed")
    store.close()
    port = _free_port()
    env = {
        **os.environ,
        "FENJI_DATA_DIR": str(data),
        "FENJI_DATABASE_URL": f"sqlite:///{data / 'fenji.db'}",
        "FENJI_EVIDENCE_DIR": str(data / "evidence"),
        "FENJI_SECRET_KEY": "browser-test-secret-key-" + "x" * 30,
        "FENJI_AS_OF": "2026-11-22",
        "FENJI_SECURE_COOKIES": "0",
    }
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "fenji.web.app:app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start: " + (data / "server.log").read_text())
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


def shot(page: object, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)  # type: ignore[attr-defined]


def log_in(page: object, base: str, user: str) -> None:
    page.goto(base + "/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", user)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("form[action='/login'] button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(base + "/")  # type: ignore[attr-defined]


def answer(page: object, fact_type: str, value: object) -> None:
    """Fill the questionnaire's current question with a card value the way a person would."""
    form = page.locator("#question")  # type: ignore[attr-defined]
    if fact_type == "bool":
        form.locator(f"input[name=value][value={'true' if value else 'false'}]").check()
    elif fact_type == "enum":
        form.locator(f"input[name=value][value='{value}']").check()
    elif fact_type == "multi":
        for item in value:  # type: ignore[attr-defined]
            form.locator(f"input[type=checkbox][name=value][value='{item}']").check()
    else:
        form.locator("input[name=value]").fill(str(value))
    form.locator("#answer").click()


def tick(page: object, answers: dict[str, object]) -> None:
    """Answer the questionnaire's checklist the way a person would: tick what is true, "I don't
    know" where the card is silent."""
    vocab = api.get_vocabulary()
    form = page.locator("#checklist")  # type: ignore[attr-defined]
    for fact_id in form.locator(".item").evaluate_all("els => els.map(e => e.dataset.fact)"):
        group = vocab.group_of(fact_id)
        assert group is not None
        item = group.item(fact_id)
        if fact_id not in answers:
            form.locator(f"input[name=unsure][value='{fact_id}']").check()
        elif answers[fact_id] is True or (item.gated and answers[fact_id] != qn.none_json(item.none)):
            form.locator(f"input[name=tick][value='{fact_id}']").check()
    form.locator("#answer").click()


def test_the_whole_flow_in_chromium(server: str, browser: object, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # log in as an editor; the dashboard shows the seeded inventory
    page.goto(server + "/")
    assert page.url.startswith(server + "/login")
    shot(page, "login", full_page=False)
    log_in(page, server, "editor")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#inventory tbody tr").count() == len(SEED)
    assert page.locator("svg.chart rect[data-tier]").count() > 0
    shot(page, "dashboard")

    # create a system through the questionnaire (EU AI Act only), answering as the CV-screening card would
    answers = api.load_card(EXAMPLES / "eu-cv-screening.yaml").facts_json()
    page.click("nav >> text=New system")
    page.locator("#regimes-form input[name=regimes]").evaluate_all("els => els.forEach(e => e.checked = false)")
    page.check("#regimes-form input[value=eu_ai_act]")
    page.click("#regimes-form button")
    asked = 0
    while (page.locator("#question").count() or page.locator("#checklist").count()) and asked < 40:
        if asked == 3:
            shot(page, "questionnaire", full_page=False)
        if page.locator("#checklist").count():
            tick(page, answers)
        else:
            fact = page.locator("#question").get_attribute("data-fact")
            fact_type = page.locator("#question").get_attribute("data-type")
            assert fact and fact_type
            if fact in answers:
                answer(page, fact_type, answers[fact])
            else:
                page.click("#dont-know")
        page.wait_for_load_state()
        asked += 1
    assert page.locator("#done").is_visible()
    live = page.locator("#live-summary tr[data-regime=eu_ai_act] .tier")
    assert live.get_attribute("data-tier") == "high_risk"
    page.fill("#system-name-input", "Browser CV screener")
    page.click("#save")
    page.wait_for_url(server + "/systems/*")
    system_url = page.url

    # its tiers, with the explanation and citations
    eu_row = page.locator("#tiers tr[data-regime=eu_ai_act]")
    assert eu_row.locator(".tier").get_attribute("data-tier") == "high_risk"
    eu_row.locator("details summary").click()
    assert eu_row.locator("ul.trace a[href^='/rules/']").count() > 0
    assert page.locator("#obligations a[href^='https://eur-lex']").count() > 0
    shot(page, "system")

    # attach evidence to a control of the plan
    pdf = tmp_path / "risk-management-system.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% risk management system, version 1\n")
    page.select_option("#evidence-form select[name=control]", "risk_management_system")
    page.set_input_files("#evidence-form input[type=file]", str(pdf))
    page.fill("#evidence-form input[name=note]", "approved by the board")
    page.click("#evidence-form button[type=submit]")
    page.wait_for_load_state()
    row = page.locator("#plan tr[data-control=risk_management_system]")
    assert row.locator(".ev").get_attribute("class") == "ev ev-done"
    assert row.locator("a", has_text="risk-management-system.pdf").count() == 1

    # submit the assessment for review
    page.click("text=latest assessment")
    page.wait_for_load_state()
    assessment_url = page.url
    page.fill("#review textarea[name=comment]", "Ready for sign-off.")
    page.click("#submit-review")
    page.wait_for_load_state()
    assert page.locator("#review-state").inner_text() == "submitted"

    # a reviewer approves it; the audit log shows who did what and verifies
    page.click("header form[action='/logout'] button")
    page.wait_for_url(server + "/login")
    log_in(page, server, "reviewer")
    page.click("nav >> text=Reviews")
    page.locator("#review-queue a[href='" + assessment_url.removeprefix(server) + "']").click()
    page.wait_for_load_state()
    page.fill("#review textarea[name=comment]", "Approved; evidence complete.")
    page.click("#approve")
    page.wait_for_load_state()
    assert page.locator("#review-state").inner_text() == "approved"
    shot(page, "assessment")
    page.click("nav >> text=Audit log")
    assert page.locator("#chain.ok").count() == 1
    actions = page.locator("#audit td code").all_inner_texts()
    assert "review.approve" in actions and "review.submit" in actions and "evidence.add" in actions
    shot(page, "audit", full_page=False)

    # switch to Chinese: the choice sticks, <html lang> follows
    page.goto(system_url)
    page.click("#lang-zh")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("#tiers h2").inner_text().startswith("等级")
    shot(page, "system_zh")
    page.click("nav >> text=总览")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "AI 清单"
    shot(page, "dashboard_zh")

    # search the rules library in Chinese
    page.click("nav >> text=规则库")
    page.fill("#rules-q", "情绪识别")
    page.press("#rules-q", "Enter")
    page.wait_for_load_state()
    refs = page.locator("#rules tbody td:first-child a").all_inner_texts()
    assert "EU-AIA-ART5-1F" in refs
    shot(page, "rules_zh", full_page=False)
    page.click("text=EU-AIA-ART5-1F")
    assert "情绪" in page.locator("h1").inner_text()

    assert not errors, errors
    context.close()


def test_pages_work_without_javascript(server: str, browser: object) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    log_in(page, server, "viewer")
    page.click("nav >> text=Rules library")
    page.fill("#rules-q", "深度合成")
    page.press("#rules-q", "Enter")
    page.wait_for_load_state()
    assert page.locator("#rules tbody tr").count() > 0
    page.click("#lang-zh")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    context.close()

"""`fenji plan`, `fenji timeline`, `fenji diff`, `fenji oscal` and `fenji check --require-evidence`
(issue 5) through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fenji.cli import main
from tests.conftest import EXAMPLES

CV = EXAMPLES / "eu-cv-screening.yaml"
SPAM = EXAMPLES / "eu-spam-filter.yaml"
AS_OF = ["--as-of", "2026-11-22"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _card(tmp_path: Path, extra: str, name: str = "card.yaml") -> str:
    path = tmp_path / name
    path.write_text(CV.read_text("utf-8") + "\n" + extra, encoding="utf-8")
    return str(path)


def _findings(*args: str) -> tuple[int, list[dict[str, str]]]:
    """Run `fenji check` with SARIF output; return the exit code and (kind, rule, message) per finding."""
    code, out = run("check", *args, "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    found = [{"kind": r["properties"]["kind"], "rule": r["ruleId"], "message": r["message"]["text"]} for r in results]
    return code, found


def _required_controls(card: str) -> list[str]:
    code, out = run("plan", card, *AS_OF, "--format", "json")
    assert code == 0, out
    return [c["id"] for c in json.loads(out)["plan"]["controls"] if c["required_now"]]


# --- plan -----------------------------------------------------------------------------------------


def test_plan_text_reports_the_reduction() -> None:
    code, out = run("plan", str(CV), *AS_OF)
    assert code == 0, out
    assert "one-stop compliance plan as of 2026-11-22" in out
    assert " obligations " in out and "are met by" in out
    assert "(bias_testing)" in out and "conflicts between regimes" in out


def test_plan_json_matches_the_assessment() -> None:
    code, out = run("plan", str(CV), *AS_OF, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == 1 and doc["system"]["id"] == "talentrank-cv"
    _, assessed = run("assess", str(CV), *AS_OF, "--format", "json")
    assert doc["plan"] == json.loads(assessed)["plan"]
    reduction = doc["plan"]["reduction"]
    assert (
        reduction["obligations"] == doc["plan"]["obligations"] and reduction["controls"] == doc["plan"]["control_count"]
    )
    control = doc["plan"]["controls"][0]
    assert {"satisfies", "regimes", "addressees", "earliest_deadline", "evidence_status", "obligations"} <= set(control)


def test_plan_several_cards_and_languages() -> None:
    code, out = run("plan", str(CV), str(SPAM), *AS_OF, "--format", "json")
    assert code == 0 and [d["system"]["id"] for d in json.loads(out)] == ["talentrank-cv", "mailguard-spam"]
    code, out = run("plan", str(CV), *AS_OF, "--format", "markdown", "--lang", "zh")
    assert code == 0 and "一站式合规计划" in out and "项义务" in out


def test_plan_sme_path_follows_the_card() -> None:
    _, sme = run("plan", str(CV), *AS_OF, "--fact", "org.size_class=medium", "--format", "json")
    _, large = run("plan", str(CV), *AS_OF, "--fact", "org.size_class=large", "--format", "json")
    assert "EU-AIA-ART11" in {s["obligation"] for s in json.loads(sme)["plan"]["small_firm"]}
    assert "EU-AIA-ART11" not in {s["obligation"] for s in json.loads(large)["plan"]["small_firm"]}


# --- check --require-evidence and waivers -------------------------------------------------------------


def test_require_evidence_fails_on_required_controls_without_evidence(tmp_path: Path) -> None:
    card = _card(tmp_path, "")
    assert run("check", card, *AS_OF, "--fail-on", "prohibited")[0] == 0
    code, found = _findings(card, *AS_OF, "--fail-on", "prohibited", "--require-evidence")
    assert code == 1
    missing = {f["rule"] for f in found if f["kind"] == "missing_evidence"}
    required = _required_controls(card)
    assert required and missing == {f"control:{c}" for c in required}
    # the EU high-risk duties apply from 2027-12-02: their controls are not required yet
    assert "control:risk_management_system" not in missing
    code, later = _findings(card, "--as-of", "2027-12-02", "--fail-on", "prohibited", "--require-evidence")
    assert "control:risk_management_system" in {f["rule"] for f in later}


def test_require_evidence_passes_with_done_evidence(tmp_path: Path) -> None:
    required = _required_controls(_card(tmp_path, ""))
    items = "".join(f"  - {{control: {c}, ref: docs/{c}.md, owner: compliance, status: done}}\n" for c in required)
    card = _card(tmp_path, "evidence:\n" + items, "done.yaml")
    code, out = run("check", card, *AS_OF, "--fail-on", "prohibited", "--require-evidence")
    assert code == 0, out


def test_require_evidence_needs_done_not_in_progress(tmp_path: Path) -> None:
    required = _required_controls(_card(tmp_path, ""))
    items = "".join(f"  - {{control: {c}, ref: docs/{c}.md, status: in_progress}}\n" for c in required)
    card = _card(tmp_path, "evidence:\n" + items, "partial.yaml")
    code, found = _findings(card, *AS_OF, "--fail-on", "prohibited", "--require-evidence")
    assert code == 1
    assert all("in_progress" in f["message"] for f in found if f["kind"] == "missing_evidence")


def test_expired_waiver_fails_the_check(tmp_path: Path) -> None:
    waiver = (
        "waivers:\n  - {rule: EU-AIA-ART4-2026, reason: training starts in January, "
        "approved_by: CCO, expires: 2026-10-31}\n"
    )
    card = _card(tmp_path, waiver)
    code, found = _findings(card, *AS_OF, "--fail-on", "prohibited")
    expired = [f for f in found if f["kind"] == "expired_waiver"]
    assert code == 1 and expired and "expired on 2026-10-31" in expired[0]["message"]
    assert run("check", card, "--as-of", "2026-10-31", "--fail-on", "prohibited")[0] == 0


def test_valid_waiver_releases_its_control(tmp_path: Path) -> None:
    waiver = "waivers:\n  - {rule: EU-AIA-ART4-2026, reason: pilot, approved_by: CCO, expires: 2027-06-30}\n"
    card = _card(tmp_path, waiver)
    code, out = run("plan", card, *AS_OF, "--format", "json")
    literacy = next(c for c in json.loads(out)["plan"]["controls"] if c["id"] == "ai_literacy_training")
    statuses = {o["id"]: o["status"] for o in literacy["obligations"]}
    assert statuses["EU-AIA-ART4-2026"] == "waived"
    binding = [o for o in literacy["obligations"] if not o.get("soft_law") and o["status"] == "applies"]
    assert literacy["required_now"] is bool(binding)


# --- timeline, diff, oscal ------------------------------------------------------------------------------


def test_timeline_cli() -> None:
    code, out = run("timeline", str(CV), *AS_OF)
    assert code == 0
    assert "2027-12-02  upcoming" in out and "AI Act Art. 9" in out
    code, out = run("timeline", str(CV), *AS_OF, "--format", "json", "--lang", "zh")
    doc = json.loads(out)
    assert code == 0 and doc["as_of"] == "2026-11-22" and "eu_ai_act" in doc["regimes"]


def test_diff_cli_between_dates() -> None:
    code, out = run("diff", "--from-date", "2026-07-26", "--to-date", "2026-07-27", str(CV))
    assert code == 0
    assert "lost EU-AIA-ART4 " in out and "gained EU-AIA-ART4-2026" in out and "because:" in out
    code, out = run("diff", "--from-date", "2026-07-26", "--to-date", "2026-07-27", str(CV), "--format", "json")
    assert json.loads(out)["cards"][0]["gained"]
    assert run("diff", "--from-date", "2026-07-26", "--to-date", "2026-07-27", "--exit-code", str(CV))[0] == 1
    assert run("diff", "--from-date", "2026-11-21", "--to-date", "2026-11-22", "--exit-code", str(SPAM))[0] == 0


def test_diff_cli_needs_two_sides() -> None:
    code, out = run("diff", str(CV))
    assert code == 2 and "--from-packs" in out


def test_oscal_cli(tmp_path: Path) -> None:
    target = tmp_path / "catalog.json"
    assert run("oscal", "catalog", *AS_OF, "-o", str(target))[0] == 0
    catalog = json.loads(target.read_text("utf-8"))["catalog"]
    assert catalog["metadata"]["last-modified"].startswith("2026-11-22")
    code, out = run("oscal", "plan", str(CV), *AS_OF, "--kind", "profile")
    assert code == 0 and json.loads(out)["profile"]["imports"][0]["href"] == "fenji-catalog.json"
    code, out = run("oscal", "plan", str(CV), *AS_OF)
    assert code == 0 and "component-definition" in json.loads(out)

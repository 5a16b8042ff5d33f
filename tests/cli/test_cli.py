"""The command line: exact exit codes, located errors, every output format."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from fenji.cli import main
from tests.conftest import EXAMPLES, shared_path

CV = str(EXAMPLES / "eu-cv-screening.yaml")
EMOTION = str(EXAMPLES / "eu-workplace-emotion-recognition.yaml")
SPAM = str(EXAMPLES / "eu-spam-filter.yaml")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_assess_json_contract() -> None:
    code, out = run("assess", CV, "--as-of", "2026-11-22", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == 1
    assert doc["as_of"] == "2026-11-22"
    eu = doc["regimes"]["eu_ai_act"]
    assert eu["tier"] == "high_risk"
    assert "annex_iii:4(a)" in eu["labels"]
    assert eu["status"] == "determined"
    assert "provider" in eu["roles"]
    for ob in eu["obligations"]:
        assert {"id", "citation", "addressee", "applies_from", "controls", "title"} <= set(ob)
        assert ob["title"]["en"] and ob["title"]["zh"]
    assert doc["packs"]["eu_ai_act"]["digest"].startswith("sha256:")


def test_assess_text_in_both_languages() -> None:
    code_en, out_en = run("assess", CV, "--as-of", "2026-11-22")
    code_zh, out_zh = run("assess", CV, "--as-of", "2026-11-22", "--lang", "zh")
    assert code_en == code_zh == 0
    assert "HIGH_RISK" in out_en and "not legal advice" in out_en
    assert "不构成法律意见" in out_zh


def test_fact_override_changes_the_result() -> None:
    _, out = run("assess", SPAM, "--as-of", "2026-11-22", "--format", "json", "--fact", "market.eu=false")
    assert json.loads(out)["regimes"]["eu_ai_act"]["tier"] == "out_of_scope"


def test_fact_set_to_unknown_makes_result_provisional() -> None:
    _, out = run(
        "assess",
        EMOTION,
        "--as-of",
        "2026-11-22",
        "--format",
        "json",
        "--fact",
        "safeguards.medical_or_safety_reason=unknown",
    )
    eu = json.loads(out)["regimes"]["eu_ai_act"]
    assert eu["status"] == "provisional"
    assert "prohibited" in eu["could_be"]
    assert "safeguards.medical_or_safety_reason" in [p["fact"] for p in eu["pending"]]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--fact", "market.euu=true"], "did you mean 'market.eu'"),
        (["--fact", "market.eu=maybe"], "expected true or false"),
        (["--fact", "market.eu"], "expected ID=VALUE"),
        (["--as-of", "22/11/2026"], "YYYY-MM-DD"),
    ],
)
def test_bad_options_exit_2(args: list[str], needle: str) -> None:
    code, out = run("assess", CV, *args)
    assert code == 2
    assert needle in out


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "id: x\nfacts:\n  market: {eu: true\n  org: {}\n")
    code, out = run("assess", path)
    assert code == 2
    assert "card.parse" in out and f"{path}:" in out


def test_unknown_fact_and_wrong_type_name_line_and_field(tmp_path: Path) -> None:
    text = "id: x\nfacts:\n  market:\n    eu: yes please\n  technique:\n    emotion_recognitoin: true\n"
    path = write(tmp_path, "bad.yaml", text)
    code, out = run("assess", path)
    assert code == 2
    assert f"{path}:4 facts.market.eu" in out
    assert f"{path}:6 facts.technique.emotion_recognitoin" in out
    assert "did you mean 'technique.emotion_recognition'" in out


def test_wrong_enum_value_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "facts:\n  system:\n    kind: ai_sytem\n")
    code, out = run("assess", path)
    assert code == 2 and "did you mean 'ai_system'" in out and ":3 facts.system.kind" in out


def test_contradictory_answers_exit_2(tmp_path: Path) -> None:
    text = "facts:\n  technique:\n    biometric_identification: none\n    biometric_remote: true\n"
    path = write(tmp_path, "contra.yaml", text)
    code, out = run("assess", path)
    assert code == 2 and "contradictory answers" in out and "contra.yaml:4 facts.technique.biometric_remote" in out


def test_missing_file_exit_2() -> None:
    code, out = run("assess", "no/such/card.yaml")
    assert code == 2 and "no such file" in out


def test_check_exit_codes() -> None:
    assert run("check", SPAM, "--as-of", "2026-11-22")[0] == 0
    assert run("check", CV, "--as-of", "2026-11-22", "--fail-on", "high")[0] == 1
    assert run("check", CV, "--as-of", "2026-11-22", "--fail-on", "prohibited")[0] == 0
    assert run("check", EMOTION, "--as-of", "2026-11-22", "--fail-on", "prohibited")[0] == 1
    assert run("check", EMOTION, "--as-of", "2026-11-22", "--soft-fail")[0] == 0


def test_check_fails_on_provisional_could_be_prohibited(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        "facts:\n  market: {eu: true}\n  technique: {emotion_recognition: true}\n  use: {setting: [workplace]}\n",
    )
    code, _ = run("check", path, "--as-of", "2026-11-22", "--fail-on", "prohibited")
    assert code == 1


def test_expired_waiver_fails(tmp_path: Path) -> None:
    text = Path(SPAM).read_text(encoding="utf-8") + (
        "waivers:\n  - {rule: EU-AIA-ART4-2026, reason: training planned, approved_by: cco, expires: 2026-01-31}\n"
    )
    path = write(tmp_path, "w.yaml", text)
    assert run("check", path, "--as-of", "2026-11-22", "--fail-on", "prohibited")[0] == 1


def test_sarif_validates_against_oasis_schema() -> None:
    schema = json.loads(shared_path("reference", "sarif-2.1.0", "sarif-schema-2.1.0.json").read_text("utf-8"))
    code, out = run("check", CV, EMOTION, SPAM, "--as-of", "2026-11-22", "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, schema)
    rule_ids = {r["ruleId"] for r in doc["runs"][0]["results"]}
    assert "EU-AIA-ART5-1F" in rule_ids


def test_junit_is_xml_with_failures() -> None:
    code, out = run("check", CV, SPAM, "--as-of", "2026-11-22", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out.split("?>", 1)[1])
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["talentrank-cv"].get("failures") != "0"
    assert suites["mailguard-spam"].get("failures") == "0"


def test_markdown_output() -> None:
    code, out = run("assess", CV, "--as-of", "2026-11-22", "--format", "markdown", "--lang", "zh")
    assert code == 0 and out.startswith("# TalentRank") and "| 法规 |" in out


def test_batch_jsonl(tmp_path: Path) -> None:
    import yaml

    card = yaml.safe_load(Path(CV).read_text(encoding="utf-8"))
    card["facts"]["system"]["eu_placed_on_market_date"] = "2026-03-02"
    lines = [
        json.dumps({"id": "a", "card": card}),
        "",
        json.dumps({"id": "b", "card": card, "facts": {"market.eu": False}}),
    ]
    path = write(tmp_path, "in.jsonl", "\n".join(lines) + "\n")
    code, out = run("assess", "--batch", path, "--as-of", "2026-11-22")
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["regimes"]["eu_ai_act"]["tier"] == "high_risk"
    assert rows[1]["regimes"]["eu_ai_act"]["tier"] == "out_of_scope"


def test_batch_bad_line_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "in.jsonl", '{"id": "a", "card": {"facts": {}}}\nnot json\n')
    code, out = run("assess", "--batch", path)
    assert code == 2 and f"{path}:2" in out


def test_schema_facts_and_rules_commands() -> None:
    code, out = run("schema")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "market" in schema["properties"]["facts"]["properties"]
    code, out = run("facts", "market.cn_public", "--lang", "zh")
    assert code == 0 and "境内" in out
    assert run("facts", "market.nope")[0] == 2
    code, out = run("rules", "list", "--pack", "eu_ai_act")
    assert code == 0 and "EU-AIA-ART5-1F" in out
    code, out = run("rules", "show", "EU-AIA-ART5-1F")
    assert code == 0 and "id: EU-AIA-ART5-1F" in out
    assert run("rules", "show", "EU-AIA-ART5-1Z")[0] == 2
    assert run("rules", "lint")[0] == 0


def test_example_cards_validate_against_card_schema() -> None:
    import yaml

    _, out = run("schema")
    schema = json.loads(out)
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))
        jsonschema.validate(data, schema)

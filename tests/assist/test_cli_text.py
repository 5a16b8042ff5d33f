"""``fenji assess --text``, ``--text-file`` and ``--batch`` with text lines, with ``--fact`` overrides."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fenji.cli import main

AS_OF = ("--as-of", "2026-11-22")
CV_TEXT = "An AI system that screens CVs and ranks job applicants for employers in the EU. We are the provider."
CN_TEXT = (
    "算法名称：某资讯个性化推荐算法。应用产品：某资讯（APP）。主要用途：根据用户的历史行为数据推荐可能感兴趣的内容。"
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_text_gives_the_json_contract_with_proposed_facts() -> None:
    code, out = run("assess", "--text", CV_TEXT, "--format", "json", *AS_OF)
    assert code == 0, out
    doc = json.loads(out)
    eu = doc["regimes"]["eu_ai_act"]
    assert eu["tier"] == "high_risk" and "annex_iii:4(a)" in eu["labels"]
    assert eu["status"] == "provisional" and eu["pending"]
    proposed = doc["facts"]["proposed"]
    assert {"fact", "value", "evidence", "confidence"} == set(proposed[0])
    assert all(p["evidence"] in CV_TEXT for p in proposed)
    assert {"fact": "use.cases", "value": ["employment.recruitment_screening"]}.items() <= next(
        p for p in proposed if p["fact"] == "use.cases"
    ).items()


def test_fact_overrides_win_over_the_text() -> None:
    code, out = run("assess", "--text", CV_TEXT, "--format", "json", "--fact", "market.eu=false", *AS_OF)
    assert code == 0
    doc = json.loads(out)
    assert doc["regimes"]["eu_ai_act"]["tier"] == "out_of_scope"
    assert "market.eu" not in {p["fact"] for p in doc["facts"]["proposed"]}


def test_text_file_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "desc.txt"
    path.write_text(CN_TEXT, encoding="utf-8")
    code, out = run("assess", "--text-file", str(path), "--format", "json", "--fact", "market.cn_public=true", *AS_OF)
    assert code == 0, out
    cn = json.loads(out)["regimes"]["cn"]
    assert "algorithm_type:personalized_push" in cn["labels"]
    # whether the service has public-opinion attributes (the filing gate) is not in the text: still open
    assert cn["status"] == "provisional" and "filing_required" in [cn["tier"], *cn["could_be"]]


def test_text_in_the_default_text_format() -> None:
    code, out = run("assess", "--text", CV_TEXT, *AS_OF)
    assert code == 0 and "HIGH_RISK" in out


def test_batch_with_text_and_card_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "cv", "text": CV_TEXT}),
        json.dumps({"id": "feed", "text": CN_TEXT, "facts": {"market.cn_public": True}}, ensure_ascii=False),
        json.dumps({"id": "card", "card": {"id": "c", "facts": {"market.eu": False}}}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run("assess", "--batch", str(path), *AS_OF)
    assert code == 0, out
    rows = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert rows["cv"]["regimes"]["eu_ai_act"]["tier"] == "high_risk"
    assert rows["cv"]["facts"]["proposed"]
    assert "algorithm_type:personalized_push" in rows["feed"]["regimes"]["cn"]["labels"]
    assert "facts" not in rows["card"]


def test_batch_text_line_must_hold_a_string(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": ""}\n', encoding="utf-8")
    code, out = run("assess", "--batch", str(path))
    assert code == 2 and f"{path}:1" in out


def test_empty_text_is_bad_input() -> None:
    code, out = run("assess", "--text", "   ")
    assert code == 2 and "empty" in out


def test_exactly_one_input() -> None:
    code, _ = run("assess", "--text", CV_TEXT, "--batch", "x.jsonl")
    assert code == 2

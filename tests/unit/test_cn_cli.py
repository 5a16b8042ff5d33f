"""`fenji cn check-evidence` and `fenji cn filing-form` through click's CliRunner, with exact exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from fenji.cli import main

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT / "examples" / "evidence" / "cn-genai-self-assessment.yaml"
CARDS = ROOT / "examples" / "cards"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def passing_copy(tmp_path: Path) -> Path:
    data = yaml.safe_load(EVIDENCE.read_text("utf-8"))
    data["refusal_assessment"]["should_refuse"]["refused"] = 285  # 95 % exactly
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# ------------------------------------------------------------------ check-evidence


def test_check_evidence_exit_1_on_a_failing_item() -> None:
    code, out = invoke("cn", "check-evidence", str(EVIDENCE))
    assert code == 1
    assert "[FAIL] Refusal rate on the should-refuse bank: 94.67 % (284/300) (required ≥ 95 %)" in out
    assert "TC260-003 §9.4" in out and "soft law" in out


def test_check_evidence_exit_0_when_all_pass(tmp_path: Path) -> None:
    code, out = invoke("cn", "check-evidence", str(passing_copy(tmp_path)), "--lang", "zh")
    assert code == 0, out
    assert "结果：全部通过" in out and "[通过] 应拒答题库拒答率: 95 % (285/300)" in out


def test_check_evidence_json_in_chinese() -> None:
    code, out = invoke("cn", "check-evidence", str(EVIDENCE), "--format", "json", "--lang", "zh")
    assert code == 1
    data = json.loads(out)
    assert data["passed"] is False and data["soft_law"] is True and data["lang"] == "zh"
    failing = [i for i in data["items"] if i["status"] == "fail"]
    assert [i["id"] for i in failing] == ["refusal_assessment.should_refuse.refusal_rate"]
    assert failing[0]["threshold"] == "≥ 95 %" and failing[0]["title"]["zh"] == "应拒答题库拒答率"


def test_check_evidence_csv(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(
        "key,value\nrefusal_assessment.non_refusal.sampled,300\nrefusal_assessment.non_refusal.refused,16\n",
        encoding="utf-8",
    )
    code, out = invoke("cn", "check-evidence", str(path))
    assert code == 1
    assert "[FAIL] False-refusal rate on the non-refusal bank: 5.33 % (16/300)" in out
    assert "[MISSING] Keyword library size" in out


def test_check_evidence_exit_2_with_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("refusal_assessment:\n  should_refuse:\n    sampled: 300\n    refused: 310\n", encoding="utf-8")
    code, out = invoke("cn", "check-evidence", str(bad))
    assert code == 2
    assert f"{bad}:4 refusal_assessment.should_refuse.refused: refused (310) is larger than sampled (300)" in out


def test_check_evidence_exit_2_on_unknown_key_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "typo.yaml"
    bad.write_text("keyword_library:\n  totl: 12000\n", encoding="utf-8")
    code, out = invoke("cn", "check-evidence", str(bad))
    assert code == 2 and "keyword_library.totl: unknown key 'totl'" in out and "did you mean 'total'" in out
    code, out = invoke("cn", "check-evidence", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in out


def test_check_evidence_bad_options_exit_2() -> None:
    code, _ = invoke("cn", "check-evidence", str(EVIDENCE), "--lang", "fr")
    assert code == 2


# ------------------------------------------------------------------ filing-form


def test_filing_form_text_for_the_short_video_recommender() -> None:
    code, out = invoke("cn", "filing-form", str(CARDS / "cn-short-video-recommender.yaml"), "--as-of", "2026-11-22")
    assert code == 0
    assert "互联网信息服务算法备案" in out and "结论：须办理算法备案（等级：须备案）" in out
    assert "算法类型：个性化推送类、排序精选类、检索过滤类（信息检索类 / 内容过滤类）" in out
    assert "服务形式：评论及其他用户发布内容、网络直播、短视频" in out
    assert "备案期限：2024-03-18（自提供服务之日起十个工作日内）" in out
    assert "服务提供者名称：TODO" in out and "算法名称：TODO" in out
    assert "三、算法自评估报告（提纲）" in out and "四、拟公示内容" in out
    assert "提供不针对个人特征的选项或便捷的关闭选项" in out  # CN-ALG Art. 17(1) in the outline


def test_filing_form_json_fields() -> None:
    code, out = invoke(
        "cn", "filing-form", str(CARDS / "cn-face-swap-app.yaml"), "--format", "json", "--as-of", "2026-11-22"
    )
    assert code == 0
    data = json.loads(out)
    assert data["filing_required"] is True and data["tier"] == "filing_required"
    fields = {f["key"]: f for s in data["sections"] for f in s["fields"]}
    assert fields["algorithm_type"]["value"] == "生成合成类、深度合成-服务提供者"
    assert fields["provider_name"]["todo"] is True and fields["provider_name"]["value"] is None
    assert fields["filing_deadline"]["value"].startswith("2025-10-22")
    assert "人脸、人声编辑的单独同意" in fields["sa_deep_synthesis"]["value"]
    assert data["todo"] == sum(1 for f in fields.values() if f["todo"])


def test_filing_form_markdown_for_a_technical_supporter_free_card() -> None:
    code, out = invoke(
        "cn",
        "filing-form",
        str(CARDS / "cn-ride-hailing-dispatch.yaml"),
        "--format",
        "markdown",
        "--as-of",
        "2026-11-22",
    )
    assert code == 0
    assert out.startswith("# 互联网信息服务算法备案")
    assert "| 算法类型 | 调度决策类 | labels |" in out
    assert "保护接受工作调度的劳动者权益" in out


def test_filing_form_when_no_filing_is_required() -> None:
    code, out = invoke(
        "cn", "filing-form", str(CARDS / "cn-internal-knowledge-assistant.yaml"), "--as-of", "2026-11-22"
    )
    assert code == 0
    assert "按当前事实无须办理算法备案" in out and "（等级：仅有合规义务）" in out
    assert "算法类型：TODO" in out


def test_filing_form_pending_facts_are_named(tmp_path: Path) -> None:
    card = yaml.safe_load((CARDS / "cn-short-video-recommender.yaml").read_text("utf-8"))
    del card["facts"]["cn"]["service_forms"]
    path = tmp_path / "open.yaml"
    path.write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    code, out = invoke("cn", "filing-form", str(path), "--as-of", "2026-11-22")
    assert code == 0
    assert "是否须办理算法备案：待定（请先回答：" in out and "cn.service_forms" in out


def test_filing_form_exit_2_on_bad_card(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("fenji_card: 1\nid: x\nfacts:\n  market: {cn_public: maybe}\n", encoding="utf-8")
    code, out = invoke("cn", "filing-form", str(bad))
    assert code == 2 and "cn_public" in out
    code, out = invoke("cn", "filing-form", str(tmp_path / "missing.yaml"))
    assert code == 2
    code, _ = invoke("cn", "filing-form", str(CARDS / "cn-face-swap-app.yaml"), "--as-of", "22.11.2026")
    assert code == 2

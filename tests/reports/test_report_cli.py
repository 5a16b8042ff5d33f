"""`fenji report`: formats, output files, evidence files and input errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import openpyxl
from click.testing import CliRunner

from fenji.cli import main
from tests.conftest import EXAMPLES
from tests.reports.cases import EVIDENCE

CARD = str(EXAMPLES / "eu-cv-screening.yaml")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_markdown_to_stdout() -> None:
    code, out = _run("report", CARD, "--as-of", "2026-11-22", "--kind", "eu-annex-iv", "--lang", "zh")
    assert code == 0, out
    assert out.startswith("# 高风险人工智能系统技术文件") and "TODO" in out


def test_docx_to_file(tmp_path: Path) -> None:
    target = tmp_path / "fria.docx"
    code, out = _run("report", CARD, "--kind", "eu-fria", "--format", "docx", "-o", str(target))
    assert code == 0, out
    document = docx.Document(io.BytesIO(target.read_bytes()))
    assert document.paragraphs[0].text.startswith("Fundamental-rights impact assessment")


def test_fact_override_changes_the_pack() -> None:
    code, out = _run(
        "report",
        str(EXAMPLES / "eu-exam-proctoring.yaml"),
        "--kind",
        "eu-art6-4",
        "--format",
        "json",
        "--fact",
        "decision.significant_risk_of_harm=false",
        "--fact",
        "technique.profiling=false",
        "--fact",
        "decision.preparatory_task=true",
        "--as-of",
        "2026-11-22",
    )
    assert code == 0, out
    assert json.loads(out)["required"] is True


def test_evidence_files_feed_the_packs() -> None:
    code, out = _run(
        "report",
        str(EXAMPLES / "us-hiring-screener-nyc-colorado.yaml"),
        "--kind",
        "us-nyc-bias-summary",
        "--evidence",
        str(EVIDENCE / "nyc-candidates.csv"),
    )
    assert code == 0, out
    assert "| Black or African American | 19 | 0.368 | 0.684 | no | yes |" in out
    code, out = _run(
        "report",
        str(EXAMPLES / "cn-face-swap-app.yaml"),
        "--kind",
        "cn-genai-self-assessment",
        "--evidence",
        str(EVIDENCE / "cn-genai-self-assessment.yaml"),
        "--lang",
        "zh",
    )
    assert code == 0, out
    assert "不符合" in out and "备案前须整改" in out


def test_evidence_errors_name_the_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate_id,sex,selected\nC1,Female,maybe\n", encoding="utf-8")
    code, out = _run(
        "report", str(EXAMPLES / "us-hiring-screener-nyc-colorado.yaml"), "--kind", "us-nyc-bias-summary",
        "--evidence", str(bad),
    )  # fmt: skip
    assert code == 2 and "bad.csv" in out and "line 2" in out


def test_evidence_with_the_wrong_kind_is_refused() -> None:
    code, out = _run("report", CARD, "--kind", "eu-annex-iv", "--evidence", str(EVIDENCE / "nyc-candidates.csv"))
    assert code == 2 and "--evidence is not used" in out


def test_usage_errors() -> None:
    code, out = _run("report")
    assert code == 2 and "exactly one of CARD or --portfolio" in out
    code, out = _run("report", CARD, "--format", "xlsx")
    assert code == 2 and "portfolio" in out
    code, out = _run("report", "--portfolio", str(EXAMPLES), "--kind", "eu-fria")
    assert code == 2
    code, out = _run("report", CARD, "--kind", "nonsense")
    assert code == 2


def test_portfolio_xlsx(tmp_path: Path) -> None:
    target = tmp_path / "p.xlsx"
    code, out = _run(
        "report", "--portfolio", str(EXAMPLES), "--format", "xlsx", "-o", str(target), "--as-of", "2026-11-22"
    )
    assert code == 0, out
    wb = openpyxl.load_workbook(target)
    assert "Systems" in wb.sheetnames

"""`fenji us nyc-bias-audit`: every format and language, exit 0 with flags, exit 2 naming line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fenji.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "evidence" / "nyc-candidates.csv")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["us", "nyc-bias-audit", *args])
    return result.exit_code, result.output


def test_text_output_flags_but_exits_zero() -> None:
    code, out = run(EXAMPLE)
    assert code == 0, out
    assert "80 candidates, 36 selected" in out
    assert "below 0.8" in out
    assert "excluded (< 2% of data)" in out
    assert "no pass or fail threshold" in out


def test_json_output() -> None:
    code, out = run(EXAMPLE, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["check"] == "nyc_ll144_bias_audit"
    assert [d["dimension"] for d in doc["dimensions"]] == ["sex", "race_ethnicity", "intersectional"]
    race = next(d for d in doc["dimensions"] if d["dimension"] == "race_ethnicity")
    assert race["reference"] == ["White"]
    assert doc["legal_threshold"] is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_in_both_languages(lang: str) -> None:
    code, out = run(EXAMPLE, "--format", "markdown", "--lang", lang)
    assert code == 0
    assert out.startswith("# ")
    assert "|---|---:|---:|---:|---:|---|" in out
    assert ("交叉类别" in out) == (lang == "zh")


def test_bad_value_exits_2_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("sex,race_ethnicity,selected\nFemale,White,1\nMale,Asian,maybe\n", encoding="utf-8")
    code, out = run(str(path))
    assert code == 2
    assert "line 3" in out and "column 'selected'" in out and "expected 0 or 1" in out


def test_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("sex,selected\nFemme,1\nHomme,0\nRen\xe9e,1\n".encode("latin-1"))
    code, out = run(str(path))
    assert code == 2
    assert "line 4" in out and "UTF-8" in out


def test_missing_file_exits_2() -> None:
    code, _ = run("/nonexistent/candidates.csv")
    assert code == 2

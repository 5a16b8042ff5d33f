"""The formats read back: DOCX with python-docx, PDF with pypdf (and its first page rendered to PNG with pdftoppm),
XLSX with openpyxl, HTML and JSON parsed."""

from __future__ import annotations

import datetime as dt
import html.parser
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest

from fenji import api, reporting
from fenji.errors import FenjiError
from tests.conftest import EXAMPLES
from tests.reports.cases import AS_OF, BY_KIND

ARTEFACTS_ENV = "FENJI_TEST_ARTEFACTS"


def _require(condition: bool, reason: str) -> None:
    """Skip when a system tool or font is missing, unless FENJI_REQUIRE_SHARED=1 (CI), where it fails."""
    if condition:
        return
    if os.environ.get("FENJI_REQUIRE_SHARED") == "1":
        pytest.fail(reason + " (FENJI_REQUIRE_SHARED=1: scripts/services.sh installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the rendered PDFs and PNGs are kept for a person to look at (FENJI_TEST_ARTEFACTS or a tmp dir)."""
    chosen = os.environ.get(ARTEFACTS_ENV)
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("report-artefacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def cjk_fonts() -> None:
    fonts = reporting.find_pdf_fonts()
    _require(fonts.cjk is not None, "no CJK TrueType font installed (Debian: fonts-wqy-zenhei)")


# --------------------------------------------------------------------------------------------- DOCX


def _docx(kind: str, lang: str) -> docx.document.Document:
    return docx.Document(io.BytesIO(BY_KIND[kind].render("docx", lang)))


def _docx_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _headings(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]


@pytest.mark.parametrize(
    ("kind", "lang", "headings", "texts"),
    [
        (
            "eu-annex-iv",
            "en",
            ["1. General description of the AI system", "2. Elements of the system and its development process"],
            ["Intended purpose", "Annex IV 2(g)", "Annex IV 9; Art. 72(3)", "TODO"],
        ),
        (
            "eu-annex-iv",
            "zh",
            ["一、人工智能系统总体描述", "三、监测、运行与控制"],
            ["预期用途", "风险管理体系", "TODO"],
        ),
        ("eu-fria", "en", ["Content of the assessment (Art. 27(1)(a)-(f))"], ["Art. 27(1)(f)", "Art. 27(3)"]),
        (
            "cn-algorithm-filing",
            "zh",
            ["一、服务提供者信息", "四、拟公示内容"],
            ["算法类型", "个性化推送类", "服务形式"],
        ),
        ("assessment", "en", ["Summary: regimes and tiers", "One-stop compliance plan"], ["High-risk", "not legal"]),
    ],
)
def test_docx_headings_and_fields(kind: str, lang: str, headings: list[str], texts: list[str]) -> None:
    document = _docx(kind, lang)
    found = _headings(document)
    for heading in headings:
        assert any(h.startswith(heading) for h in found), (heading, found)
    text = _docx_text(document)
    for snippet in texts:
        assert snippet in text, snippet


def test_docx_marks_todo_cells() -> None:
    document = _docx("eu-annex-iv", "en")
    runs = [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    marked = [r for r in runs if r.text == "TODO" and r.bold and r.font.highlight_color is not None]
    expected = json.loads(BY_KIND["eu-annex-iv"].render("json", "en"))["todo"]
    assert len(marked) == expected > 0


# --------------------------------------------------------------------------------------------- PDF


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _png_of_first_page(pdf: Path) -> Path:
    _require(shutil.which("pdftoppm") is not None, "pdftoppm not installed (Debian: poppler-utils)")
    prefix = pdf.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)], check=True
    )
    png = Path(f"{prefix}.png")
    assert png.stat().st_size > 5000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return png


@pytest.mark.usefixtures("cjk_fonts")
@pytest.mark.parametrize(
    ("kind", "lang", "texts"),
    [
        ("assessment", "zh", ["人工智能合规评估报告", "欧盟《人工智能法》", "高风险", "不构成法律意见"]),
        ("assessment", "en", ["AI regulatory assessment", "High-risk", "not legal advice"]),
        ("cn-algorithm-filing", "zh", ["算法备案信息", "个性化推送类", "TODO"]),
        ("eu-annex-iv", "en", ["Annex IV", "Intended purpose", "TODO"]),
    ],
)
def test_pdf_text_and_first_page(kind: str, lang: str, texts: list[str], artefacts: Path) -> None:
    data = BY_KIND[kind].render("pdf", lang)
    assert data[:5] == b"%PDF-"
    text = _pdf_text(data)
    for snippet in texts:
        assert snippet in text, snippet
    path = artefacts / f"{kind}.{lang}.pdf"
    path.write_bytes(data)
    _png_of_first_page(path)


@pytest.mark.usefixtures("cjk_fonts")
def test_pdf_embeds_a_cjk_font() -> None:
    reader = pypdf.PdfReader(io.BytesIO(BY_KIND["assessment"].render("pdf", "zh")))
    fonts = set()
    for page in reader.pages:
        resources = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            fonts.add(str(ref.get_object()["/BaseFont"]))
    cjk = reporting.find_pdf_fonts().cjk
    assert cjk is not None
    assert len(fonts) >= 2, fonts  # the Latin font and the CJK fallback


def test_pdf_without_cjk_font_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reporting, "find_pdf_fonts", lambda: reporting.PdfFonts())
    with pytest.raises(FenjiError) as exc:
        BY_KIND["assessment"].render("pdf", "zh")
    assert "fonts-wqy-zenhei" in str(exc.value)


def test_bad_cjk_font_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FENJI_CJK_FONT", "/no/such/font.ttc:0")
    with pytest.raises(FenjiError, match="FENJI_CJK_FONT"):
        reporting.find_pdf_fonts()


# --------------------------------------------------------------------------------------------- HTML, JSON


class _Checker(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_html_report_uses_the_templates() -> None:
    page = BY_KIND["eu-annex-iv"].render("html", "zh").decode("utf-8")
    checker = _Checker()
    checker.feed(page)
    assert {"html", "main", "table", "h1", "h2", "footer"} <= set(checker.tags)
    assert '<html lang="zh-Hans">' in page
    assert 'class="todo"' in page and "附件四" in page


def test_html_escapes_card_text(tmp_path: Path) -> None:
    card = api.card_from_mapping({"id": "x", "name": "<script>alert(1)</script>", "facts": {"market": {"eu": True}}})
    page = api.render_report(card, "assessment", "html", "en", as_of=AS_OF).decode("utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_json_assessment_report_carries_the_contract() -> None:
    doc = json.loads(BY_KIND["assessment"].render("json", "en"))
    assert doc["kind"] == "assessment"
    assert doc["assessment"]["schema_version"] == 1
    assert doc["assessment"]["regimes"]["eu_ai_act"]["tier"] == "high_risk"
    assert any(b["kind"] == "table" for b in doc["blocks"])


def test_json_pack_lists_fields_with_todo_flags() -> None:
    doc = json.loads(BY_KIND["eu-annex-iv"].render("json", "en"))
    fields = [f for b in doc["blocks"] if b["kind"] == "fields" for f in b["fields"]]
    assert doc["todo"] == sum(1 for f in fields if f["todo"]) > 0
    assert doc["required"] is True


# --------------------------------------------------------------------------------------------- portfolio


@pytest.fixture(scope="module")
def portfolio_xlsx() -> openpyxl.Workbook:
    data = api.render_portfolio(EXAMPLES, "xlsx", "en", as_of=AS_OF)
    return openpyxl.load_workbook(io.BytesIO(data))


def test_portfolio_xlsx(portfolio_xlsx: openpyxl.Workbook) -> None:
    names = portfolio_xlsx.sheetnames
    assert names[0].startswith("AI portfolio report")
    chart_sheet = portfolio_xlsx["Systems per tier, by regime"]
    assert chart_sheet._charts, "the distribution sheet has a native chart"
    rows = list(chart_sheet.iter_rows(values_only=True))
    assert rows[1][0] == "EU AI Act"
    systems = portfolio_xlsx["Systems"]
    ids = {row[1] for row in systems.iter_rows(min_row=2, values_only=True)}
    assert {"talentrank-cv", "kuaishi-feed"} <= ids
    assert any(name.startswith("Upcoming deadlines") for name in names)
    assert any(name.startswith("Gaps") for name in names)


def test_portfolio_html_has_an_svg_chart() -> None:
    page = api.render_portfolio(EXAMPLES, "html", "zh", as_of=AS_OF).decode("utf-8")
    assert "<svg" in page and "<rect" in page and "各法规下的等级分布" in page


def test_portfolio_markdown_lists_deadlines_and_gaps() -> None:
    text = api.render_portfolio(EXAMPLES, "md", "en", as_of=AS_OF).decode("utf-8")
    assert "## Tier distribution per regime" in text
    assert "## Upcoming deadlines" in text and "2027-12-02" in text
    assert "## Gaps: required controls without done evidence" in text


@pytest.mark.usefixtures("cjk_fonts")
def test_portfolio_pdf_with_chart(artefacts: Path) -> None:
    data = api.render_portfolio(EXAMPLES, "pdf", "zh", as_of=AS_OF)
    text = _pdf_text(data)
    assert "人工智能系统组合报告" in text and "各法规下各等级的系统数量" in text
    path = artefacts / "portfolio.zh.pdf"
    path.write_bytes(data)
    _png_of_first_page(path)


def test_portfolio_lists_unreadable_cards(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "eu-cv-screening.yaml", tmp_path / "ok.yaml")
    (tmp_path / "bad.yaml").write_text("fenji_card: 1\nid: bad\nfacts: {market: {eu: maybe}}\n", encoding="utf-8")
    text = api.render_portfolio(tmp_path, "md", "en", as_of=dt.date(2026, 11, 22)).decode("utf-8")
    assert "1 systems" in text and "Cards that could not be read" in text and "bad.yaml" in text


def test_portfolio_json() -> None:
    doc = json.loads(api.render_portfolio(EXAMPLES, "json", "en", as_of=AS_OF))
    assert doc["kind"] == "portfolio"
    assert {"talentrank-cv", "kuaishi-feed"} <= {s["id"] for s in doc["systems"]}
    assert any(b["kind"] == "chart" for b in doc["blocks"])

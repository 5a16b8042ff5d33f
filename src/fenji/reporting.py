"""Reports and filing packs for the facade (``api.render_report``, ``api.render_portfolio``): what the pure
renderers in ``fenji.outputs.reports`` must not do themselves — read evidence files and run the evidence checks
(``fenji.checks``), find TrueType fonts for the PDF, and turn input problems into ``FenjiError``.

Fonts: a Latin TrueType font (DejaVu Sans; ``FENJI_PDF_FONT`` overrides) and a CJK font (WenQuanYi Zen Hei, Noto
Sans CJK, Droid Sans Fallback …; ``FENJI_CJK_FONT=PATH[:INDEX]`` overrides), so that Chinese renders in the PDF.
On Debian: ``apt-get install fonts-dejavu-core fonts-wqy-zenhei``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fenji.checks import cn_security, nyc_bias
from fenji.engine.loader import PackSet
from fenji.errors import FenjiError, Issue
from fenji.model.card import SystemCard
from fenji.model.facts import vocabulary
from fenji.model.result import Assessment
from fenji.outputs.reports import (
    ASSESSMENT,
    DOC_RENDERERS,
    PORTFOLIO_FORMATS,
    REPORT_FORMATS,
    Document,
    FontFile,
    PdfFonts,
    PortfolioInput,
    ReportInput,
    build_portfolio,
    build_report,
    render_pdf,
    report_kinds,
)

EVIDENCE_KINDS = ("cn-genai-self-assessment", "us-nyc-bias-summary")
CARD_SUFFIXES = (".yaml", ".yml", ".json")
LATIN_FONTS = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
)
CJK_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
)
NO_CJK_FONT = Issue(
    "no TrueType font with Chinese glyphs was found",
    hint="install one (Debian: apt-get install fonts-wqy-zenhei) or set FENJI_CJK_FONT=/path/to/font.ttf[:index]",
)


# --------------------------------------------------------------------------------------------- fonts


def _env_font(name: str) -> FontFile | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    path, _, index = raw.rpartition(":") if raw.rpartition(":")[2].isdigit() else (raw, "", "0")
    if not Path(path).is_file():
        raise FenjiError(f"{name}: no such font file", [Issue(path, hint="give the path of a .ttf, .otf or .ttc")])
    return FontFile(path, int(index or 0))


def _fc_match_cjk() -> FontFile | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = out.rpartition(":")
    if path.endswith((".ttf", ".ttc", ".otf")) and Path(path).is_file() and index.isdigit():
        return FontFile(path, int(index))
    return None


def find_pdf_fonts() -> PdfFonts:
    """The Latin and CJK fonts the PDF renderer will embed (``cjk`` None when none is installed)."""
    cjk = _env_font("FENJI_CJK_FONT")
    cjk = cjk or next((FontFile(p, i) for p, i in CJK_FONTS if Path(p).is_file()), None) or _fc_match_cjk()
    latin = _env_font("FENJI_PDF_FONT")
    if latin is not None:
        return PdfFonts(latin, latin, cjk)
    for regular, bold in LATIN_FONTS:
        if Path(regular).is_file():
            return PdfFonts(FontFile(regular), FontFile(bold if Path(bold).is_file() else regular), cjk)
    return PdfFonts(None, None, cjk)


def _needs_cjk(doc: Document) -> bool:
    text = doc.title + doc.subtitle + "".join(str(b.to_dict()) for b in doc.blocks)
    return doc.lang == "zh" or any("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def render_document(doc: Document, fmt: str) -> bytes:
    """``doc`` in one of md, html, docx, pdf, xlsx, json."""
    if fmt != "pdf":
        return DOC_RENDERERS[fmt](doc)
    fonts = find_pdf_fonts()
    if fonts.cjk is None and _needs_cjk(doc):
        raise FenjiError("cannot render Chinese text in the PDF", [NO_CJK_FONT])
    if fonts.regular is None and fonts.cjk is None:
        raise FenjiError("cannot render the PDF: no TrueType font found", [NO_CJK_FONT])
    return render_pdf(doc, fonts)


# --------------------------------------------------------------------------------------------- evidence


def _read(path: str | Path, encoding: str = "utf-8") -> str:
    try:
        return Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        raise FenjiError(f"{path}: no such file", [Issue("evidence file not found", str(path))]) from None
    except UnicodeDecodeError:
        raise FenjiError(f"{path}: not UTF-8 text", [Issue("save the file as UTF-8", str(path))]) from None


def _cn_check(report: cn_security.EvidenceReport, lang: str) -> dict[str, str]:
    """Results grouped by section (corpus, keyword_library, …) as one line each, for the form's fields."""
    groups: dict[str, list[str]] = {}
    for item in report.items:
        line = f"{item.title.get(lang)}: {item.actual.get(lang)} ({item.threshold.get(lang)}) — {item.status}"
        groups.setdefault(item.id.split(".")[0], []).append(line)
    return {k: "; ".join(v) for k, v in groups.items()}


def _cn_conclusion(report: cn_security.EvidenceReport) -> dict[str, str]:
    failed = [i.id for i in report.items if i.status in ("fail", "missing")]
    if not failed:
        return {
            "en": "Every checked figure meets the TC260-003 / GB/T 45654 thresholds.",
            "zh": "所核验的各项指标均达到 TC260-003／GB/T 45654 的要求。",
        }
    return {
        "en": f"Rectify before filing: {', '.join(failed)}.",
        "zh": f"备案前须整改：{'、'.join(failed)}。",
    }


def cn_evidence_extras(path: str | Path, lang: str) -> dict[str, Any]:
    text = _read(path)
    try:
        thresholds = cn_security.load_thresholds()
        report = cn_security.check_evidence(cn_security.parse_evidence(text, str(path), thresholds), thresholds)
    except cn_security.EvidenceInputError as exc:
        issue = Issue(exc.message, exc.file, exc.line, exc.field, exc.hint)
        raise FenjiError(f"{path}: cannot use the evidence file", [issue]) from None
    data = report.to_dict(lang)
    data["source"] = Path(path).name
    return {
        "cn_evidence": data,
        "cn_check": _cn_check(report, lang),
        "cn_check_conclusion": _cn_conclusion(report),
    }


def nyc_evidence_extras(path: str | Path) -> dict[str, Any]:
    text = _read(path, "utf-8-sig")
    try:
        audit = nyc_bias.audit_csv(text)
    except nyc_bias.BiasAuditInputError as exc:
        raise FenjiError(f"{path}: cannot use the candidate file", [Issue(exc.render(str(path)))]) from None
    data = audit.to_dict()
    unknown = {d["dimension"]: d["unknown"] for d in data["dimensions"]}
    modes = {"selection": {"en": "selection rate", "zh": "选择率"}, "scoring": {"en": "scoring rate", "zh": "评分率"}}
    counts = ", ".join(f"{k} {v}" for k, v in unknown.items())
    return {
        "nyc_audit": data,
        "nyc_mode": modes[audit.mode],
        "nyc_counts": {
            "en": f"{audit.total} assessed; unknown category: {counts}",
            "zh": f"评估 {audit.total} 人；类别未知：{counts}",
        },
    }


def cn_filing_extras(card: SystemCard, assessment: Assessment) -> dict[str, Any]:
    """The values of ``fenji cn filing-form`` (Chinese) keyed by field, when the card has a ``cn`` result."""
    regime = assessment.regimes.get("cn")
    if regime is None:
        return {}
    form = cn_security.filing_form(card, regime, vocabulary())
    return {"cn_filing": {f.key: f.value for s in form.sections for f in s.fields if f.value is not None}}


def report_extras(
    kind: str, card: SystemCard, assessment: Assessment, lang: str, evidence: str | Path | None
) -> dict[str, Any]:
    if evidence is not None and kind not in EVIDENCE_KINDS:
        raise FenjiError(
            f"--evidence is not used by the {kind} report",
            [Issue(str(evidence), hint=f"evidence files go with {' or '.join(EVIDENCE_KINDS)}")],
        )
    extras: dict[str, Any] = {}
    if kind == "cn-algorithm-filing":
        extras.update(cn_filing_extras(card, assessment))
    if evidence is not None and kind == "cn-genai-self-assessment":
        extras.update(cn_evidence_extras(evidence, lang))
    if evidence is not None and kind == "us-nyc-bias-summary":
        extras.update(nyc_evidence_extras(evidence))
    return extras


# --------------------------------------------------------------------------------------------- reports


def _check_choice(value: str, choices: Sequence[str], what: str) -> None:
    if value not in choices:
        raise FenjiError(f"unknown {what} {value!r}", [Issue(f"choose one of: {', '.join(choices)}")])


def report_input(
    card: SystemCard, assessment: Assessment, packs: PackSet, extras: Mapping[str, Any] | None = None
) -> ReportInput:
    metas = {pid: lp.pack for pid, lp in packs.packs.items()}
    return ReportInput(card, assessment, vocabulary(), metas, dict(extras or {}))


def build(
    card: SystemCard,
    assessment: Assessment,
    packs: PackSet,
    kind: str,
    lang: str,
    evidence: str | Path | None = None,
) -> Document:
    _check_choice(kind, report_kinds(), "report kind")
    extras = report_extras(kind, card, assessment, lang, evidence)
    return build_report(kind, report_input(card, assessment, packs, extras), lang)


def render_report(
    card: SystemCard,
    assessment: Assessment,
    packs: PackSet,
    kind: str = ASSESSMENT,
    fmt: str = "md",
    lang: str = "en",
    evidence: str | Path | None = None,
) -> bytes:
    _check_choice(fmt, REPORT_FORMATS, "report format")
    return render_document(build(card, assessment, packs, kind, lang, evidence), fmt)


def card_files(folder: str | Path) -> list[Path]:
    """The card files under ``folder`` (YAML or JSON), sorted."""
    root = Path(folder)
    if not root.is_dir():
        raise FenjiError(f"{folder}: not a folder", [Issue("give a folder of system cards", str(folder))])
    return sorted(p for p in root.rglob("*") if p.suffix in CARD_SUFFIXES and p.is_file())


def render_portfolio(
    items: Iterable[tuple[SystemCard, Assessment]],
    packs: PackSet,
    as_of: dt.date,
    fmt: str = "md",
    lang: str = "en",
    skipped: Sequence[tuple[str, str]] = (),
) -> bytes:
    _check_choice(fmt, PORTFOLIO_FORMATS, "portfolio format")
    inputs = tuple(report_input(card, result, packs) for card, result in items)
    metas = {pid: lp.pack for pid, lp in packs.packs.items()}
    doc = build_portfolio(PortfolioInput(inputs, as_of, metas, tuple(skipped)), lang)
    return render_document(doc, fmt)


__all__ = [
    "EVIDENCE_KINDS",
    "build",
    "card_files",
    "find_pdf_fonts",
    "render_document",
    "render_portfolio",
    "render_report",
    "report_input",
    "report_kinds",
]

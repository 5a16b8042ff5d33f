"""Reports and filing packs: built once as a neutral :class:`Document`, then rendered to Markdown, HTML, DOCX, PDF,
XLSX or JSON. Pure: the builders read the card, its assessment and plain data; the renderers write bytes.

- :func:`build_assessment` — the assessment report of one system;
- :func:`build_pack` — a filing or documentation pack (field lists in ``outputs/forms/*.yaml``);
- :func:`build_portfolio` — the portfolio report over many systems;
- :data:`DOC_RENDERERS` and :func:`render_pdf` — the formats.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from fenji.outputs.reports.assessment import build_assessment
from fenji.outputs.reports.context import FormError, ReportInput
from fenji.outputs.reports.document import Document
from fenji.outputs.reports.fonts import FontFile, PdfFonts
from fenji.outputs.reports.forms import build_pack, form_kinds, load_forms
from fenji.outputs.reports.markdown import render_markdown
from fenji.outputs.reports.portfolio import PortfolioInput, build_portfolio

ASSESSMENT = "assessment"
REPORT_FORMATS = ("md", "html", "docx", "pdf", "json")
PORTFOLIO_FORMATS = ("md", "html", "pdf", "xlsx", "json")


if TYPE_CHECKING:
    import jinja2

# The renderers that need heavy libraries (fpdf2, python-docx, openpyxl, Jinja) import them on first use, so that
# importing fenji stays fast.


def render_html(doc: Document) -> str:
    from fenji.outputs.reports.html import render_html as render

    return render(doc)


def environment() -> jinja2.Environment:
    """The Jinja environment over ``fenji/outputs/templates`` (the web app may reuse it)."""
    from fenji.outputs.reports.html import environment as env

    return env()


def render_docx(doc: Document) -> bytes:
    from fenji.outputs.reports.word import render_docx as render

    return render(doc)


def render_xlsx(doc: Document) -> bytes:
    from fenji.outputs.reports.xlsx import render_xlsx as render

    return render(doc)


def render_pdf(doc: Document, fonts: PdfFonts) -> bytes:
    from fenji.outputs.reports.pdf import render_pdf as render

    return render(doc, fonts)


def render_json(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=2) + "\n"


DOC_RENDERERS: dict[str, Callable[[Document], bytes]] = {
    "md": lambda d: render_markdown(d).encode("utf-8"),
    "html": lambda d: render_html(d).encode("utf-8"),
    "docx": render_docx,
    "xlsx": render_xlsx,
    "json": lambda d: render_json(d).encode("utf-8"),
}


def report_kinds() -> list[str]:
    """``assessment`` and every pack kind, in display order."""
    return [ASSESSMENT, *form_kinds()]


def build_report(kind: str, inp: ReportInput, lang: str) -> Document:
    return build_assessment(inp, lang) if kind == ASSESSMENT else build_pack(kind, inp, lang)


__all__ = [
    "ASSESSMENT",
    "DOC_RENDERERS",
    "PORTFOLIO_FORMATS",
    "REPORT_FORMATS",
    "Document",
    "FontFile",
    "FormError",
    "PdfFonts",
    "PortfolioInput",
    "ReportInput",
    "build_assessment",
    "build_pack",
    "build_portfolio",
    "build_report",
    "environment",
    "load_forms",
    "render_docx",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
    "render_xlsx",
    "report_kinds",
]

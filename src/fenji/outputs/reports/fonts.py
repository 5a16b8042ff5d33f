"""The fonts a PDF is rendered with (found by the caller, ``fenji.reporting.find_pdf_fonts``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0  # face number inside a TrueType collection (.ttc)


@dataclass(frozen=True)
class PdfFonts:
    """``regular``/``bold``: a Latin TrueType font (e.g. DejaVu Sans); ``cjk``: a font with Chinese glyphs."""

    regular: FontFile | None = None
    bold: FontFile | None = None
    cjk: FontFile | None = None

"""`fenji report`: the assessment report or a pre-filled filing pack for one card, or the portfolio report for a
folder of cards, in Word, PDF, Markdown, HTML or JSON (XLSX for the portfolio), in English or Chinese."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fenji import api
from fenji.cli import _as_of, _guard, _packs, common_options

FORMATS = ["md", "html", "docx", "pdf", "json", "xlsx"]
BINARY = {"docx", "pdf", "xlsx"}


def _write(data: bytes, output: str | None, fmt: str) -> None:
    if output:
        Path(output).write_bytes(data)
        return
    stream = sys.stdout.buffer
    if fmt in BINARY and stream.isatty():
        raise click.UsageError(f"{fmt} is a binary format: write it to a file with -o FILE")
    stream.write(data)
    stream.flush()


@click.command(name="report")
@click.argument("card", required=False, type=click.Path(dir_okay=False))
@common_options
@click.option(
    "--kind",
    type=click.Choice(api.report_kinds()),
    default="assessment",
    show_default=True,
    help="The assessment report, or a filing / documentation pack.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (needed for docx/pdf/xlsx).")
@click.option(
    "--evidence",
    type=click.Path(exists=True, dir_okay=False),
    help="Figures for cn-genai-self-assessment (as for `fenji cn check-evidence`) or the candidate CSV for "
    "us-nyc-bias-summary (as for `fenji us nyc-bias-audit`).",
)
@click.option(
    "--portfolio",
    type=click.Path(exists=True, file_okay=False),
    help="Report on every card in this folder instead of one card (md, html, pdf, xlsx, json).",
)
def command(
    card: str | None,
    as_of: str | None,
    lang: str,
    facts: tuple[str, ...],
    packs_dir: str | None,
    kind: str,
    fmt: str,
    output: str | None,
    evidence: str | None,
    portfolio: str | None,
) -> None:
    """Reports and filing packs: Word, PDF, Markdown, HTML or JSON, English or Chinese.

    Kinds: assessment (tiers, reasons, obligations, plan, open questions); eu-annex-iv, eu-fria, eu-annex-viii,
    eu-art6-4, eu-art50, eu-gpai; cn-algorithm-filing, cn-genai-self-assessment, cn-registration, cn-label-plan;
    us-omb-impact, us-co-notice, us-nyc-bias-summary, us-ca-sb53. Packs are pre-filled from the card; what the
    card does not say is marked TODO.

    Example:

        fenji report examples/cards/eu-cv-screening.yaml --kind eu-annex-iv --format docx -o annex-iv.docx

        fenji report --portfolio examples/cards --format xlsx -o portfolio.xlsx --as-of 2026-11-22
    """
    if (card is None) == (portfolio is None):
        raise click.UsageError("give exactly one of CARD or --portfolio DIR")
    if portfolio is not None and (facts or evidence or kind != "assessment"):
        raise click.UsageError("--portfolio takes no --fact, --evidence or --kind")
    if portfolio is None and fmt == "xlsx":
        raise click.UsageError("xlsx is for the portfolio report; use docx, pdf, md, html or json for one card")

    def run() -> None:
        when = _as_of(as_of)
        packs = _packs(packs_dir)
        if portfolio is not None:
            data = api.render_portfolio(portfolio, fmt, lang, packs=packs, as_of=when)
        else:
            assert card is not None
            overrides = api.parse_fact_assignments(list(facts))
            loaded = api.load_card(card)
            data = api.render_report(
                loaded, kind, fmt, lang, packs=packs, as_of=when, facts=overrides, evidence=evidence
            )
        _write(data, output, fmt)

    _guard(run)
    sys.stdout.flush()

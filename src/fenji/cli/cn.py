"""`fenji cn …`: commands specific to the cn rule packs.

``check-evidence`` exits 0 when every required figure meets its threshold, 1 when any fails or is missing, 2 on
input it cannot read (with file, line and field). ``filing-form`` prints the algorithm filing fields in Chinese.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from fenji import api
from fenji.checks import cn_security
from fenji.errors import FenjiError


class InputError(click.ClickException):
    """Bad input (file, line, field in the message); exit code 2."""

    exit_code = 2


def _read(file: str) -> str:
    try:
        return Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file — check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text — save the file as UTF-8") from None


@click.group(name="cn")
def group() -> None:
    """Commands for the cn rule pack (China): evidence checks and filing forms.

    Example:

        fenji cn check-evidence examples/evidence/cn-genai-self-assessment.yaml --lang zh
    """


@group.command("check-evidence")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Output language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--thresholds",
    "thresholds_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Use this thresholds file instead of the one shipped with the cn pack.",
)
def check_evidence(file: str, lang: str, fmt: str, thresholds_file: str | None) -> None:
    """Check the figures of a generative-AI security self-assessment (大模型备案) against
    TC260-003 / GB/T 45654-2025 (soft law): keyword library, test banks, sampling pass rates, refusal rates.

    FILE is YAML or CSV (format: docs/cn-evidence.md). Exit 0 all pass, 1 any fail or missing, 2 bad input.

    Example:

        fenji cn check-evidence examples/evidence/cn-genai-self-assessment.yaml --lang zh --format json
    """
    text = _read(file)
    try:
        thresholds = cn_security.load_thresholds(thresholds_file)
        evidence = cn_security.parse_evidence(text, file, thresholds)
    except cn_security.EvidenceInputError as exc:
        raise InputError(exc.render()) from None
    report = cn_security.check_evidence(evidence, thresholds)
    if fmt == "json":
        click.echo(cn_security.render_report_json(report, lang), nl=False)
    else:
        click.echo(cn_security.render_report_text(report, lang), nl=False)
    sys.exit(0 if report.passed else 1)


@group.command("filing-form")
@click.argument("card", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Assess the law as of this date (default: today).")
def filing_form(card: str, fmt: str, as_of: str | None) -> None:
    """Print the fields of the algorithm filing system (互联网信息服务算法备案系统) in Chinese: provider, service
    form, application domain, algorithm type, self-assessment report outline, content to publicise. Fields the
    card's facts fill are filled; the others are marked TODO.

    Example:

        fenji cn filing-form examples/cards/cn-short-video-recommender.yaml --format markdown
    """
    try:
        when = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise click.BadParameter(f"{as_of!r} is not a date; write YYYY-MM-DD", param_hint="--as-of") from None
    try:
        loaded = api.load_card(card)
        result = api.assess(loaded, as_of=when)
    except FenjiError as exc:
        raise InputError(f"[{exc.code}] {exc}") from None
    regime = result.regimes.get("cn")
    if regime is None:  # pragma: no cover - the cn pack ships with fenji
        raise InputError("the cn rule pack is not loaded")
    form = cn_security.filing_form(loaded, regime, api.get_vocabulary())
    click.echo(cn_security.render_form(form, fmt), nl=False)

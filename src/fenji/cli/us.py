"""`fenji us …`: commands specific to the us rule packs."""

from __future__ import annotations

import json

import click

from fenji import api
from fenji.checks.nyc_bias import BiasAuditInputError, render_markdown, render_text


class BadEvidence(click.ClickException):
    """Unusable evidence file: shown without a traceback, exit code 2."""

    exit_code = 2


@click.group(name="us")
def group() -> None:
    """Commands for the us rule packs.

    Example:

        fenji us nyc-bias-audit examples/evidence/nyc-candidates.csv
    """


@group.command("nyc-bias-audit")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of the output."
)
def nyc_bias_audit(file: str, fmt: str, lang: str) -> None:
    """Selection or scoring rates and impact ratios for a NYC Local Law 144 bias audit.

    FILE is a CSV with a header row: category columns sex and race_ethnicity, and either selected (0/1) or score
    (a number; the scoring rate is the share above the sample's median). Ratios are computed by sex, by
    race/ethnicity and by their intersections; categories under 2 % of the data are reported but left out of the
    impact ratios. Ratios below 0.8 are flagged as the four-fifths indicator: Local Law 144 itself sets no pass mark.
    Exit 0 when the figures were computed (flags included), 2 when the file cannot be used.

    Example:

        fenji us nyc-bias-audit examples/evidence/nyc-candidates.csv --format markdown --lang zh
    """
    try:
        audit = api.nyc_bias_audit(file)
    except BiasAuditInputError as exc:
        raise BadEvidence(exc.render(file)) from None
    if fmt == "json":
        click.echo(json.dumps(audit.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(render_markdown(audit, lang), nl=False)
    else:
        click.echo(render_text(audit, lang), nl=False)

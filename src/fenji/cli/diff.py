"""`fenji diff`: what a law change does to cards — tier changes and obligations gained, lost or
moved, with the pack changelog entry that caused each."""

from __future__ import annotations

import datetime as dt
import sys

import click

from fenji import api
from fenji.cli import _as_of, _emit, _guard, output_option
from fenji.outputs.diff import DIFF_RENDERERS


def _side(packs_dir: str | None, date: dt.date) -> tuple[api.PackSet, str]:
    packs = api.packs_from(packs_dir)
    where = f"packs {packs_dir}" if packs_dir else "built-in packs"
    return packs, f"{where} as of {date.isoformat()}"


@click.command(name="diff")
@click.argument("cards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--from-packs", "from_packs", type=click.Path(exists=True, file_okay=False), help="Old rule packs.")
@click.option("--to-packs", "to_packs", type=click.Path(exists=True, file_okay=False), help="New rule packs.")
@click.option("--from-date", "from_date", metavar="YYYY-MM-DD", help="Read the law as of this date (old side).")
@click.option("--to-date", "to_date", metavar="YYYY-MM-DD", help="Read the law as of this date (new side).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Date for both sides when no --from/--to-date.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--format", "fmt", type=click.Choice(list(DIFF_RENDERERS)), default="text", show_default=True)
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit 1 when any card changes.")
@output_option
def command(
    cards: tuple[str, ...],
    from_packs: str | None,
    to_packs: str | None,
    from_date: str | None,
    to_date: str | None,
    as_of: str | None,
    lang: str,
    fmt: str,
    exit_code: bool,
    output: str | None,
) -> None:
    """Show per card the tier changes and obligations gained, lost or moved between two pack
    versions (--from-packs/--to-packs; a missing side is the built-in packs) or two dates
    (--from-date/--to-date), with the changelog entry that caused each.

    Example:

        fenji diff --from-packs old/rules --to-packs src/fenji/rules examples/cards/*.yaml

        fenji diff --from-date 2026-07-26 --to-date 2026-07-27 examples/cards/eu-cv-screening.yaml
    """
    if not (from_packs or to_packs or from_date or to_date):
        raise click.UsageError("give --from-packs/--to-packs or --from-date/--to-date")

    def run() -> int:
        default = _as_of(as_of) or dt.date.today()
        old_date, new_date = _as_of(from_date) or default, _as_of(to_date) or default
        old_packs, old_label = _side(from_packs, old_date)
        new_packs, new_label = _side(to_packs, new_date)
        loaded = [api.load_card(path) for path in cards]
        report = api.diff(
            loaded,
            old_packs=old_packs,
            new_packs=new_packs,
            old_as_of=old_date,
            new_as_of=new_date,
            labels=(old_label, new_label),
        )
        _emit(DIFF_RENDERERS[fmt](report, lang), output)
        return 1 if exit_code and any(c.changed for c in report.cards) else 0

    sys.exit(_guard(run) or 0)

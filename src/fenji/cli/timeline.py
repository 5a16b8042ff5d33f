"""`fenji timeline CARD`: every dated obligation per regime, past / current / upcoming."""

from __future__ import annotations

import click

from fenji import api
from fenji.cli import _emit, _guard, _inputs, common_options, output_option
from fenji.outputs.timeline import render_timeline_json, render_timeline_text

RENDERERS = {"text": render_timeline_text, "json": render_timeline_json}


@click.command(name="timeline")
@click.argument("cards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@common_options
@click.option("--format", "fmt", type=click.Choice(list(RENDERERS)), default="text", show_default=True)
@output_option
def command(
    cards: tuple[str, ...],
    as_of: str | None,
    lang: str,
    facts: tuple[str, ...],
    packs_dir: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """List every dated obligation of a card in order, per regime, as past, current or upcoming.

    --as-of moves the viewpoint. Deadlines relative to a fact (e.g. 10 working days after
    cn.service_launch_date) are dated when the card answers the fact, else listed as undated.

    Example:

        fenji timeline examples/cards/eu-cv-screening.yaml --as-of 2026-11-22
    """

    def run() -> None:
        when, packs, overrides = _inputs(as_of, packs_dir, facts)
        timelines = [api.timeline(api.load_card(p), packs=packs, as_of=when, facts=overrides) for p in cards]
        _emit(RENDERERS[fmt](timelines, lang), output)

    _guard(run)

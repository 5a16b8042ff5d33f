"""`fenji plan CARD…`: the one-stop compliance plan — each control once, with every obligation it
satisfies across regimes, the earliest deadline, the evidence, the strictest requirement, the
small-firm path and the conflicts between regimes."""

from __future__ import annotations

import click

from fenji import api
from fenji.cli import _emit, _guard, _inputs, common_options, output_option
from fenji.outputs.base import Item
from fenji.outputs.plan import PLAN_RENDERERS


@click.command(name="plan")
@click.argument("cards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@common_options
@click.option("--format", "fmt", type=click.Choice(list(PLAN_RENDERERS)), default="text", show_default=True)
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
    """One compliance plan across every regime that applies to each card.

    Shows the reduction ("N obligations are met by M controls"), and for each control the
    obligations it satisfies, the earliest deadline, the evidence linked in the card and the
    evidence that would prove it.

    Example:

        fenji plan examples/cards/eu-cv-screening.yaml --as-of 2026-11-22 --format markdown
    """

    def run() -> None:
        when, packs, overrides = _inputs(as_of, packs_dir, facts)
        items = []
        for path in cards:
            card = api.load_card(path)
            items.append(Item(card, api.assess(card, packs=packs, as_of=when, facts=overrides)))
        _emit(PLAN_RENDERERS[fmt](items, lang), output)

    _guard(run)

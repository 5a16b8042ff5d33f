"""`fenji oscal …`: OSCAL JSON export of the control catalogue and of a card's plan."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from fenji import api
from fenji.cli import _as_of, _emit, _guard, _inputs, _packs, common_options, output_option
from fenji.outputs.oscal import (
    DEFAULT_CATALOG_HREF,
    oscal_catalog,
    oscal_component_definition,
    oscal_profile,
)


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


@click.group(name="oscal")
def group() -> None:
    """Export the control catalogue and plans as OSCAL JSON (catalog, profile, component definition).

    Example:

        fenji oscal catalog -o fenji-catalog.json
    """


@group.command("catalog")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Date stamped as last-modified (default: today).")
@click.option("--packs", "packs_dir", type=click.Path(exists=True, file_okay=False), help="Rule packs directory.")
@output_option
def catalog(as_of: str | None, packs_dir: str | None, output: str | None) -> None:
    """The common control catalogue as an OSCAL catalog (one group per control family).

    Example:

        fenji oscal catalog --as-of 2026-11-22 -o fenji-catalog.json
    """

    def run() -> None:
        view = api.control_catalogue(_packs(packs_dir))
        _emit(_dump(oscal_catalog(view, _as_of(as_of) or dt.date.today())), output)

    _guard(run)


@group.command("plan")
@click.argument("card", type=click.Path(dir_okay=False))
@common_options
@click.option(
    "--kind",
    type=click.Choice(["component-definition", "profile"]),
    default="component-definition",
    show_default=True,
    help="OSCAL model to write.",
)
@click.option("--catalog-href", default=DEFAULT_CATALOG_HREF, show_default=True, help="Where the catalog lives.")
@output_option
def plan(
    card: str,
    as_of: str | None,
    lang: str,
    facts: tuple[str, ...],
    packs_dir: str | None,
    kind: str,
    catalog_href: str,
    output: str | None,
) -> None:
    """A card's plan as an OSCAL component definition (default) or profile.

    Example:

        fenji oscal plan examples/cards/eu-cv-screening.yaml --as-of 2026-11-22 --kind profile
    """

    def run() -> None:
        when, packs, overrides = _inputs(as_of, packs_dir, facts)
        result = api.assess(api.load_card(card), packs=packs, as_of=when, facts=overrides)
        build = oscal_profile if kind == "profile" else oscal_component_definition
        _emit(_dump(build(result, catalog_href)), output)

    _guard(run)

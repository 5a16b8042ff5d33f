"""`fenji cn …`: commands specific to the cn rule packs."""

from __future__ import annotations

import click


@click.group(name="cn")
def group() -> None:
    """Commands for the cn rule packs."""

"""`fenji us …`: commands specific to the us rule packs."""

from __future__ import annotations

import click


@click.group(name="us")
def group() -> None:
    """Commands for the us rule packs."""

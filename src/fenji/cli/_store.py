"""The store option shared by ``serve``, ``users``, ``audit``, ``export`` and ``import``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def database_option(func: F) -> F:
    return click.option(
        "--database-url",
        envvar="FENJI_DATABASE_URL",
        metavar="URL",
        help="The store (default: FENJI_DATABASE_URL, else a SQLite file in the user data directory).",
    )(func)


def open_cli_store(url: str | None) -> Any:
    from fenji.cli import UserError
    from fenji.errors import FenjiError
    from fenji.store import open_store

    try:
        return open_store(url)
    except FenjiError as exc:
        raise UserError(exc) from None

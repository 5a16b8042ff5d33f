"""``fenji serve``: the web app (inventory, assessments, evidence, reviews, audit log) on uvicorn."""

from __future__ import annotations

import os

import click

from fenji.cli._store import database_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--demo", is_flag=True, help="Seed the example cards (and demo users if there are none).")
@database_option
def command(host: str, port: int, workers: int, demo: bool, database_url: str | None) -> None:
    """Serve the web app; the SQLite store is created on first run.

    Teams point FENJI_DATABASE_URL (or --database-url) at PostgreSQL, e.g.
    postgresql+psycopg://fenji@db:5432/fenji, and set FENJI_SECRET_KEY on every server.
    Create the first user with `fenji users create-admin`.

    Example:

        fenji serve --port 8000 --demo
    """
    import uvicorn

    from fenji.cli._store import open_cli_store

    if database_url:
        os.environ["FENJI_DATABASE_URL"] = database_url
    os.environ["FENJI_HOST"] = host
    if demo:
        os.environ["FENJI_DEMO"] = "1"
    store = open_cli_store(database_url)  # migrate once, before the workers start
    users = store.count_users()
    click.echo(f"fenji: store {store.url}", err=True)
    store.close()
    if not users and not demo:
        click.echo("fenji: no users yet; create one with `fenji users create-admin`", err=True)
    if demo:
        click.echo("fenji: --demo users admin, editor, reviewer, viewer; password 'fenji-demo'", err=True)
    click.echo(f"fenji: http://{host}:{port}/  (API docs: /docs)", err=True)
    uvicorn.run(
        "fenji.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        log_level="warning",
    )

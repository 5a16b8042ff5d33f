"""``fenji audit``: check and read the tamper-evident audit log."""

from __future__ import annotations

import json
import sys

import click

from fenji.cli._store import database_option, open_cli_store


@click.group("audit")
def group() -> None:
    """Verify and read the audit log.

    Example:

        fenji audit verify
    """


@group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@database_option
def verify(as_json: bool, database_url: str | None) -> None:
    """Recompute the audit log's hash chain; exit 1 when an entry was changed, removed or reordered.

    Example:

        fenji audit verify --database-url postgresql+psycopg://fenji@db/fenji
    """
    store = open_cli_store(database_url)
    try:
        report = store.verify_audit()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(report.__dict__, indent=2))
    elif report.ok:
        click.echo(f"ok: {report.entries} entries, head {report.head}")
    else:
        click.echo(f"BROKEN at entry {report.bad_seq}: {report.problem} ({report.entries} entries read)")
    sys.exit(0 if report.ok else 1)


@group.command("log")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@database_option
def log(limit: int, database_url: str | None) -> None:
    """Print the newest audit entries: seq, time, actor, action, target.

    Example:

        fenji audit log --limit 50
    """
    store = open_cli_store(database_url)
    try:
        for e in store.audit_entries(limit=limit):
            click.echo(f"{e.seq}\t{e.at.isoformat()}\t{e.actor}\t{e.action}\t{e.target}")
    finally:
        store.close()

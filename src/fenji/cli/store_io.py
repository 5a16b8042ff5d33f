"""``fenji export`` / ``fenji import``: the whole store as one JSON file (backup, SQLite -> PostgreSQL)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from fenji.cli._store import database_option, open_cli_store


@click.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
@database_option
def export_command(output: str | None, database_url: str | None) -> None:
    """Export the whole store (users, systems, card versions, assessments, reviews, evidence files, waivers,
    audit log) as JSON.

    Example:

        fenji export -o fenji-backup.json
    """
    store = open_cli_store(database_url)
    try:
        data = store.export_data()
        store.record("cli", None, "store.export", "store", {"to": output or "stdout"})
    finally:
        store.close()
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"exported {sum(len(v) for v in data['tables'].values())} rows to {output}", err=True)
    else:
        sys.stdout.write(text + "\n")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@database_option
def import_command(file: str, database_url: str | None) -> None:
    """Import an export into an empty store, keeping IDs and the audit chain; then verify the chain.

    Example:

        FENJI_DATABASE_URL=postgresql+psycopg://fenji@db/fenji fenji import fenji-backup.json
    """
    from fenji.cli import UserError
    from fenji.errors import FenjiError, Issue, StoreImportError

    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(StoreImportError(f"{file}: not a JSON export", [Issue(str(exc), file)])) from None
    store = open_cli_store(database_url)
    try:
        report = store.import_data(data, actor="cli")
    except FenjiError as exc:
        raise UserError(exc) from None
    finally:
        store.close()
    click.echo(f"imported into {store.url}; audit chain ok with {report.entries} entries")

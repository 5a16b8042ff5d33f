"""``fenji users``: create the first administrator and manage users from the shell."""

from __future__ import annotations

import sys

import click

from fenji.cli._store import database_option, open_cli_store


@click.group("users")
def group() -> None:
    """Create and manage users of the web app.

    Example:

        fenji users create-admin --username admin
    """


def _password(password_stdin: bool) -> str:
    from fenji.web.security import password_problem

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(f"the password needs {problem}", param_hint="password")
    return password


def _create(username: str, role: str, password_stdin: bool, org: str, database_url: str | None) -> None:
    from fenji.cli import UserError
    from fenji.errors import FenjiError
    from fenji.web.security import hash_password

    store = open_cli_store(database_url)
    try:
        password = _password(password_stdin)
        org_id = store.ensure_org(org, actor="cli").id
        user = store.create_user(username, hash_password(password), role, org_id=org_id, actor="cli")
    except FenjiError as exc:
        raise UserError(exc) from None
    finally:
        store.close()
    click.echo(f"created {user.role} {user.username!r} in organisation {org!r}")


@group.command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--org", default="default", show_default=True, help="The organisation the user belongs to.")
@database_option
def create_admin(username: str, password_stdin: bool, org: str, database_url: str | None) -> None:
    """Create an administrator (the first user of a new store).

    Example:

        echo 's3cret-passphrase' | fenji users create-admin --username admin --password-stdin
    """
    _create(username, "admin", password_stdin, org, database_url)


@group.command("create")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["viewer", "editor", "reviewer", "admin"]), default="viewer", show_default=True
)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--org", default="default", show_default=True, help="The organisation the user belongs to.")
@database_option
def create(username: str, role: str, password_stdin: bool, org: str, database_url: str | None) -> None:
    """Create a user with a role (viewer, editor, reviewer or admin).

    Example:

        fenji users create alice --role reviewer
    """
    _create(username, role, password_stdin, org, database_url)


@group.command("list")
@database_option
def list_users(database_url: str | None) -> None:
    """List users: name, role, active.

    Example:

        fenji users list
    """
    store = open_cli_store(database_url)
    try:
        orgs = {o.id: o.name for o in store.organisations()}
        for user in store.list_users():
            state = "active" if user.active else "inactive"
            click.echo(f"{user.username}\t{user.role}\t{state}\t{orgs.get(user.org_id, user.org_id)}")
    finally:
        store.close()

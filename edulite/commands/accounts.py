"""Account commands for administrators: create schools and users, reset passwords, disable accounts."""

from __future__ import annotations

import click

from edulite import db
from edulite.commands.base import edulite_cli
from edulite.models import ROLES
from edulite.school import accounts


def _run(action):
    try:
        with db.session_scope() as session:
            return action(session)
    except accounts.AccountError as err:
        raise click.ClickException(str(err)) from err


@edulite_cli.command("create-school")
@click.argument("name")
@click.option("--district", required=True, help="District of the school (created if missing).")
def create_school_command(name: str, district: str):
    """Create a school in a district."""
    _run(lambda s: accounts.create_school(s, name=name, district=district))
    click.echo(f"School {name} created in {district}.")


@edulite_cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default="", help="Name shown to colleagues (default: the username).")
@click.option("--school", help="School of a teacher or principal.")
@click.option("--district", help="District of a district supervisor.")
def create_user_command(username, role, display_name, school, district):
    """Create an account and print its one-time password (hand it over; it is not shown again)."""
    from edulite.auth import hash_password

    password = _run(lambda s: accounts.create_user(s, username=username, role=role, display_name=display_name,
                                                   school=school, district=district, hash_password=hash_password))
    click.echo(f"Account {username} ({role}) created. One-time password: {password}")


@edulite_cli.command("reset-password")
@click.argument("username")
def reset_password_command(username: str):
    """Give an account a new one-time password; its open sessions end."""
    from edulite.auth import hash_password

    password = _run(lambda s: accounts.reset_password(s, username=username, hash_password=hash_password))
    click.echo(f"New one-time password for {username}: {password}")


@edulite_cli.command("disable-user")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
def disable_user_command(username: str, enable: bool):
    """Disable an account (it is kept, with its history); its open sessions end at once."""
    _run(lambda s: accounts.set_active(s, username=username, active=enable))
    click.echo(f"Account {username} {'enabled' if enable else 'disabled'}.")

"""Administrator commands: `flask --app app edulite --help`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

import edulite.commands  # noqa: F401 - command modules register themselves on edulite_cli when imported
from edulite import db
from edulite.commands.base import edulite_cli, today_local


def init_app(app: Flask) -> None:
    app.cli.add_command(edulite_cli)


@edulite_cli.command("init")
def init_command():
    """Upgrade the database (the secret key comes first, from `python -m edulite.ops.instance`)."""
    db.upgrade(current_app)
    click.echo("Database is up to date.")


@edulite_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
def upgrade_command(revision: str):
    """Apply database migrations (safe to run on every start)."""
    db.upgrade(current_app, revision)
    click.echo("Database is up to date.")


@edulite_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo school already exists.")
def demo_command(if_empty: bool):
    """Fill the database with a realistic demo district and print the demo sign-ins."""
    from edulite.auth import hash_password
    from edulite.ops.demo import DEMO_PASSWORD, build_demo

    try:
        with db.session_scope() as session:
            logins = build_demo(session, password_hash=hash_password(DEMO_PASSWORD), today=today_local())
    except ValueError as err:
        if not if_empty:
            raise click.ClickException(str(err)) from err
        click.echo("Demo data already loaded.")
        logins = None
    if logins:
        click.echo("Demo data loaded.")
    click.echo(f"Demo sign-ins (password: {DEMO_PASSWORD}): teacher, principal, district, admin")
    if logins:
        click.echo(f"Parent page of 三年级(1)班: /c/{logins.parent_token}")
        click.echo(f"Family survey of 三年级(1)班: /s/{logins.survey_token}")


@edulite_cli.command("fetch-assets")
@click.option("--registry", default="https://registry.npmjs.org", show_default=True,
              help="npm registry or mirror to download the pinned packages from.")
def fetch_assets_command(registry: str):
    """Download the pinned htmx and Chart.js, verify their hashes and serve them from static/vendor."""
    from edulite.ops.assets import ASSETS, fetch

    target = Path(current_app.static_folder) / "vendor"
    for asset in ASSETS.values():
        path = fetch(asset, registry, target)
        click.echo(f"{asset.package}@{asset.version} -> {path}")
    click.echo("Set ASSET_MODE = 'local' in instance/config.py to serve them.")

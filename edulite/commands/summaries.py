"""`verify-summaries`: recompute the class-evening summaries from the items and report any difference."""

from __future__ import annotations

import click

from edulite import db
from edulite.commands.base import edulite_cli, school_named
from edulite.homework import summary


@edulite_cli.command("verify-summaries")
@click.option("--school", "school_name", help="Only this school (default: every school).")
@click.option("--fix", is_flag=True, help="Rebuild the summaries from the items when they differ.")
def verify_summaries_command(school_name: str | None, fix: bool):
    """Recompute every class-evening from its items and list where the stored summary differs.

    Exits 1 when a difference is found (and not fixed), so a cron job or a check notices.
    """
    with db.session_scope() as session:
        school_id = school_named(session, school_name).id if school_name else None
        problems = summary.verify(session, school_id=school_id)
        for line in problems[:50]:
            click.echo(line)
        if len(problems) > 50:
            click.echo(f"… and {len(problems) - 50} more")
        if problems and fix:
            rows = summary.rebuild(session, school_id=school_id)
            click.echo(f"Rebuilt {rows} class-evening rows from the items.")
            return
    if problems:
        raise SystemExit(1)
    click.echo("The summaries agree with the items.")

"""After-school commands: create a range's sessions from the school's plan."""

from __future__ import annotations

import click

from edulite import db
from edulite.afterschool.service import generate_sessions
from edulite.commands.base import day_range, edulite_cli, school_named


@edulite_cli.command("generate-sessions")
@click.option("--school", "school_name", required=True)
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date, YYYY-MM-DD (inclusive).")
def generate_sessions_command(school_name, start, end):
    """Create a planned session on each school day of the range that has a plan and no session yet."""
    first, stop = day_range(start, end)
    with db.session_scope() as session:
        school = school_named(session, school_name)
        created = generate_sessions(session, school_id=school.id, start=first, end=stop)
    click.echo(f"Created {len(created)} session(s) from the plan"
               + (f": {', '.join(d.isoformat() for d in created)}" if created else "."))

"""`flask edulite survey`: the family survey's figures (#13), the same the principal's week and the export show."""

from __future__ import annotations

import json

import click

from edulite import db
from edulite.commands.base import day_range, edulite_cli, school_named
from edulite.survey import reads


@edulite_cli.command("survey")
@click.option("--school", "school_name", required=True)
@click.option("--from", "start", required=True, help="First evening, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last evening, YYYY-MM-DD (inclusive).")
@click.option("--json", "as_json", is_flag=True, help="JSON output (the default is a table).")
def survey_command(school_name, start, end, as_json):
    """Print the survey's indicators for the school, each grade and each class; none under the privacy floor."""
    first, stop = day_range(start, end)
    with db.session_scope(write=False) as session:
        school = school_named(session, school_name)
        found = reads.span(session, school_id=school.id, start=first, end=stop)
        rows = reads.span_rows(found)
    if as_json:
        click.echo(json.dumps({"school": school_name, "from": first.isoformat(), "to": end,
                               "min_answers": found.floor, "rows": rows}, ensure_ascii=False, indent=2))
        return
    for r in rows:
        name = r["class"] or (f"grade {r['grade']}" if r["scope"] == "grade" else "school")
        if r["too_few_answers"]:
            click.echo(f"{name:<14} {r['answers']:>4} answers  too few answers")
            continue
        click.echo(f"{name:<14} {r['answers']:>4} answers  within cap {r['on_time_percent']}%  median "
                   f"{r['median_minutes']}  p90 {r['p90_minutes']}  bed {r['bedtime_kept_percent']}%  "
                   f"asked {r['asked_to_check_percent']}%  phone {r['phone_used_percent']}%  logged "
                   f"{r['logged_median_minutes']}  ratio {r['reported_to_logged']}")

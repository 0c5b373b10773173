"""Rule-engine commands: the policy in force, daily loads and alerts, as JSON for scripts and checks."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click
from sqlmodel import col, select

from edulite import db
from edulite.afterschool.queries import class_day_figures
from edulite.alerts.recompute import recompute_all
from edulite.commands.base import day_range, edulite_cli, school_named, today_local
from edulite.core import rules
from edulite.core.calendar import parse_iso_day, week_start
from edulite.core.policy import PolicyLooser, policy_to_dict
from edulite.homework import loads
from edulite.models import Alert, District, SchoolClass
from edulite.school import policy_file
from edulite.school.settings import policy_history, set_district_policy, set_school_policy


def _dump(rows) -> None:
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True))


POLICY_HELP = """Print the policy in force as JSON, set it from a JSON file, or list its versions.

\b
Examples:
  flask --app app edulite policy --school 实验小学
  flask --app app edulite policy --school 实验小学 --history
  flask --app app edulite policy --school 实验小学 --load strict.json
  flask --app app edulite policy --district 示范区 --load district.json --replace

\b
A policy file (every key optional; format: docs/policy.schema.json):
  {"effective_from": "2026-09-01",
   "caps_school_day": {"3-6": 45, "7-9": 60},
   "subject_caps": {"语文": 20, "数学": 20},
   "subject_cap_default": 15,
   "after_school_end_latest": "17:50",
   "phone_words": ["微信接龙"]}

\b
By default the file amends the version in force on its first day: maps
merge key by key, word lists gain entries, other values are replaced.
With --replace it is the whole override (the district's default, or the
national floor for a district, fills the rest). A school may only be
stricter than its district, a district than the national floor. The first
day is the file's effective_from or --from (if both, they must agree),
else today; from 2000 to 2099.
"""


@edulite_cli.command("policy", help=POLICY_HELP)
@click.option("--school", "school_name", help="School whose policy in force to print, set or list.")
@click.option("--district", "district_name", help="District whose default to set (with --load).")
@click.option("--load", "load_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON policy file (docs/policy.schema.json); a school may only be stricter.")
@click.option("--replace", is_flag=True, help="The file replaces the override in force instead of amending it.")
@click.option("--from", "effective", help="Date the loaded policy takes effect, or to print (default today).")
@click.option("--history", is_flag=True, help="List every version of the school's policy, district's included.")
def policy_command(school_name, district_name, load_file, replace, effective, history):
    if effective and parse_iso_day(effective) is None:
        raise click.BadParameter("--from is YYYY-MM-DD, between 2000 and 2099")
    if not school_name and not (district_name and load_file):
        raise click.UsageError("give --school NAME, or --district NAME with --load FILE")
    if district_name and school_name and load_file:
        raise click.UsageError("--load sets either a school's policy or a district's default, not both")
    day = parse_iso_day(effective) if effective else None
    with db.session_scope() as session:
        if load_file:
            day = _load_policy(session, load_file, school_name, district_name, day, replace)
        if not school_name:
            return
        school = school_named(session, school_name)
        if history:
            _dump(policy_history(session, school_id=school.id))
            return
        day = day or today_local()
        for conflict in loads.policy_conflicts(session, school_id=school.id, day=day):
            click.echo(f"note: the district's default is stricter and applies: {conflict}", err=True)
        _dump(policy_to_dict(loads.policy_in_force(session, school_id=school.id, day=day)))


def _load_policy(session, load_file, school_name, district_name, day, replace):
    """Check the file, then store it (all or nothing); returns the first day it applies."""
    try:
        document = policy_file.read(load_file)
    except policy_file.PolicyFileError as err:
        raise click.ClickException(f"bad policy file: {err}") from err
    if document.effective_from and day and document.effective_from != day:
        raise click.ClickException(f"the file's effective_from {document.effective_from.isoformat()} and "
                                   f"--from {day.isoformat()} differ: give one, or both alike")
    day = document.effective_from or day or today_local()
    try:
        if district_name:
            district = session.exec(select(District).where(District.name == district_name)).first()
            if district is None:
                raise click.ClickException(f"no district named {district_name!r}")
            set_district_policy(session, district_id=district.id, data=document.data, effective_from=day,
                                user_id=None, replace=replace)
        else:
            set_school_policy(session, school_id=school_named(session, school_name).id, data=document.data,
                              effective_from=day, user_id=None, replace=replace)
    except PolicyLooser as err:
        raise click.ClickException(f"refused, looser than allowed: {err}") from err
    except (ValueError, TypeError) as err:
        raise click.ClickException(f"bad policy file: {err}") from err
    how = "replaces" if replace else "amends"
    click.echo(f"Policy stored ({how} the version in force), in force from {day.isoformat()}.", err=True)
    return day


@edulite_cli.command("loads")
@click.option("--school", "school_name", required=True)
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date, YYYY-MM-DD (inclusive).")
@click.option("--json", "as_json", is_flag=True, help="JSON output (the default is a table).")
def loads_command(school_name, start, end, as_json):
    """Print each class's daily load: counted minutes against the cap, and minutes by type.

    week_average is the whole calendar week's (Monday to Sunday) even when the range cuts it, as the
    principal's week shows it: a week in progress averages its school days before today, and
    week_average_days says how many school days that is (POLICY.md, "weekly average").
    """
    first, stop = day_range(start, end)
    # Whole weeks are read so that a range cut mid-week still gives the week's own average.
    weeks_from = week_start(first)
    weeks_to = week_start(stop - timedelta(days=1)) + timedelta(days=7)
    today = today_local()
    with db.session_scope(write=False) as session:
        school = school_named(session, school_name)
        after = class_day_figures(session, school_id=school.id, start=first, end=stop)
        rows = []
        for cl in loads.class_loads(session, school_id=school.id, start=weeks_from, end=weeks_to):
            weeks = _week_averages(cl.days, today)
            rows += [{"class": cl.klass.name, "grade": cl.klass.grade, "date": d.date.isoformat(),
                      "day_kind": d.day_kind.value, "counted_minutes": d.counted, "cap": d.cap, "over": d.over,
                      "minutes_by_type": dict(d.by_kind), "counted_by_subject": dict(d.by_subject),
                      "week_average": weeks[week_start(d.date)][0],
                      "week_average_days": weeks[week_start(d.date)][1],
                      "after_school_minutes": after.get((cl.klass.class_id, d.date), (0, 0))[0],
                      "after_school_pupils": after.get((cl.klass.class_id, d.date), (0, 0))[1]}
                     for d in cl.days if first <= d.date < stop]
    if as_json:
        _dump(rows)
        return
    for r in rows:
        mark = "OVER" if r["over"] else ""
        average = f"{r['week_average']} ({r['week_average_days']} d)" if r["week_average"] is not None else "-"
        click.echo(f"{r['date']}  {r['class']:<12} {r['day_kind']:<10} {r['counted_minutes']:>4}/{r['cap']:<3} "
                   f"week avg {average:<10} {mark}")


def _week_averages(days, today) -> dict:
    """Each Monday's weekly average and its number of school days (rules.week_average_so_far)."""
    by_week: dict = {}
    for d in days:
        by_week.setdefault(week_start(d.date), []).append(d)
    return {monday: rules.week_average_so_far(week, today) for monday, week in by_week.items()}


@edulite_cli.command("alerts")
@click.option("--school", "school_name", required=True)
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date, YYYY-MM-DD (inclusive).")
@click.option("--json", "as_json", is_flag=True, help="JSON output (the default is one line per alert).")
def alerts_command(school_name, start, end, as_json):
    """Recompute and print every alert of the range: rule ID, class or school, date, figure and limit."""
    first, stop = day_range(start, end)
    with db.session_scope() as session:
        school = school_named(session, school_name)
        recompute_all(session, school_id=school.id, start=first, end=stop)
        session.flush()
        names = dict(session.exec(select(SchoolClass.id, SchoolClass.name)
                                  .where(SchoolClass.school_id == school.id)).all())
        rows = session.exec(
            select(Alert).where(Alert.school_id == school.id, col(Alert.current).is_(True),
                                (col(Alert.day).is_(None)) | ((Alert.day >= first) & (Alert.day < stop)))).all()
        out = sorted(({"rule_id": a.rule_id, "class": names.get(a.class_id), "scope": "class" if a.class_id else
                       "school", "date": a.day.isoformat() if a.day else None, "figure": a.figure, "limit": a.limit,
                       "subject": a.subject, "detail": a.detail, "state": a.state} for a in rows),
                     key=lambda r: (r["date"] or "", r["rule_id"], r["class"] or "", r["subject"] or "", r["figure"]))
    if as_json:
        _dump(out)
        return
    for r in out:
        click.echo(f"{r['date'] or '-':<10} {r['rule_id']:<8} {r['class'] or r['scope']:<12} "
                   f"{r['figure']} / {r['limit'] if r['limit'] is not None else '-'} {r['detail']}")

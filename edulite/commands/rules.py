"""Rule-engine commands: the policy in force, daily loads and alerts, as JSON for scripts and checks."""

from __future__ import annotations

import json
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
from edulite.school.settings import parse_policy, set_district_policy, set_school_policy


def _dump(rows) -> None:
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True))


@edulite_cli.command("policy")
@click.option("--school", "school_name", help="School whose policy in force to print or set.")
@click.option("--district", "district_name", help="District whose default to set (with --load).")
@click.option("--load", "load_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON file with the policy keys to set (a school may only be stricter).")
@click.option("--from", "effective", help="Date the loaded policy takes effect (default today).")
def policy_command(school_name, district_name, load_file, effective):
    """Print the policy in force as JSON, or set it from a JSON file with the same keys."""
    day = parse_iso_day(effective) if effective else today_local()
    if day is None:
        raise click.BadParameter("--from is YYYY-MM-DD, between 2000 and 2099")
    with db.session_scope() as session:
        if load_file:
            try:
                data = json.loads(load_file.read_text(encoding="utf-8-sig"))
                parse_policy(data)
                if district_name:
                    district = session.exec(select(District).where(District.name == district_name)).first()
                    if district is None:
                        raise click.ClickException(f"no district named {district_name!r}")
                    set_district_policy(session, district_id=district.id, data=data, effective_from=day, user_id=None)
                else:
                    set_school_policy(session, school_id=school_named(session, school_name).id, data=data,
                                      effective_from=day, user_id=None)
            except PolicyLooser as err:
                raise click.ClickException(f"refused, looser than allowed: {err}") from err
            except (ValueError, TypeError) as err:
                raise click.ClickException(f"bad policy file: {err}") from err
            click.echo(f"Policy stored, in force from {day.isoformat()}.")
        if not school_name:
            return
        school = school_named(session, school_name)
        _dump(policy_to_dict(loads.policy_in_force(session, school_id=school.id, day=day)))


@edulite_cli.command("loads")
@click.option("--school", "school_name", required=True)
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date, YYYY-MM-DD (inclusive).")
@click.option("--json", "as_json", is_flag=True, help="JSON output (the default is a table).")
def loads_command(school_name, start, end, as_json):
    """Print each class's daily load: counted minutes against the cap, and minutes by type."""
    first, stop = day_range(start, end)
    with db.session_scope(write=False) as session:
        school = school_named(session, school_name)
        after = class_day_figures(session, school_id=school.id, start=first, end=stop)
        rows = []
        for cl in loads.class_loads(session, school_id=school.id, start=first, end=stop):
            weeks = _week_averages(cl.days)
            rows += [{"class": cl.klass.name, "grade": cl.klass.grade, "date": d.date.isoformat(),
                      "day_kind": d.day_kind.value, "counted_minutes": d.counted, "cap": d.cap, "over": d.over,
                      "minutes_by_type": dict(d.by_kind), "counted_by_subject": dict(d.by_subject),
                      "week_average": weeks[week_start(d.date)],
                      "after_school_minutes": after.get((cl.klass.class_id, d.date), (0, 0))[0],
                      "after_school_pupils": after.get((cl.klass.class_id, d.date), (0, 0))[1]}
                     for d in cl.days]
    if as_json:
        _dump(rows)
        return
    for r in rows:
        mark = "OVER" if r["over"] else ""
        click.echo(f"{r['date']}  {r['class']:<12} {r['day_kind']:<10} {r['counted_minutes']:>4}/{r['cap']:<3} "
                   f"week avg {r['week_average'] if r['week_average'] is not None else '-':<5} {mark}")


def _week_averages(days) -> dict:
    """The weekly average (school days of the week within the range) for each Monday (POLICY.md)."""
    by_week: dict = {}
    for d in days:
        by_week.setdefault(week_start(d.date), []).append(d)
    return {monday: rules.weekly_average(week) for monday, week in by_week.items()}


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

"""`flask edulite send-digest`: yesterday's new alerts per school, by e-mail and group-robot webhook (for cron)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from edulite import db
from edulite.alerts import digest
from edulite.commands.base import edulite_cli
from edulite.core.calendar import parse_iso_day
from edulite.models import School
from edulite.web.principal.common import day_label


def render(school: str, day: date, alerts: list[digest.DigestAlert]) -> tuple[str, str]:
    """Subject and body in the installation's default language (the schools' language)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        # The date as every Chinese page writes it (#14), not ISO: the digest is read, not parsed.
        subject = _("%(school)s: %(n)d new alerts on %(day)s", school=school, n=len(alerts), day=day_label(day))
        return subject, render_template("principal/digest.txt", school=school, day=day, alerts=alerts)


def mail_settings() -> digest.MailSettings:
    cfg = current_app.config
    return digest.MailSettings(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), bool(cfg["MAIL_USE_TLS"]),
                               cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"], cfg["MAIL_FROM"],
                               float(cfg["WEBHOOK_TIMEOUT"]))


@edulite_cli.command("send-digest")
@click.option("--day", help="Day whose new alerts to send, YYYY-MM-DD (default: yesterday).")
@click.option("--to", "to", multiple=True, help="Send the e-mail to this address instead of School.digest_email.")
@click.option("--school", "school_name", help="Only this school.")
@click.pass_context
def send_digest_command(ctx, day, to, school_name):
    """E-mail and post each school's new alerts of a day; failed sends are kept and retried next run."""
    cfg = current_app.config
    now = datetime.now(ZoneInfo(cfg["DEFAULT_TIMEZONE"]))
    start, end = int(cfg["DIGEST_QUIET_START"]), int(cfg["DIGEST_QUIET_END"])
    if digest.in_quiet_hours(now.hour, start, end):
        click.echo(f"Quiet hours ({start:02d}:00–{end:02d}:00): nothing sent now; the next run after "
                   f"{end:02d}:00 will send it.")
        return
    chosen = parse_iso_day(day) if day else now.date() - timedelta(days=1)
    if chosen is None:
        raise click.BadParameter("--day is YYYY-MM-DD, between 2000 and 2099")
    with db.session_scope() as session:
        ids = None
        if school_name:
            school = session.exec(select(School).where(School.name == school_name)).first()
            if school is None:
                raise click.ClickException(f"no school named {school_name!r}")
            ids = [school.id]
        outcomes = digest.run(session, day=chosen, mail=mail_settings(), render=render, school_ids=ids,
                              webhook_timeout=float(cfg["WEBHOOK_TIMEOUT"]), to_override=list(to) or None)
    for o in outcomes:
        click.echo(f"{o.school} {o.day.isoformat()} {o.channel}: {o.status}" + (f" ({o.error})" if o.error else ""))
    if not outcomes:
        click.echo("No digest to send.")
    if any(o.status == "failed" for o in outcomes):
        click.echo("Some digests failed; they will be retried on the next run.", err=True)
        ctx.exit(1)

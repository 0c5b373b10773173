"""The daily digest: each school's new alerts of a day, by e-mail (SMTP) and to a DingTalk or WeCom
group robot (webhook). Run from cron by `flask edulite send-digest`; nothing here runs in a request.

Every (school, day, channel) has a DigestDelivery row: sent ones are never sent twice, failed ones keep
their error and are tried again on the next run (up to MAX_ATTEMPTS, for RETRY_DAYS).
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from edulite.core.calendar import zone_of
from edulite.models import Alert, DigestDelivery, School, SchoolClass, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
RETRY_DAYS = 7


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    use_tls: bool
    username: str
    password: str
    sender: str
    timeout: float


@dataclass(frozen=True)
class DigestAlert:
    rule_id: str
    class_name: str | None
    day: date | None
    figure: str
    limit: str | None
    subject: str | None
    detail: str
    cleared: bool = False  # an edit made it go away since; still listed, as raised that day (#14)


@dataclass(frozen=True)
class Outcome:
    school: str
    day: date
    channel: str
    status: str  # sent, failed, skipped
    error: str | None = None


# (subject line, plain/markdown body) for a school's alerts of a day; the CLI renders it in the school's language.
Render = Callable[[str, date, list[DigestAlert]], tuple[str, str]]


def in_quiet_hours(hour: int, start: int, end: int) -> bool:
    """True between start and end o'clock (the window may wrap midnight); start == end means never."""
    if start == end:
        return False
    return start <= hour < end if start < end else hour >= start or hour < end


def new_alerts(session: Session, *, school_id: int, day: date, zone: ZoneInfo) -> list[DigestAlert]:
    """Alerts first found on day (local time), in the order the inbox shows them; those an edit has
    cleared since are listed too, marked cleared (#14): the principal hears of every alert raised."""
    # Stored stamps are UTC; SQLite keeps them without a zone, so compare in UTC too.
    first = datetime.combine(day, time(0), zone).astimezone(UTC)
    query = (select(Alert, SchoolClass.name).outerjoin(SchoolClass, SchoolClass.id == Alert.class_id)
             .where(Alert.school_id == school_id, Alert.created_at >= first,
                    Alert.created_at < first + timedelta(days=1))
             .order_by(Alert.rule_id, Alert.day, SchoolClass.name, Alert.id))
    return [DigestAlert(a.rule_id, name, a.day, a.figure, a.limit, a.subject, a.detail, not a.current)
            for a, name in session.exec(query).all()]


def send_email(settings: MailSettings, *, to: list[str], subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, ", ".join(to), subject
    message.set_content(body)
    with smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout) as smtp:
        if settings.use_tls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def robot_payload(url: str, title: str, text: str) -> dict:
    """WeCom (企业微信) robots take markdown.content; DingTalk (钉钉) ones markdown.title and .text."""
    if urlsplit(url).hostname == "qyapi.weixin.qq.com":
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n\n{text}"}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n\n{text}"}}


def post_webhook(url: str, *, title: str, text: str, timeout: float) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("webhook URL must be http(s)")
    body = json.dumps(robot_payload(url, title, text), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310  (scheme checked above)
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
        reply = response.read(65536)
    # Both robots answer HTTP 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    try:
        data = json.loads(reply or b"{}")
    except ValueError:
        return
    if isinstance(data, dict) and data.get("errcode", 0) != 0:
        raise RuntimeError(f"robot refused: {data.get('errcode')} {data.get('errmsg', '')}".strip())


def _deliveries(session: Session, school: School, day: date, channels: list[str]) -> list[DigestDelivery]:
    """Today's deliveries to make plus the failed ones of earlier days still worth retrying."""
    rows = {(r.day, r.channel): r for r in session.exec(select(DigestDelivery).where(
        DigestDelivery.school_id == school.id, DigestDelivery.day >= day - timedelta(days=RETRY_DAYS),
        DigestDelivery.day <= day)).all()}
    due = [r for (d, _c), r in rows.items() if d < day and r.status == "failed" and r.attempts < MAX_ATTEMPTS]
    for channel in channels:
        row = rows.get((day, channel)) or DigestDelivery(school_id=school.id, day=day, channel=channel)
        if row.status != "sent" and row.attempts < MAX_ATTEMPTS:
            due.append(row)
    return sorted(due, key=lambda r: (r.day, r.channel))


def run(session: Session, *, day: date, mail: MailSettings, render: Render, webhook_timeout: float,
        to_override: list[str] | None = None, school_ids: list[int] | None = None) -> list[Outcome]:
    """Send each school's digest of day (and retry failed earlier ones); one commit per delivery."""
    query = select(School).order_by(School.name)
    if school_ids is not None:
        query = query.where(col(School.id).in_(school_ids))
    outcomes = []
    for school in session.exec(query).all():
        emails = to_override or [a.strip() for a in (school.digest_email or "").split(",") if a.strip()]
        channels = (["email"] if emails else []) + (["webhook"] if school.webhook_url else [])
        zone = zone_of(school.timezone)  # a mistyped zone must not stop every school's digest
        for row in _deliveries(session, school, day, channels):
            found = new_alerts(session, school_id=school.id, day=row.day, zone=zone)
            if not found:
                outcomes.append(Outcome(school.name, row.day, row.channel, "skipped"))
                continue
            subject, body = render(school.name, row.day, found)
            row.attempts += 1
            try:
                if row.channel == "email":
                    send_email(mail, to=emails, subject=subject, body=body)
                else:
                    post_webhook(school.webhook_url, title=subject, text=body, timeout=webhook_timeout)
            except (OSError, smtplib.SMTPException, RuntimeError, ValueError) as err:
                row.status, row.last_error = "failed", f"{type(err).__name__}: {err}"[:500]
                log.warning("digest %s %s %s failed: %s", school.name, row.day, row.channel, row.last_error)
            else:
                row.status, row.last_error, row.sent_at = "sent", None, utcnow()
            session.add(row)
            session.commit()
            outcomes.append(Outcome(school.name, row.day, row.channel, row.status, row.last_error))
    return outcomes

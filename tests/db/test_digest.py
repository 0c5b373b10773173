"""The daily digest against a real SMTP server (aiosmtpd) and a local stand-in for the group-robot webhook."""

import json
import socket
import threading
from datetime import date, datetime
from email import message_from_string
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from edulite.alerts import store as alerts
from edulite.db import session_scope
from edulite.models import Alert, DigestDelivery, School
from tests.support.factories import add_item

DAY = date(2026, 11, 16)
FOUND_AT = datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8")))
        return "250 OK"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


class Robot(BaseHTTPRequestHandler):
    received: list = []
    reply: tuple = (200, {"errcode": 0, "errmsg": "ok"})

    def do_POST(self):  # noqa: N802 (http.server's hook name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        status, payload = type(self).reply
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    handler = type("RobotHandler", (Robot,), {"received": [], "reply": (200, {"errcode": 0, "errmsg": "ok"})})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_port}/robot/send?access_token=test"
    yield handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def school_with_alerts(app, world, robot, smtp_port):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, DIGEST_QUIET_START=0, DIGEST_QUIET_END=0,
                      WEBHOOK_TIMEOUT=2)
    with session_scope(app) as s:
        add_item(s, world, day=DAY, minutes=65)
        add_item(s, world, klass=world.class1, subject=world.chinese, day=DAY, minutes=10)
        alerts.recompute(s, school_id=world.school.id, start=DAY, end=date(2026, 11, 17))
        s.flush()
        for row in s.exec(select(Alert)).all():
            row.created_at = FOUND_AT
            s.add(row)
        school = s.get(School, world.school.id)
        school.digest_email, school.webhook_url = "head@school.test", robot.url
        s.add(school)
    return world


def _send(runner, *extra):
    return runner.invoke(args=["edulite", "send-digest", "--day", DAY.isoformat(), *extra])


def _deliveries(app):
    with session_scope(app, write=False) as s:
        return {r.channel: r for r in s.exec(select(DigestDelivery)).all()}


def test_the_digest_arrives_by_email_and_at_the_robot_once(app, runner, smtp, robot, school_with_alerts):
    result = _send(runner)
    assert result.exit_code == 0, result.output
    assert "测试小学 2026-11-16 email: sent" in result.output and "webhook: sent" in result.output
    ((recipients, content),) = smtp.messages
    assert recipients == ["head@school.test"]
    assert message_from_string(content, policy=default)["Subject"].startswith("测试小学：11月16日周一 新增预警 2 条")
    ((path, content_type, payload),) = robot.received
    assert path.startswith("/robot/send") and content_type.startswith("application/json")
    assert payload["msgtype"] == "markdown" and "测试小学" in payload["markdown"]["title"]
    assert "R-HW-02" in payload["markdown"]["text"] and "三年级(1)班" in payload["markdown"]["text"]
    assert "2 条" in payload["markdown"]["title"]
    assert {c: r.status for c, r in _deliveries(app).items()} == {"email": "sent", "webhook": "sent"}

    again = _send(runner)
    assert again.exit_code == 0 and "No digest to send." in again.output
    assert len(smtp.messages) == 1 and len(robot.received) == 1


def test_the_email_body_names_each_alert(app, runner, smtp, school_with_alerts):
    _send(runner, "--to", "office@school.test")
    ((recipients, content),) = smtp.messages
    assert recipients == ["office@school.test"]
    body = message_from_string(content, policy=default).get_body().get_content()
    assert "R-HW-01" in body and "R-HW-02" in body and "65 / 60" in body


def test_a_failed_send_is_recorded_reported_and_retried_on_the_next_run(app, runner, robot, smtp_port,
                                                                       school_with_alerts):
    robot.reply = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    failed = _send(runner)  # nothing listens on the SMTP port yet
    assert failed.exit_code == 1
    assert "email: failed" in failed.output and "webhook: failed (RuntimeError: robot refused: 310000" in failed.output
    rows = _deliveries(app)
    assert rows["email"].status == "failed" and "Connection" in rows["email"].last_error
    assert rows["webhook"].attempts == 1 and "310000" in rows["webhook"].last_error

    robot.reply = (200, {"errcode": 0, "errmsg": "ok"})
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        retried = runner.invoke(args=["edulite", "send-digest", "--day", "2026-11-17"])  # the next day's run
    finally:
        controller.stop()
    assert retried.exit_code == 0, retried.output
    assert "测试小学 2026-11-16 email: sent" in retried.output
    rows = _deliveries(app)
    assert (rows["email"].status, rows["email"].attempts, rows["email"].last_error) == ("sent", 2, None)
    assert rows["webhook"].status == "sent" and len(inbox.messages) == 1 and len(robot.received) == 2


def test_nothing_is_sent_in_quiet_hours(app, runner, smtp, robot, school_with_alerts):
    app.config.update(DIGEST_QUIET_START=0, DIGEST_QUIET_END=24)
    result = _send(runner)
    assert result.exit_code == 0 and "Quiet hours" in result.output and "will send it" in result.output
    assert smtp.messages == [] and robot.received == [] and _deliveries(app) == {}


def test_a_school_without_recipients_or_new_alerts_gets_nothing(app, runner, smtp, school_with_alerts):
    result = runner.invoke(args=["edulite", "send-digest", "--day", "2026-11-18", "--school", "测试小学"])
    assert result.exit_code == 0 and "skipped" in result.output and smtp.messages == []

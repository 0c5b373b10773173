"""Nothing a principal relies on changes behind their back (#14): an alert's whole life stays visible,
signing asks first and shows later changes, replacing a parent link asks first, actions say what happened,
exports carry the reason and local times, every evening's list shows the share it carries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from edulite.core.scope import Scope
from edulite.db import session_scope
from edulite.homework import service as homework
from edulite.homework.input import HomeworkInput
from edulite.models import Alert, AuditEntry, ClassLink, InspectionRecord, RecordAddendum
from tests.support.factories import add_item
from tests.support.parent import page as parent_page

MON = date(2026, 11, 16)
TUE = MON + timedelta(days=1)
WEEK = "/principal/records/2026-11-16"


def _scope(user) -> Scope:
    return Scope(user.id, user.role, user.school_id, user.district_id, user.lead_grade)


def _maths(world, minutes: int, day: date = TUE) -> HomeworkInput:
    return HomeworkInput(class_id=world.class3.id, subject_id=world.maths.id, description="练习册第3页",
                         minutes=minutes, set_date=day)


REASON = "单元复习，需要多练"


def _log(app, world, minutes: int):
    with session_scope(app) as s:
        return homework.log_homework(s, scope=_scope(world.teacher), data=_maths(world, minutes), today=TUE,
                                     confirm_over=minutes > 60, reason=REASON if minutes > 60 else None)


def _edit(app, world, item_id: int, minutes: int) -> None:
    with session_scope(app) as s:
        homework.edit_homework(s, scope=_scope(world.teacher), item_id=item_id, data=_maths(world, minutes),
                               today=TUE, confirm_over=minutes > 60, reason=REASON if minutes > 60 else None)


def _cap_alert(app) -> Alert:
    with session_scope(app, write=False) as s:
        return s.exec(select(Alert).where(Alert.rule_id == "R-HW-02")).one()


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def principal(signed_in):
    return signed_in("principal", lang="en")


def _in_tab(principal, tab: str, alert_id: int) -> bool:
    return f'id="alert-{alert_id}"' in _text(principal.get(f"/principal/alerts?state={tab}"))


def test_an_alert_raised_acknowledged_cleared_by_an_edit_and_raised_again_stays_visible_everywhere(
        app, world, principal):
    item = _log(app, world, 70)
    alert = _cap_alert(app)
    assert _in_tab(principal, "open", alert.id)

    acknowledged = principal.post(f"/principal/alerts/{alert.id}", data={
        "action": "acknowledge", "note": "", "next": "/principal/alerts?state=acknowledged"}, follow_redirects=True)
    assert "Marked as noted" in _text(acknowledged) and f'id="alert-{alert.id}"' in _text(acknowledged)

    _edit(app, world, item.id, 30)
    # Cleared: not silently gone, but in its own tab (and under "all"), with who, when and why.
    cleared = _text(principal.get("/principal/alerts?state=cleared"))
    assert f'id="alert-{alert.id}"' in cleared
    assert re.search(r"Cleared .* by Teacher: the class-day came back within the rules after a homework edit", cleared)
    assert re.search(r'aria-current="page">Cleared <span class="count">1</span>', cleared)
    assert _in_tab(principal, "all", alert.id)
    assert not _in_tab(principal, "acknowledged", alert.id) and not _in_tab(principal, "open", alert.id)
    class_day = _text(principal.get(f"/principal/classes/{world.class3.id}/2026-11-17"))
    assert "R-HW-02" in class_day and "Cleared" in class_day and "after a homework edit" in class_day

    # It still counts among the week's alerts raised on the inspection record.
    record = _text(principal.get(WEEK))
    assert re.search(r"R-HW-02 [^<]*</th><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">0</td>"
                     r"<td class=\"num\">0</td><td class=\"num\">1</td>", record)

    _edit(app, world, item.id, 75)
    assert _in_tab(principal, "open", alert.id)
    again = _text(principal.get("/principal/alerts?state=open"))
    assert "Raised again after being cleared" in again

    export = principal.get("/principal/exports/file?from=2026-11-16&to=2026-11-22&format=csv&table=alerts")
    (row,) = [r for r in csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))) if r["Rule"] == "R-HW-02"]
    assert (row["State"], row["Still found"], row["Cleared by"]) == ("Open", "yes", "Teacher")
    assert row["Why it cleared"] == "the class-day came back within the rules after a homework edit"
    assert row["Cleared (Asia/Shanghai)"] and row["Handled by"] == "Principal"

    with session_scope(app, write=False) as s:
        life = s.exec(select(AuditEntry.action).where(AuditEntry.entity == "alert", AuditEntry.entity_id == alert.id)
                      .order_by(AuditEntry.id)).all()
    assert life == ["alert_raised", "alert_acknowledge", "alert_cleared", "alert_raised_again"]
    trail = _text(principal.get("/principal/audit?entity=alert"))
    for words in ("An alert was raised", "Acknowledged an alert", "An alert cleared", "An alert was raised again"):
        assert words in trail


def test_acknowledge_reads_as_noted_in_chinese_and_the_htmx_card_says_what_happened(app, world, signed_in):
    principal = signed_in("principal")
    _log(app, world, 70)
    alert = _cap_alert(app)
    assert "已知悉</button>" in _text(principal.get("/principal/alerts"))
    card = principal.post(f"/principal/alerts/{alert.id}", data={"action": "acknowledge", "note": ""},
                          headers={"HX-Request": "true"})
    assert "已标记为“已知悉”" in _text(card)


def test_the_digest_of_the_day_still_lists_an_alert_an_edit_cleared(app, world):
    from zoneinfo import ZoneInfo

    from edulite.alerts import digest

    item = _log(app, world, 70)
    _edit(app, world, item.id, 30)
    with session_scope(app, write=False) as s:
        created = s.exec(select(Alert.created_at).where(Alert.rule_id == "R-HW-02")).one()
        zone = ZoneInfo("Asia/Shanghai")
        day = (created if created.tzinfo else created.replace(tzinfo=ZoneInfo("UTC"))).astimezone(zone).date()
        found = digest.new_alerts(s, school_id=world.school.id, day=day, zone=zone)
    assert [(a.rule_id, a.cleared) for a in found] == [("R-HW-02", True)]


# --- signing ---------------------------------------------------------------------------------------------------

def test_signing_asks_first_and_says_what_will_be_frozen(app, world, principal):
    page = _text(principal.post(WEEK, data={"findings": "未发现问题", "action": "sign"}))
    assert 'id="confirm-sign"' in page and "Signing freezes the figures above" in page
    with session_scope(app, write=False) as s:
        assert s.exec(select(InspectionRecord)).first() is None
    done = principal.post(WEEK, data={"findings": "未发现问题", "action": "sign", "confirm": "1"},
                          follow_redirects=True)
    assert "Signed: the week&#39;s figures are frozen as shown." in _text(done)


def test_signing_before_the_weeks_last_school_day_is_over_is_refused_unless_sign_early_is_ticked(app, world,
                                                                                                   principal):
    app.config["TODAY"] = MON + timedelta(days=4)  # Friday, the last school day, not over yet
    confirm = _text(principal.post(WEEK, data={"findings": "周五上午检查", "action": "sign"}))
    assert "The week is not over" in confirm and 'name="early"' in confirm
    refused = principal.post(WEEK, data={"findings": "周五上午检查", "action": "sign", "confirm": "1"})
    assert refused.status_code == 422 and "sign early" in _text(refused)
    with session_scope(app, write=False) as s:
        assert s.exec(select(InspectionRecord)).first() is None
    early = principal.post(WEEK, data={"findings": "周五上午检查", "action": "sign", "confirm": "1", "early": "1"})
    assert early.status_code == 303
    assert "signed early, before the week was over" in _text(principal.get(WEEK))


def test_entries_changed_after_signing_show_before_and_after_and_an_addendum_is_signed_and_audited(
        app, world, principal):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=40)
    principal.post(WEEK, data={"findings": "未发现问题", "action": "sign", "confirm": "1"})
    assert "Changed after signing" not in _text(principal.get(WEEK))
    nothing = principal.post(WEEK + "/addendum", data={"note": "补录"})
    assert nothing.status_code == 422 and "Nothing has changed" in _text(nothing)

    with session_scope(app) as s:  # a late entry for Monday: homework really was set
        add_item(s, world, day=MON, minutes=15)
    page = _text(principal.get(WEEK))
    assert 'id="changed-after-signing"' in page
    assert re.search(r"三年级\(1\)班 · Mon, Nov 16: <del>40</del> → <strong>55</strong>", page)

    blank = principal.post(WEEK + "/addendum", data={"note": "  "})
    assert blank.status_code == 422 and "Write what the changes were" in _text(blank)
    signed = principal.post(WEEK + "/addendum", data={"note": "周一数学补录15分钟，已核实"}, follow_redirects=True)
    text = _text(signed)
    assert "Addendum signed" in text and "周一数学补录15分钟，已核实" in text
    assert 'id="changed-after-signing"' not in text  # the addendum is the new point of comparison
    with session_scope(app, write=False) as s:
        (addendum,) = s.exec(select(RecordAddendum)).all()
        assert addendum.signed_by == world.principal.id and "55" in addendum.changes
        actions = s.exec(select(AuditEntry.action).where(AuditEntry.entity == "inspection_record")
                         .order_by(AuditEntry.id)).all()
    assert actions == ["record_signed", "record_addendum_signed"]


def test_the_printed_record_has_lines_for_signature_date_and_stamp(principal):
    page = _text(principal.get(WEEK))
    assert 'class="sign-lines"' in page
    for words in ("Principal (signature)", "Date", "School stamp"):
        assert words in page


# --- parent links, feedback -----------------------------------------------------------------------------------

def _token(app, world) -> str:
    with session_scope(app, write=False) as s:
        return s.exec(select(ClassLink.token).where(ClassLink.class_id == world.class3.id,
                                                    ClassLink.revoked_at.is_(None))).one()


def test_replacing_a_parent_link_asks_first_that_printed_qr_codes_stop_working_then_says_it_is_done(
        app, world, principal):
    url = f"/principal/settings/links/{world.class3.id}"
    asked = principal.post(url)
    assert asked.status_code == 200 and 'id="confirm-rotate"' in _text(asked)
    assert "every printed QR code of it stop working" in _text(asked)
    assert _token(app, world) == world.link.token
    done = principal.post(url, data={"confirm": "1"}, follow_redirects=True)
    assert _token(app, world) != world.link.token
    assert "New parent link issued. The old link and its printed QR codes no longer work" in _text(done)


def test_assigning_a_teacher_and_saving_a_calendar_day_say_what_happened(app, world, principal):
    assigned = principal.post("/principal/settings/assignments", data={
        "class_id": world.class1.id, "subject_id": world.maths.id, "teacher_id": world.colleague.id},
        follow_redirects=True)
    assert "Teacher assigned" in _text(assigned)
    saved = principal.post("/principal/settings/calendar", data={"first": "2026-12-31", "kind": "holiday",
                                                                  "note": "元旦前"}, follow_redirects=True)
    assert "Calendar saved: 1 day(s) marked" in _text(saved)


# --- exports ----------------------------------------------------------------------------------------------------

def test_the_items_export_has_the_reason_local_times_with_the_zone_and_a_spread_items_share(app, world, principal):
    _log(app, world, 70)
    with session_scope(app) as s:
        add_item(s, world, klass=world.class7, day=MON, minutes=60, due=MON + timedelta(days=3))
    export = principal.get("/principal/exports/file?from=2026-11-16&to=2026-11-22&format=csv&table=items")
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    (over,) = [r for r in rows if r["Minutes"] == "70"]
    assert over["Reason for going over the cap"] == "单元复习，需要多练"
    assert "Last changed (Asia/Shanghai)" in rows[0] and "Logged (Asia/Shanghai)" in rows[0]
    (spread,) = [r for r in rows if r["Minutes"] == "60"]
    assert (spread["Evenings"], spread["Minutes per evening"]) == ("3", "20")
    with session_scope(app, write=False) as s:
        stored = s.exec(select(Alert.created_at)).first()
    assert stored is not None
    # School time is UTC+8: a stamp written now reads eight hours ahead of UTC in the export.
    from datetime import UTC, datetime
    exported = datetime.fromisoformat(over["Logged (Asia/Shanghai)"])
    assert abs((exported - datetime.now(UTC).replace(tzinfo=None)) - timedelta(hours=8)) < timedelta(minutes=5)


# --- the share of an evening --------------------------------------------------------------------------------------

def test_the_class_day_page_and_the_parent_page_show_the_share_a_spread_item_carries_that_evening(
        app, world, signed_in, client):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=60, due=MON + timedelta(days=3), description="读书笔记")
    principal = signed_in("principal")
    tuesday = _text(principal.get(f"/principal/classes/{world.class3.id}/2026-11-17"))
    assert "60 分钟，分 3 晚，今晚约 20" in tuesday
    parent = _text(parent_page(client))
    tue = parent.split('id="day-2026-11-17"')[1].split("</section>")[0]
    assert "读书笔记" in tue and "60 分钟，分 3 晚，今晚约 20" in tue


def test_the_calendar_settings_say_whether_each_day_comes_from_the_national_calendar_or_the_school(
        app, world, principal):
    from edulite.core.calendar import DayKind
    from edulite.school import holidays
    from edulite.school.settings import set_calendar_days

    app.config["TODAY"] = date(2026, 12, 20)
    with session_scope(app) as s:
        holidays.update(s, years=[2027])
        set_calendar_days(s, school_id=world.school.id, user_id=world.principal.id,
                          days=[(date(2027, 2, 10), DayKind.SCHOOL_DAY, "本校提前开学")])
    page = _text(principal.get("/principal/settings/calendar"))
    new_year = page.split("Fri, Jan 1 2027")[1].split("</tr>")[0]
    assert "National calendar" in new_year and "元旦" in new_year
    own = page.split("Wed, Feb 10 2027")[1].split("</tr>")[0]
    assert "School (instead of the national 春节（补假）)" in own and "本校提前开学" in own


# --- wording ------------------------------------------------------------------------------------------------------

def test_grades_are_named_as_class_names_are_and_never_7_nianji(app, world, signed_in):
    chinese = _text(signed_in("principal").get("/principal/alerts"))
    assert ">初一</option>" in chinese and ">三年级</option>" in chinese and "7年级" not in chinese
    english = _text(signed_in("principal", lang="en").get("/principal/alerts"))
    assert ">Grade 7</option>" in english


def test_the_policy_page_names_one_school_one_policy_in_the_readers_language(signed_in):
    english = _text(signed_in("principal", lang="en").get("/principal/settings"))
    assert "One school, one policy" in english and "一校一策" not in english
    assert "一校一策" in _text(signed_in("principal").get("/principal/settings"))


def test_chinese_pages_write_dates_one_way_and_the_digest_has_no_english(app, world, signed_in):
    from edulite.alerts.digest import DigestAlert
    from edulite.commands.digest import render

    page = _text(signed_in("principal").get(f"/principal/classes/{world.class3.id}/2026-11-17"))
    assert "11月17日周二" in page and "周二 11/17" not in page
    with app.test_request_context():
        subject, body = render("测试小学", TUE, [DigestAlert("R-HW-02", "三年级(1)班", TUE, "70", "60", "数学", "")])
    assert "11月17日周二" in subject and "Open the alerts inbox" not in body and "2026-11-17" not in body


def test_the_teachers_pages_show_the_share_a_spread_item_carries_that_evening(app, world, signed_in):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=60, due=MON + timedelta(days=3), description="读书笔记")
    teacher = signed_in("teacher")
    entry = _text(teacher.get(f"/teacher/class/{world.class3.id}?day=2026-11-17"))
    assert "60 分钟，分 3 晚，今晚约 20" in entry
    today = _text(teacher.get("/teacher/?day=2026-11-17"))
    assert "60 分钟，分 3 晚，今晚约 20" in today

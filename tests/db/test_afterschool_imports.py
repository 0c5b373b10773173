"""After-school service in bulk (#16): plans and sessions from CSV/XLSX with Chinese headers, in UTF-8, BOM
or GBK, all rows or none with row numbers, judged as the forms judge them; the exports read back the same."""

from __future__ import annotations

from datetime import date, time

import openpyxl
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from edulite.db import session_scope
from edulite.models import AfterSchoolPlan, AfterSchoolSession, Alert, AuditEntry, SessionClass
from tests.support.afterschool import MON, add_session

PLAN = ["学校", "开始日期", "结束日期", "星期", "开始时间", "结束时间", "活动"]
SESSIONS = ["学校", "日期", "开始时间", "结束时间", "活动", "班级", "参加人数", "教师", "备注"]
SCHOOL = "测试小学"


def write(path, rows, encoding="utf-8"):
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        for r in rows:
            book.active.append(r)
        book.save(path)
    else:
        path.write_bytes("\r\n".join(",".join(map(str, r)) for r in rows).encode(encoding))
    return path


def run(app, *args):
    return app.test_cli_runner().invoke(args=["edulite", *map(str, args)])


def counts(app) -> dict[str, int]:
    with session_scope(app) as s:
        return {t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables}


def _plan_rows():
    return [PLAN, *[[SCHOOL, "2026-09-01", "2027-01-20", day, "15:40", "17:40", "作业辅导、体育活动"]
                    for day in ("周一", "周二", "星期三", "四", "5")]]


def test_a_term_plan_is_imported_from_gbk_csv_and_replaces_the_stored_term_starting_that_day(any_app, any_world,
                                                                                              tmp_path):
    path = write(tmp_path / "plan.csv", _plan_rows(), encoding="gbk")
    result = run(any_app, "import-afterschool-plan", path)
    assert result.exit_code == 0, result.output
    assert "Stored 1 term plan(s) (0 replacing" in result.output
    with session_scope(any_app) as s:
        rows = s.exec(select(AfterSchoolPlan).order_by(AfterSchoolPlan.weekday)).all()
    assert [(r.weekday, r.start, r.end, r.activities) for r in rows] == [
        (n, time(15, 40), time(17, 40), "supervised_homework,sports") for n in range(5)]
    # The same term again, Friday changed: replaced, not doubled.
    changed = _plan_rows()
    changed[5][5] = "17:50"
    assert run(any_app, "import-afterschool-plan", write(tmp_path / "plan2.csv", changed, "utf-8-sig")).exit_code == 0
    with session_scope(any_app) as s:
        rows = s.exec(select(AfterSchoolPlan).order_by(AfterSchoolPlan.weekday)).all()
        audited = s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "after_school_plan")).one()
    assert len(rows) == 5 and rows[4].end == time(17, 50) and audited == 2


def test_a_bad_plan_file_changes_nothing_and_lists_every_bad_row(any_app, any_world, tmp_path):
    rows = _plan_rows()
    rows[2][3] = "周一"  # Monday twice
    rows[3][6] = "讲授新课"  # a plan cannot offer new lessons (R-AS-03)
    rows[4][5] = "15:00"  # ends before it starts
    rows.append(["无名小学", "2026-09-01", "2027-01-20", "周一", "15:40", "17:40", "阅读"])
    before = counts(any_app)
    result = run(any_app, "import-afterschool-plan", write(tmp_path / "bad.xlsx", rows))
    assert result.exit_code == 1
    assert "Nothing was imported: 4 bad row(s)" in result.output
    for row, words in ((3, "周一 is already in row 2"), (4, "new lessons"), (5, "after the start"),
                       (7, "unknown school")):
        assert f"row {row}: " in result.output and words in result.output, (row, result.output)
    assert counts(any_app) == before


def _session_rows():
    return [SESSIONS,
            [SCHOOL, "2026-11-16", "15:40", "17:40", "作业辅导", "三年级(1)班", 30, "Teacher", ""],
            [SCHOOL, "2026-11-16", "15:40", "17:40", "作业辅导", "一年级(1)班", 12, "Teacher", ""],
            [SCHOOL, "2026-11-17", "15:40", "18:20", "社团活动", "三年级(1)班", 25, "", "足球"]]


def test_sessions_are_imported_from_xlsx_grouped_judged_and_replace_the_days_unlogged_plan(any_app, any_world,
                                                                                           tmp_path):
    w = any_world
    with session_scope(any_app) as s:
        add_session(s, w.school.id, MON)  # generated from the plan, nobody logged it
    result = run(any_app, "import-afterschool", write(tmp_path / "s.xlsx", _session_rows()))
    assert result.exit_code == 0, result.output
    assert "Stored 2 session(s)" in result.output and "1 planned session(s) replaced" in result.output
    with session_scope(any_app) as s:
        stored = s.exec(select(AfterSchoolSession).order_by(AfterSchoolSession.day)).all()
        pupils = dict(s.exec(select(SessionClass.class_id, SessionClass.pupils).where(
            SessionClass.session_id == stored[0].id)).all())
        late = s.exec(select(Alert.day).where(Alert.rule_id == "R-AS-02", col(Alert.current).is_(True))).all()
    assert [(r.day, r.end, r.activity, r.teacher_id, r.note) for r in stored] == [
        (MON, time(17, 40), "supervised_homework", w.teacher.id, None),
        (date(2026, 11, 17), time(18, 20), "clubs", None, "足球")]
    assert pupils == {w.class3.id: 30, w.class1.id: 12}
    assert late == [date(2026, 11, 17)]  # judged as a teacher's log is: ends after 18:00 (R-AS-02)
    again = run(any_app, "import-afterschool", write(tmp_path / "s.xlsx", _session_rows()))
    assert again.exit_code == 1 and "already in the database" in again.output


def test_a_bad_session_file_changes_nothing_and_names_each_row(any_app, any_world, tmp_path):
    rows = _session_rows()
    rows[2][6] = 41  # more than the class's headcount of 40
    rows[3][1] = "2026-11-21"  # a Saturday
    rows.append([SCHOOL, "2026-11-18", "15:40", "17:40", "跳舞", "三年级(1)班", 20, "", ""])
    rows.append([SCHOOL, "2026-11-18", "15:40", "17:40", "阅读", "九年级(9)班", 20, "Nobody", ""])
    before = counts(any_app)
    result = run(any_app, "import-afterschool", write(tmp_path / "bad.csv", rows, "utf-8-sig"))
    assert result.exit_code == 1, result.output
    for row, words in ((3, "headcount 40"), (4, "not a school day"), (5, "activity (活动) must be one of"),
                       (6, "unknown or inactive class"), (6, "Nobody")):
        assert f"row {row}: " in result.output and words in result.output, (row, words, result.output)
    assert counts(any_app) == before


def test_the_exports_read_back_by_the_imports_mean_the_same(any_app, any_world, tmp_path):
    assert run(any_app, "import-afterschool-plan", write(tmp_path / "plan.csv", _plan_rows())).exit_code == 0
    assert run(any_app, "import-afterschool", write(tmp_path / "s.csv", _session_rows())).exit_code == 0
    plan_out, sessions_out = tmp_path / "plan-out.xlsx", tmp_path / "sessions-out.csv"
    assert run(any_app, "export-afterschool-plan", "--school", SCHOOL, plan_out).exit_code == 0
    result = run(any_app, "export-afterschool", "--school", SCHOOL, "--from", "2026-11-16", "--to", "2026-11-22",
                 sessions_out)
    assert result.exit_code == 0 and "Wrote 3 row(s)" in result.output
    text = sessions_out.read_bytes().decode("utf-8-sig").splitlines()
    assert text[0] == ",".join(SESSIONS)
    assert text[1] == "测试小学,2026-11-16,15:40,17:40,作业辅导,一年级(1)班,12,Teacher,"
    sheet = openpyxl.load_workbook(plan_out).active
    assert [c.value for c in sheet[1]] == PLAN and sheet.max_row == 6
    assert [c.value for c in sheet[2]][3:] == ["周一", "15:40", "17:40", "作业辅导、体育活动"]
    # Re-importing the exported plan replaces the term with itself; the sessions are refused as already there.
    assert "1 replacing" in run(any_app, "import-afterschool-plan", plan_out).output
    assert "already in the database" in run(any_app, "import-afterschool", sessions_out).output


def test_the_import_commands_say_their_columns(any_app):
    for command, header in (("import-afterschool-plan", "星期"), ("import-afterschool", "参加人数")):
        result = run(any_app, command, "--help")
        assert result.exit_code == 0 and header in result.output and "row number" in result.output

"""The import commands on SQLite and PostgreSQL: what they create and update, and that bad files change nothing."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select
from werkzeug.security import check_password_hash

from edulite.db import session_scope
from edulite.imports import load as importers
from edulite.models import (
    Assignment,
    AuditEntry,
    District,
    HomeworkItem,
    HomeworkRevision,
    School,
    SchoolClass,
    User,
)
from tests.support.factories import add_item

ROSTER = ["学校", "班级", "年级", "人数", "学科", "教师"]
HOMEWORK = ["school", "class", "subject", "teacher", "set_date", "due_date", "type", "required", "location",
            "minutes", "description"]


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


def one(app, model, *where):
    with session_scope(app) as s:
        return s.exec(select(model).where(*where)).one()


def test_a_roster_creates_schools_classes_subjects_teachers_and_assignments(any_app, any_world, tmp_path):
    path = write(tmp_path / "r.csv", [ROSTER, ["新华小学", "五年级(2)班", 5, 44, "数学", "王 芳"],
                                      ["新华小学", "五年级(2)班", 5, 44, "体育", "Teacher"],
                                      ["新华小学", "五年级(3)班", 5, 43, "数学", "王 芳"]], "gbk")
    result = run(any_app, "import-roster", path, "--district", "测试区")
    assert result.exit_code == 0, result.output
    assert "schools 1, classes 2, subjects 1, teachers 2, assignments 3" in result.output
    school = one(any_app, School, School.name == "新华小学")
    assert school.district_id == any_world.district.id
    wang = one(any_app, User, User.display_name == "王 芳")
    # "Teacher" is taken by the world's teacher elsewhere, so the new one gets a number.
    namesake = one(any_app, User, User.display_name == "Teacher", User.school_id == school.id)
    assert (wang.username, wang.role, namesake.username) == ("王芳", "teacher", "Teacher2")
    # The printed passwords are one-time: both must be changed at first sign-in (#17).
    assert wang.must_change_password and namesake.must_change_password
    line = next(x for x in result.output.splitlines() if "\t王芳\t" in x)
    assert check_password_hash(wang.password_hash, line.split("\t")[-1])
    klass = one(any_app, SchoolClass, SchoolClass.name == "五年级(2)班")
    assert (klass.grade, klass.headcount, klass.school_id) == (5, 44, school.id)


def test_rerunning_a_roster_updates_headcount_and_reassigns_a_subject_saying_so(any_app, any_world, tmp_path):
    path = write(tmp_path / "r.xlsx", [[" School", "班级 ", "grade", "人数", "Subject", "教师"],
                                       ["测试小学", "三年级(1)班", 3, 42, "数学", "Colleague"],
                                       ["测试小学", "一年级(1)班", 1, 40, "语文", "Teacher"]])
    result = run(any_app, "import-roster", path)
    assert result.exit_code == 0, result.output
    assert "Updated: classes 1, assignments 1." in result.output
    assert "三年级(1)班 (测试小学): grade 3 -> 3, headcount 40 -> 42" in result.output
    assert "数学 in 三年级(1)班 (测试小学): teacher Teacher -> Colleague" in result.output
    assert one(any_app, SchoolClass, SchoolClass.id == any_world.class3.id).headcount == 42
    maths = one(any_app, Assignment, Assignment.class_id == any_world.class3.id,
                Assignment.subject_id == any_world.maths.id)
    assert maths.teacher_id == any_world.colleague.id
    assert "Nothing to change" in run(any_app, "import-roster", path).output


def test_a_new_school_needs_a_district_when_there_are_several(any_app, any_world, tmp_path):
    path = write(tmp_path / "r.csv", [ROSTER, ["新华小学", "一年级(1)班", 1, 40, "语文", "李明"]])
    before = counts(any_app)
    result = run(any_app, "import-roster", path)
    assert result.exit_code == 1 and "row 2: new school" in result.output and "--district" in result.output
    wrong = run(any_app, "import-roster", write(tmp_path / "s.csv", [ROSTER, ["测试小学", "一年级(1)班", 1, 40,
                                                                           "语文", "Teacher"]]),
                "--district", "邻区")
    assert wrong.exit_code == 1 and "belongs to district 测试区" in wrong.output
    assert counts(any_app) == before


def test_the_first_roster_of_an_empty_database_goes_to_the_default_district(any_app, tmp_path):
    path = write(tmp_path / "r.csv", [ROSTER, ["新华小学", "一年级(1)班", 1, 40, "语文", "李明"]])
    assert run(any_app, "import-roster", path).exit_code == 0
    assert one(any_app, District).name == importers.DEFAULT_DISTRICT


def test_a_bad_roster_changes_nothing_and_lists_every_bad_row(any_app, any_world, tmp_path):
    path = write(tmp_path / "r.csv", [
        ROSTER, ["测试小学", "二年级(1)班", 2, 40, "语文", "李明"],  # fine on its own
        ["测试小学", "二年级(2)班", 0, 40, "语文", "李明"],
        ["测试小学", "二年级(3)班", 10, 40, "语文", "李明"],
        ["测试小学", "二年级(4)班", 2, "四十", "语文", "李明"],
        ["测试小学", "二年级(5)班", 2, 81, "", "李明"],
        ["测试小学", "二年级(1)班", 2, 41, "数学", "李明"],
        ["测试小学", "二年级(1)班", 2, 40, "语文", "张伟"],
    ])
    before = counts(any_app)
    result = run(any_app, "import-roster", path)
    assert result.exit_code == 1
    assert counts(any_app) == before
    assert "Nothing was imported: 6 bad row(s)" in result.output
    for expected in ("row 3: grade (年级) must be a whole number from 1 to 9, got '0'",
                     "row 4: grade (年级) must be a whole number from 1 to 9, got '10'",
                     "row 5: headcount (人数) must be a whole number from 1 to 80, got '四十'",
                     "row 6: headcount (人数) must be a whole number from 1 to 80, got '81'; subject (学科) is empty",
                     "row 7: grade/headcount of 二年级(1)班 differ from row 2",
                     "row 8: 语文 in 二年级(1)班 is already listed in row 2"):
        assert expected in result.output


@pytest.mark.parametrize("command", ["import-roster", "import-homework"])
def test_missing_columns_or_an_empty_file_change_nothing(any_app, any_world, tmp_path, command):
    before = counts(any_app)
    missing = run(any_app, command, write(tmp_path / "a.csv", [["school", "class"], ["测试小学", "三年级(1)班"]]))
    assert missing.exit_code == 1 and "missing required column(s)" in missing.output
    assert "teacher (教师)" in missing.output and "Nothing was imported" in missing.output
    empty = run(any_app, command, write(tmp_path / "b.csv", []))
    assert empty.exit_code == 1 and "The file is empty" in empty.output
    assert counts(any_app) == before


def hw(teacher="Teacher", klass="三年级(1)班", subject="数学", set_date="2024-09-02", due="", kind="书面",
       required="是", location="家庭", minutes=20, description="练习册第3页"):
    return ["测试小学", klass, subject, teacher, set_date, due, kind, required, location, minutes, description]


@pytest.mark.parametrize("name, encoding", [("h.csv", "utf-8"), ("h.csv", "utf-8-sig"), ("h.csv", "gbk"),
                                            ("h.xlsx", None)])
def test_homework_imports_with_a_revision_and_an_audit_entry_per_item(any_app, any_world, tmp_path, name,
                                                                      encoding):
    header = ["学校", "班级", "学科", "教师", "布置日期", "截止日期", "类型", "必做", "完成地点", "预计分钟", "内容"]
    rows = [header, hw(), hw(klass="初一(1)班", set_date="2024年9月3日", due="2024/9/5", kind="口头",
                             required="否", location="课后服务", minutes=15),
            hw(subject="语文", teacher="Colleague", minutes=0, description="无")]
    if encoding is None:
        rows[2][4:6] = [datetime(2024, 9, 3), datetime(2024, 9, 5)]
    result = run(any_app, "import-homework", write(tmp_path / name, rows, encoding or "utf-8"))
    assert result.exit_code == 0, result.output
    assert "Created: homework items 3." in result.output
    with session_scope(any_app) as s:
        items = s.exec(select(HomeworkItem).order_by(HomeworkItem.id)).all()
        got = [(i.set_date, i.due_date, i.kind, i.required, i.location, i.minutes, i.no_homework) for i in items]
        assert got == [(date(2024, 9, 2), None, "written", True, "home", 20, False),
                       (date(2024, 9, 3), date(2024, 9, 5), "oral", False, "after_school", 15, False),
                       (date(2024, 9, 2), None, "written", True, "home", 0, True)]
        revisions = s.exec(select(HomeworkRevision).order_by(HomeworkRevision.item_id)).all()
        assert [(r.version, r.action, r.changed_by) for r in revisions] == [
            (1, "import", any_world.teacher.id), (1, "import", any_world.teacher.id),
            (1, "import", any_world.colleague.id)]
        assert json.loads(revisions[1].snapshot)["due_date"] == "2024-09-05"
        audits = s.exec(select(AuditEntry).where(AuditEntry.entity == "homework_item")).all()
        assert sorted(a.entity_id for a in audits) == [i.id for i in items]


def test_a_bad_homework_file_changes_nothing_and_lists_every_bad_row_and_reason(any_app, any_world, tmp_path):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=date(2024, 9, 2), minutes=20, description="已有作业")
    rows = [HOMEWORK, hw(),  # row 2 is fine; the rows after it each carry one fault
            hw(teacher="Nobody"), hw(teacher="Colleague"), hw(minutes=-5), hw(minutes=241), hw(minutes="abc"),
            hw(minutes=12.5), hw(set_date="2024-02-30"), hw(due="2024-09-01"), hw(), hw(description="已有作业"),
            hw(kind="罚抄"), hw(minutes=0), hw(klass="九年级(9)班"), hw(subject="化学")]
    before = counts(any_app)
    result = run(any_app, "import-homework", write(tmp_path / "h.csv", rows))
    assert result.exit_code == 1
    assert counts(any_app) == before
    expected = {
        3: "unknown teacher (教师) 'Nobody' in 测试小学",
        4: "teacher 'Colleague' is not assigned 数学 in 三年级(1)班 (the roster has 'Teacher' for it)",
        5: "minutes (预计分钟) must be a whole number from 0 to 240, got '-5'",
        6: "got '241'", 7: "got 'abc'", 8: "got '12.5'",
        9: "set_date (布置日期) must be a date like 2024-09-02",
        10: "due_date (截止日期) is before set_date (布置日期)",
        11: "duplicate of row 2 (same class, subject, set date and description)",
        12: "already in the database as homework item #",
        13: "type (类型) must be one of written (书面)/oral (口头)",
        14: "may be 0 only when description (内容) is 无",
        15: "unknown or inactive class (班级) '九年级(9)班'",
        16: "unknown subject (学科) '化学'",
    }
    lines = [x.strip() for x in result.output.splitlines() if x.strip().startswith("row ")]
    assert len(lines) == len(expected)
    for line, (row, reason) in zip(lines, expected.items(), strict=True):
        assert line.startswith(f"row {row}: ") and reason in line


def test_homework_import_recomputes_alerts_for_each_school_and_date_range(any_app, any_world, tmp_path,
                                                                        monkeypatch):
    calls = []
    monkeypatch.setattr(importers, "recompute", lambda session, **kw: calls.append(kw))
    rows = [HOMEWORK, hw(set_date="2024-09-03", due="2024-09-06"), hw(klass="初一(1)班", set_date="2024-09-02")]
    assert run(any_app, "import-homework", write(tmp_path / "h.csv", rows)).exit_code == 0
    assert calls == [{"school_id": any_world.school.id, "start": date(2024, 9, 2), "end": date(2024, 9, 7),
                      "class_ids": sorted([any_world.class3.id, any_world.class7.id])}]

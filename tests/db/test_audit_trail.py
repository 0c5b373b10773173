"""The audit trail: kept for every change, shown to the school's principal only, never editable."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from edulite.db import get_db, session_scope
from edulite.school.audit import audit


def test_the_database_refuses_to_change_or_delete_an_audit_entry(any_app, any_world):
    with session_scope(any_app) as s:
        audit(s, user_id=any_world.teacher.id, school_id=any_world.school.id, action="homework_edit",
              entity="homework_item", entity_id=1, before={"minutes": 20}, after={"minutes": 30})
    engine = get_db(any_app).engine(write=True)
    for statement in ("UPDATE audit_entry SET action = 'nothing'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_entry")).scalars().all() == ["homework_edit"]


def test_the_principal_reads_who_changed_what_in_their_school_only(app, client, auth, world):
    with session_scope(app) as s:
        audit(s, user_id=world.teacher.id, school_id=world.school.id, action="homework_edit", entity="homework_item",
              entity_id=7, before={"minutes": 20, "description": "练习册"}, after={"minutes": 35,
                                                                                 "description": "练习册"})
        audit(s, user_id=world.other_teacher.id, school_id=world.other_school.id, action="homework_edit",
              entity="homework_item", entity_id=8, before={"minutes": 1}, after={"minutes": 2})
    auth.login("principal")
    page = client.get("/principal/audit").get_data(as_text=True)
    assert "修改作业" in page and "Teacher" in page
    assert "<del>20</del> → 35" in page and "作业内容" not in page  # unchanged fields are not listed
    assert "Other_Teacher" not in page
    assert client.get("/principal/audit?entity=policy").status_code == 200


def test_a_teachers_save_through_the_page_lands_in_the_principals_trail(app, world):
    teacher, principal = app.test_client(), app.test_client()
    for client, name in ((teacher, "teacher"), (principal, "principal")):
        client.post("/login", data={"username": name, "password": "correct horse battery"})
    assert "暂无修改记录" in principal.get("/principal/audit").get_data(as_text=True)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    saved = teacher.post(f"/teacher/class/{world.class3.id}", data={
        "subject_id": world.maths.id, "description": "口算练习第3组", "kind": "written", "required": "true",
        "location": "home", "minutes": "15", "set_date": today.isoformat()})
    assert saved.status_code == 303
    trail = principal.get("/principal/audit").get_data(as_text=True)
    assert "登记作业" in trail and "口算练习第3组" in trail

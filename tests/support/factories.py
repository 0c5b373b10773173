"""Small, explicit test worlds: two schools in one district, and one in another district."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session
from werkzeug.security import generate_password_hash

from edulite.models import Assignment, ClassLink, District, HomeworkItem, School, SchoolClass, Subject, User

PASSWORD = "correct horse battery"
# Cheap on purpose: tests sign in hundreds of times; production strength is asserted separately.
TEST_HASH_METHOD = "pbkdf2:sha256:1000"


@dataclass
class World:
    district: District
    other_district: District
    school: School
    other_school: School
    far_school: School
    class3: SchoolClass  # grade 3, headcount 40
    class1: SchoolClass  # grade 1
    class7: SchoolClass  # grade 7
    other_class: SchoolClass  # grade 3 in other_school
    maths: Subject
    chinese: Subject
    english: Subject
    teacher: User  # maths in class3 and class7, chinese in class1
    colleague: User  # chinese and english in class3
    other_teacher: User  # maths in other_class
    principal: User
    other_principal: User
    supervisor: User
    other_supervisor: User
    admin: User
    link: ClassLink  # parent link of class3
    users: dict[str, User] = field(default_factory=dict)


def make_world(session: Session) -> World:
    pw = generate_password_hash(PASSWORD, method=TEST_HASH_METHOD)
    d, d2 = District(name="测试区"), District(name="邻区")
    session.add_all([d, d2])
    session.flush()
    s, s2, s3 = School(name="测试小学", district_id=d.id), School(name="另一小学", district_id=d.id), \
        School(name="邻区中学", district_id=d2.id)
    session.add_all([s, s2, s3])
    session.flush()
    c3 = SchoolClass(school_id=s.id, grade=3, name="三年级(1)班", headcount=40)
    c1 = SchoolClass(school_id=s.id, grade=1, name="一年级(1)班", headcount=40)
    c7 = SchoolClass(school_id=s.id, grade=7, name="初一(1)班", headcount=48)
    oc = SchoolClass(school_id=s2.id, grade=3, name="三年级(1)班", headcount=42)
    maths, chinese, english = Subject(name="数学"), Subject(name="语文"), Subject(name="英语")
    session.add_all([c3, c1, c7, oc, maths, chinese, english])
    session.flush()

    def user(username, role, **kw):
        u = User(username=username, display_name=username.title(), password_hash=pw, role=role, **kw)
        session.add(u)
        session.flush()
        return u

    users = {
        "teacher": user("teacher", "teacher", school_id=s.id),
        "colleague": user("colleague", "teacher", school_id=s.id),
        "other_teacher": user("other_teacher", "teacher", school_id=s2.id),
        "principal": user("principal", "principal", school_id=s.id),
        "other_principal": user("other_principal", "principal", school_id=s2.id),
        "supervisor": user("supervisor", "district", district_id=d.id),
        "other_supervisor": user("other_supervisor", "district", district_id=d2.id),
        "admin": user("admin", "admin"),
    }
    for teacher, klass, subject in [
        ("teacher", c3, maths), ("teacher", c7, maths), ("teacher", c1, chinese),
        ("colleague", c3, chinese), ("colleague", c3, english), ("other_teacher", oc, maths),
    ]:
        session.add(Assignment(teacher_id=users[teacher].id, class_id=klass.id, subject_id=subject.id))
    link = ClassLink(class_id=c3.id, token="test-token-class3-0123456789abcdef")
    session.add(link)
    session.commit()
    return World(d, d2, s, s2, s3, c3, c1, c7, oc, maths, chinese, english,
                 users["teacher"], users["colleague"], users["other_teacher"], users["principal"],
                 users["other_principal"], users["supervisor"], users["other_supervisor"], users["admin"],
                 link, users)


def add_item(session: Session, world: World, *, klass=None, subject=None, teacher=None, day: date,
             minutes: int, kind="written", location="home", required=True, description="练习册",
             due: date | None = None) -> HomeworkItem:
    """Insert an item directly (bypassing services) to set up read-side tests."""
    item = HomeworkItem(class_id=(klass or world.class3).id, subject_id=(subject or world.maths).id,
                        teacher_id=(teacher or world.teacher).id, set_date=day, due_date=due,
                        description=description, kind=kind, location=location, required=required,
                        minutes=minutes)
    session.add(item)
    session.commit()
    return item

"""A realistic demo district: one nine-year school with grades 1–9 and a small second school."""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlmodel import Session, select

from edulite.afterschool.queries import default_term
from edulite.alerts.recompute import recompute_all
from edulite.models import (
    AfterSchoolPlan,
    AfterSchoolSession,
    Assignment,
    ClassDayLoad,
    ClassLink,
    District,
    HomeworkItem,
    HomeworkRevision,
    School,
    SchoolClass,
    SessionClass,
    Subject,
    SurveyAnswer,
    SurveyLink,
    User,
)

CN_DIGITS = "零一二三四五六七八九"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
GIVEN = "明华丽静敏伟芳娜秀英强磊军洋勇艳杰娟涛超霞平刚桂兰玉萍红梅"
# Subjects taught per grade band; those with written homework come first.
SUBJECTS = {
    "1-2": ["语文", "数学", "道德与法治", "体育", "音乐", "美术"],
    "3-6": ["语文", "数学", "英语", "科学", "道德与法治", "体育", "音乐", "美术"],
    "7-9": ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "体育"],
}
DEMO_PASSWORD = "edulite-demo"  # noqa: S105
# check-deploy recognises the demo's accounts by this district (they must never reach production).
DEMO_DISTRICT = "示范区教育局"


@dataclass(frozen=True)
class DemoLogins:
    password: str
    usernames: dict[str, str]
    parent_token: str
    survey_token: str = ""


def class_name(grade: int, number: int) -> str:
    label = f"{CN_DIGITS[grade]}年级" if grade <= 6 else f"初{CN_DIGITS[grade - 6]}"
    return f"{label}({number})班"


def band(grade: int) -> str:
    return "1-2" if grade <= 2 else "3-6" if grade <= 6 else "7-9"


def subjects_for(grade: int) -> list[str]:
    names = list(SUBJECTS[band(grade)])
    if grade == 7:
        names = [n for n in names if n not in ("物理", "化学")]
    if grade == 8:
        names.remove("化学")
    return names


def _school_days(today: date, weeks: int) -> list[date]:
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    days = [monday + timedelta(days=i) for i in range((today - monday).days + 1)]
    return [d for d in days if d.weekday() < 5]


class _Builder:
    def __init__(self, session: Session, rng: random.Random, password_hash: str):
        self.s = session
        self.rng = rng
        self.password_hash = password_hash
        self.subjects: dict[str, Subject] = {}
        self.names_used: set[str] = set()

    def subject(self, name: str) -> Subject:
        if name not in self.subjects:
            found = self.s.exec(select(Subject).where(Subject.name == name)).first()
            self.subjects[name] = found or Subject(name=name)
            self.s.add(self.subjects[name])
            self.s.flush()
        return self.subjects[name]

    def person_name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
            if name not in self.names_used:
                self.names_used.add(name)
                return name

    def user(self, username: str, role: str, **scope) -> User:
        u = User(username=username, display_name=self.person_name(), password_hash=self.password_hash,
                 role=role, **scope)
        self.s.add(u)
        self.s.flush()
        return u


def build_demo(session: Session, *, password_hash: str, today: date, seed: int = 7) -> DemoLogins:
    """Fill an empty database with the demo district; raises if a demo school already exists."""
    if session.exec(select(School).where(School.name == "阳光实验学校")).first():
        raise ValueError("the demo data is already loaded")
    rng = random.Random(seed)
    b = _Builder(session, rng, password_hash)
    district = District(name=DEMO_DISTRICT)
    session.add(district)
    session.flush()
    main = School(name="阳光实验学校", district_id=district.id)
    small = School(name="青松小学", district_id=district.id)
    session.add_all([main, small])
    session.flush()
    logins = {
        "admin": b.user("admin", "admin").username,
        "district": b.user("district", "district", district_id=district.id).username,
        "principal": b.user("principal", "principal", school_id=main.id).username,
    }
    b.user("principal2", "principal", school_id=small.id)
    # The demo teacher also leads grade 3 (年级组长), so the grade view has something to show.
    star = b.user("teacher", "teacher", school_id=main.id, lead_grade=3)
    logins["teacher"] = star.username
    classes = _classes(session, main, range(1, 10), rng) + _classes(session, small, range(1, 7), rng, per_grade=1)
    counter = iter(range(1, 10_000))
    for school in (main, small):
        _assign_teachers(b, school, [c for c in classes if c.school_id == school.id], star, counter)
    session.flush()
    days = _school_days(today, weeks=4)
    for c in classes:
        _homework(b, c, days, today)
    _after_school(session, main, [c for c in classes if c.school_id == main.id], days, rng, star, today)
    tokens = {}
    for c in classes:
        link = ClassLink(class_id=c.id, token=secrets.token_urlsafe(24))
        session.add(link)
        tokens[c.name, c.school_id] = link.token
    session.flush()
    survey_tokens = _survey(session, classes, days, rng)
    for school in (main, small):
        # The inbox should open full, as it would after four weeks of teachers' saves.
        recompute_all(session, school_id=school.id, start=days[0], end=today + timedelta(days=1))
    return DemoLogins(DEMO_PASSWORD, logins, tokens[class_name(3, 1), main.id],
                      survey_tokens[class_name(3, 1), main.id])


# Classes whose families report well over the logged minutes (R-SV-01), and one whose teacher asks
# parents to check homework (R-SV-02), so the survey's pages show something on first start (#13).
SURVEY_UNDERESTIMATED = {(3, 1), (5, 2), (7, 2)}
SURVEY_PARENTS_CHECK = {(4, 1)}


def _survey(session: Session, classes: list[SchoolClass], days: list[date], rng: random.Random) -> dict:
    """A survey link per class and four weeks of anonymous answers: 6 to 12 families an evening."""
    tokens = {}
    logged = {(r.class_id, r.day): (r.counted, r.cap) for r in session.exec(select(ClassDayLoad)).all()}
    for c in classes:
        link = SurveyLink(class_id=c.id, token=secrets.token_urlsafe(24))
        session.add(link)
        tokens[c.name, c.school_id] = link.token
        number = int(c.name.split("(")[1].split(")")[0])
        under = (c.grade, number) in SURVEY_UNDERESTIMATED and c.school_id == classes[0].school_id
        checks = (c.grade, number) in SURVEY_PARENTS_CHECK and c.school_id == classes[0].school_id
        junior = c.grade >= 7
        for day in days:
            counted, cap = logged.get((c.id, day), (0, 0))
            for n in range(rng.randint(6, 12)):
                factor = rng.uniform(1.3, 1.7) if under else rng.uniform(0.8, 1.15)
                minutes = max(0, min(360, round(counted * factor + rng.randint(-5, 10)))) if counted else rng.choice(
                    (0, 0, 0, 0, 0, 10))
                late = minutes > cap + 20 or rng.random() < 0.03
                bands = ("22:00", "22:30", "23:00") if junior else ("21:00", "21:30", "22:00")
                session.add(SurveyAnswer(
                    class_id=c.id, school_id=c.school_id, evening=day, device=f"demo-{c.id}-{day}-{n}",
                    minutes=minutes, finished=not late, bedtime=bands[1 if late else 0] if rng.random() > 0.02
                    else bands[2], asked_to_check=rng.random() < (0.2 if checks else 0.005),
                    phone_used=rng.random() < 0.04))
    session.flush()
    return tokens


def _classes(session, school, grades, rng, per_grade=None) -> list[SchoolClass]:
    out = []
    for grade in grades:
        for n in range(1, (per_grade or (3 if grade in (3, 7) else 2)) + 1):
            size = rng.randint(38, 45) if grade <= 6 else rng.randint(42, 50)
            if school.name == "阳光实验学校" and grade == 8 and n == 2:
                size = 53  # one oversize junior class, so R-CL-01 has something to show
            c = SchoolClass(school_id=school.id, grade=grade, name=class_name(grade, n), headcount=size)
            session.add(c)
            out.append(c)
    session.flush()
    return out


def _assign_teachers(b: _Builder, school: School, classes: list[SchoolClass], star: User, counter) -> None:
    """Main subjects get a teacher per class, the others one per grade; the demo teacher gets maths in 三年级."""
    per_grade: dict[tuple[int, str], User] = {}
    for c in classes:
        for name in subjects_for(c.grade):
            subject = b.subject(name)
            star_teaches = name == "数学" or (name == "科学" and "(1)" in c.name)
            if school.id == star.school_id and c.grade == 3 and star_teaches:
                teacher = star
            elif name in ("语文", "数学", "英语"):
                teacher = b.user(f"t{school.id}{next(counter):03d}", "teacher", school_id=school.id)
            else:
                key = (c.grade, name)
                if key not in per_grade:
                    per_grade[key] = b.user(f"t{school.id}{next(counter):03d}", "teacher", school_id=school.id)
                teacher = per_grade[key]
            b.s.add(Assignment(teacher_id=teacher.id, class_id=c.id, subject_id=subject.id))


WRITTEN = {
    "语文": ["完成练习册第{n}页", "写一篇小练笔：我的周末", "课时作业：第{n}课生字词", "阅读理解练习一篇"],
    "数学": ["口算练习第{n}组", "练习册第{n}页第1-4题", "完成课本第{n}页习题", "应用题三道"],
    "英语": ["Unit {n} 单词默写准备", "练习册 Unit {n}", "完成英语书面表达一篇"],
    "物理": ["课后习题第{n}节", "完成实验报告"], "化学": ["方程式练习第{n}组"], "生物": ["填写第{n}章知识梳理"],
    "历史": ["完成第{n}课填空"], "地理": ["绘制第{n}章地图"], "科学": ["观察记录表第{n}页"],
    "道德与法治": ["完成第{n}课练习"],
}
ORAL = {"语文": "朗读课文第{n}课", "英语": "跟读 Unit {n} 课文", "数学": "和同学说一说解题思路"}
BANNED = ["完成练习册第{n}页，请家长检查并签字", "生字抄写10遍", "错题罚抄三遍"]


def _homework(b: _Builder, c: SchoolClass, days: list[date], today: date) -> None:
    rng = b.rng
    assignments = b.s.exec(
        select(Assignment, Subject.name).join(Subject, Subject.id == Assignment.subject_id)
        .where(Assignment.class_id == c.id)
    ).all()
    by_subject = {name: a for a, name in assignments}
    written_subjects = [s for s in subjects_for(c.grade) if s in WRITTEN]
    for day in days:
        if day == today and rng.random() < 0.5:
            continue  # teachers log during the afternoon: some of today's entries are not in yet
        heavy = rng.random() < 0.04  # a few over-cap days per class over four weeks
        todays = written_subjects[: 3 if c.grade <= 6 else 4]
        for name in todays:
            a = by_subject.get(name)
            if a is None:
                continue
            text = rng.choice(WRITTEN[name]).format(n=rng.randint(2, 40))
            if rng.random() < 0.01:
                text = rng.choice(BANNED).format(n=rng.randint(2, 40))
            if c.grade <= 2:
                # R-HW-01: written practice stays in class; one slip to show the alert.
                location, minutes = ("home", 10) if rng.random() < 0.02 else ("class", rng.choice((10, 15)))
            elif c.grade <= 6:
                location, minutes = "home", rng.choice((10, 15, 15, 20)) + (10 if heavy else 0)
            else:
                location, minutes = "home", rng.choice((10, 15, 20, 20)) + (10 if heavy else 0)
            _item(b, c, a, name, day, text, "written", location, minutes)
        for name, text in ORAL.items():
            if name in by_subject and rng.random() < 0.5:
                _item(b, c, by_subject[name], name, day, text.format(n=rng.randint(2, 30)), "oral", "home", 10)
        if "体育" in by_subject and rng.random() < 0.4:
            _item(b, c, by_subject["体育"], "体育", day, "跳绳 10 分钟", "exercise", "home", 10)


def _item(b, c, a, subject_name, day, text, kind, location, minutes) -> None:
    item = HomeworkItem(class_id=c.id, subject_id=a.subject_id, teacher_id=a.teacher_id, set_date=day,
                        description=text, kind=kind, location=location, minutes=minutes,
                        required=not (kind == "oral" and b.rng.random() < 0.3),
                        graded=kind == "written" and b.rng.random() < 0.85)
    b.s.add(item)
    b.s.flush()
    snapshot = {"description": text, "kind": kind, "location": location, "minutes": minutes,
                "required": item.required, "subject": subject_name, "set_date": day.isoformat()}
    b.s.add(HomeworkRevision(item_id=item.id, version=1, action="create", changed_by=a.teacher_id,
                             snapshot=json.dumps(snapshot, ensure_ascii=False)))


def _after_school(session, school, classes, days, rng, teacher, today) -> None:
    """The term plan; past sessions logged by the demo teacher, today's only planned; one ends late."""
    term_start, term_end = default_term(today)
    for weekday in range(5):
        session.add(AfterSchoolPlan(school_id=school.id, valid_from=min(term_start, days[0]), valid_to=term_end,
                                    weekday=weekday, start=time(15, 40), end=time(17, 40),
                                    activities="supervised_homework,reading,sports,arts,clubs,science"))
    activities = ["supervised_homework", "reading", "sports", "arts", "clubs", "science", "tutoring"]
    for day in days:
        end = time(17, 40)
        if rng.random() < 0.06:
            end = time(17, 15)  # R-AS-02: a few sessions end too early
        if len(days) > 3 and day == days[-3]:
            end = time(18, 15)  # and one ends late, so the principal's week always has a breach to show
        activity = "new_lesson" if rng.random() < 0.03 else rng.choice(activities)
        logged = day < today
        s = AfterSchoolSession(school_id=school.id, day=day, start=time(15, 40), end=end, activity=activity,
                               teacher_id=teacher.id if logged else None)
        session.add(s)
        session.flush()
        for c in classes if logged else ():
            session.add(SessionClass(session_id=s.id, class_id=c.id,
                                     pupils=int(c.headcount * rng.uniform(0.6, 0.95))))

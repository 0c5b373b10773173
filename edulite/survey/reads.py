"""The survey's figures as pages, exports and the CLI show them (#13): always aggregates, never answers.

Each answer is judged against its own class-evening: the cap and the teachers' counted minutes come
from the class-evening loads (the same homework.loads every page uses), the bedtime from the policy then
in force. The floor (R-SV-00, policy survey_min_answers) is applied by core.survey_rules.figures.
Statements do not grow with classes or answers: the answers, the loads and the policy are read once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from edulite.core import rule_ids
from edulite.core.policy import bedtime_for
from edulite.core.survey_rules import Answer, Figures, figures
from edulite.homework import loads
from edulite.homework.loads import ClassInfo
from edulite.models import Alert, SurveyAnswer

# The teacher's sentence looks back this far (#13: "over the last 4 weeks").
TEACHER_DAYS = 28


@dataclass(frozen=True)
class ClassFigures:
    klass: ClassInfo
    figures: Figures


@dataclass(frozen=True)
class SurveySpan:
    """A school's figures over [start, end): per class, per grade and for the school, with the floor."""

    start: date
    end: date
    floor: int
    classes: tuple[ClassFigures, ...]
    grades: dict[int, Figures]
    school: Figures
    caps: dict[int, int]  # each class's school-day cap at the start, for the chart's cap lines


def answers(session: Session, *, school_id: int, start: date, end: date,
            class_ids: list[int] | None = None) -> tuple[list[Answer], list[loads.ClassLoads]]:
    """The answers of [start, end) with each class-evening's cap, bedtime and logged minutes."""
    query = select(SurveyAnswer).where(SurveyAnswer.school_id == school_id, SurveyAnswer.evening >= start,
                                       SurveyAnswer.evening < end)
    if class_ids is not None:
        query = query.where(col(SurveyAnswer.class_id).in_(class_ids))
    rows = session.exec(query).all()
    class_loads = loads.class_loads(session, school_id=school_id, start=start, end=end, class_ids=class_ids)
    days = {(cl.klass.class_id, d.date): (cl.klass.grade, d) for cl in class_loads for d in cl.days}
    periods = loads.policy_periods(session, school_id=school_id, start=start, end=end)
    out = []
    for row in rows:
        found = days.get((row.class_id, row.evening))
        if found is None:  # a class no longer taught
            continue
        grade, day = found
        policy = next(p for a, b, p in periods if a <= row.evening < b)
        revision = int(row.updated_at.timestamp() * 1000) if row.updated_at else 0
        out.append(Answer(row.class_id, row.evening, row.device, row.minutes, row.finished, row.bedtime,
                          row.asked_to_check, row.phone_used, day.cap, bedtime_for(policy, grade), day.counted,
                          grade, revision))
    return out, class_loads


def floor_of(session: Session, *, school_id: int, day: date) -> int:
    return loads.policy_in_force(session, school_id=school_id, day=day).survey_min_answers


def span(session: Session, *, school_id: int, start: date, end: date) -> SurveySpan:
    """Every figure of the school over [start, end): one per class, one per grade, one for the school."""
    found, class_loads = answers(session, school_id=school_id, start=start, end=end)
    floor = floor_of(session, school_id=school_id, day=start)
    by_class: dict[int, list[Answer]] = {}
    by_grade: dict[int, list[Answer]] = {}
    for a in found:
        by_class.setdefault(a.class_id, []).append(a)
        by_grade.setdefault(a.grade, []).append(a)
    classes = tuple(ClassFigures(cl.klass, figures(by_class.get(cl.klass.class_id, ()), floor=floor))
                    for cl in class_loads)
    grades = {grade: figures(by_grade.get(grade, ()), floor=floor)
              for grade in sorted({cl.klass.grade for cl in class_loads})}
    caps = {cl.klass.class_id: cl.days[0].cap for cl in class_loads if cl.days}
    return SurveySpan(start, end, floor, classes, grades, figures(found, floor=floor), caps)


def week_alerts(session: Session, *, school_id: int, week: date) -> list[Alert]:
    """The week's current R-SV alerts, for the week page (the inbox has them too)."""
    return list(session.exec(select(Alert).where(
        Alert.school_id == school_id, col(Alert.rule_id).in_(rule_ids.SURVEY_RULES), Alert.day == week,
        col(Alert.current).is_(True)).order_by(col(Alert.rule_id), col(Alert.class_id))).all())


def teacher_figures(session: Session, *, school_id: int, class_id: int, today: date) -> Figures:
    """The class's figures over the last four weeks, for the sentence beside the budget meter."""
    start = today - timedelta(days=TEACHER_DAYS - 1)
    found, _loads = answers(session, school_id=school_id, start=start, end=today + timedelta(days=1),
                            class_ids=[class_id])
    return figures(found, floor=floor_of(session, school_id=school_id, day=today))


def figure_row(f: Figures) -> dict:
    """One figure set as plain data (JSON, CSV): None stands for "too few answers"."""
    return {"answers": f.answers, "too_few_answers": not f.enough, "on_time_percent": f.on_time,
            "median_minutes": f.median, "p90_minutes": f.p90, "bedtime_kept_percent": f.bedtime_kept,
            "finished_percent": f.finished, "asked_to_check_percent": f.asked_to_check,
            "phone_used_percent": f.phone_used, "logged_median_minutes": f.logged_median,
            "reported_to_logged": f.ratio}


def span_rows(s: SurveySpan) -> list[dict]:
    """The school, each grade and each class as rows: what the CLI prints and the export writes."""
    rows = [{"scope": "school", "class": None, "grade": None, **figure_row(s.school)}]
    rows += [{"scope": "grade", "class": None, "grade": g, **figure_row(f)} for g, f in s.grades.items()]
    rows += [{"scope": "class", "class": c.klass.name, "grade": c.klass.grade, **figure_row(c.figures)}
             for c in s.classes]
    return rows


SURVEY_COLUMNS = ("scope", "class", "grade", "answers", "too_few_answers", "on_time_percent", "median_minutes",
                  "p90_minutes", "bedtime_kept_percent", "finished_percent", "asked_to_check_percent",
                  "phone_used_percent", "logged_median_minutes", "reported_to_logged")


def export_rows(session: Session, *, school_id: int, start: date, end: date,
                class_ids: list[int] | None = None) -> list[dict]:
    """The export's survey sheet: the same rows as the CLI (aggregates only; none under the floor).
    With a class chosen, only that class's row."""
    rows = span_rows(span(session, school_id=school_id, start=start, end=end))
    if class_ids is None:
        return rows
    names = {c.name for c in loads.classes(session, school_id=school_id, class_ids=class_ids)}
    return [r for r in rows if r["scope"] == "class" and r["class"] in names]

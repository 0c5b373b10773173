"""All database tables (SQLModel) and the non-table input models that validate before a row is built."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Column, Index, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from edulite.core.rules import last_evening

ROLES = ("teacher", "principal", "district", "admin")
ALERT_STATES = ("open", "acknowledged", "resolved")


def utcnow() -> datetime:
    return datetime.now(UTC)


class District(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)


class School(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    name: str = Field(max_length=100, unique=True)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    digest_email: str | None = Field(default=None, max_length=320)
    webhook_url: str | None = Field(default=None, max_length=500)


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    grade: int
    name: str = Field(max_length=50)
    headcount: int = 0
    active: bool = True


class Subject(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=30, unique=True)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=64)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=16)
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    # A teacher who leads a grade sees that grade's classes (年级组长).
    lead_grade: int | None = None
    active: bool = True
    # Bumped on sign-out, password change and disable so that old session cookies stop working.
    session_version: int = 1
    locale: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(default_factory=utcnow)
    # Set with every one-time password (create-user, reset-password, roster import, the accounts
    # pages): the holder must choose their own before anything else (#15, #17).
    must_change_password: bool = False


class Assignment(SQLModel, table=True):
    """A teacher teaches a subject in a class; one teacher per class and subject."""

    __table_args__ = (UniqueConstraint("class_id", "subject_id"),)
    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="user.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    subject_id: int = Field(foreign_key="subject.id")


class HomeworkItem(SQLModel, table=True):
    __tablename__ = "homework_item"
    # Every load query filters by class and date range.
    __table_args__ = (Index("ix_homework_item_class_set_date", "class_id", "set_date"),)
    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    subject_id: int = Field(foreign_key="subject.id")
    teacher_id: int = Field(foreign_key="user.id")
    set_date: date = Field(index=True)
    due_date: date | None = None
    # The last evening the item is done on (derived from the dates, kept by an ORM event below) so
    # that SQL can pick single-evening items to sum and multi-evening ones to spread.
    last_evening: date | None = Field(default=None, index=True)
    description: str = Field(default="", max_length=500)
    kind: str = Field(default="written", max_length=16)
    required: bool = True
    location: str = Field(default="home", max_length=16)
    minutes: int = 0
    # "No homework today" (作业：无) is published as an item with no minutes.
    no_homework: bool = False
    graded: bool = False
    withdrawn: bool = False
    over_cap_reason: str | None = Field(default=None, max_length=300)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ClassDayLoad(SQLModel, table=True):
    """One class's homework on one evening, kept by the writes (edulite.homework.summary).

    A week, a term and a district read these rows instead of the items: a class-evening is a row
    whatever the number of items. day_kind, cap and over follow the calendar and the policy in force
    on the day, and are refreshed when either changes.
    """

    __tablename__ = "class_day_load"
    # The second index covers the district's grouped count (an index-only scan on PostgreSQL).
    __table_args__ = (Index("ix_class_day_load_school_day", "school_id", "day"),
                      Index("ix_class_day_load_day_school", "day", "school_id", "class_id", "over", "logged",
                            "day_kind"))
    class_id: int = Field(foreign_key="school_class.id", primary_key=True)
    day: date = Field(primary_key=True)
    school_id: int = Field(foreign_key="school.id")
    grade: int
    day_kind: str = Field(max_length=16)
    cap: int
    counted: int = 0
    over: bool = False
    # Counted minutes per subject, and every live minute per kind, as JSON objects.
    by_subject: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    by_kind: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    # Entries set on this day: any at all ("no homework" included), written ones, written and graded.
    logged: bool = False
    written: int = 0
    graded: int = 0


class DataVersion(SQLModel, table=True):
    """A school's data version: bumped by every write that touches the school (edulite.school.versions).

    Pages cache what they computed under the version they read, so a cache is never stale: the next
    write changes the version and so the cache key.
    """

    __tablename__ = "data_version"
    school_id: int = Field(foreign_key="school.id", primary_key=True)
    version: int = 0


class HomeworkRevision(SQLModel, table=True):
    """One row per save of an item: edits and withdrawals never overwrite history."""

    __tablename__ = "homework_revision"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="homework_item.id", index=True)
    version: int
    action: str = Field(max_length=16)
    changed_by: int = Field(foreign_key="user.id")
    changed_at: datetime = Field(default_factory=utcnow)
    snapshot: str = Field(sa_column=Column(Text, nullable=False))


class PolicyVersion(SQLModel, table=True):
    """A district default (school_id empty) or a school override, in force from a date."""

    __tablename__ = "policy_version"
    id: int | None = Field(default=None, primary_key=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    effective_from: date
    data: str = Field(sa_column=Column(Text, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class CalendarDay(SQLModel, table=True):
    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("school_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    day: date
    kind: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=100)


class NationalDay(SQLModel, table=True):
    """A statutory holiday or adjusted working day (调休) of the national calendar, loaded from the
    `holidays` library by `flask edulite update-holidays`: the default every school's calendar starts
    from; a school's own CalendarDay of the same date wins (#14)."""

    __tablename__ = "national_day"
    day: date = Field(primary_key=True)
    kind: str = Field(max_length=16)  # holiday or school_day (a weekend made a working day)
    name: str = Field(default="", max_length=100)


class AfterSchoolPlan(SQLModel, table=True):
    """One weekday of a school's after-school plan for a term (一校一案)."""

    __tablename__ = "after_school_plan"
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    valid_from: date
    valid_to: date
    weekday: int
    start: time
    end: time
    activities: str = Field(default="", max_length=200)


class AfterSchoolSession(SQLModel, table=True):
    __tablename__ = "after_school_session"
    # Covers the district's count of a week's sessions per school and day (an index-only scan).
    __table_args__ = (Index("ix_after_school_session_day_school_end", "day", "school_id", "end"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    day: date = Field(index=True)
    start: time
    end: time
    activity: str = Field(max_length=32)
    teacher_id: int | None = Field(default=None, foreign_key="user.id")
    note: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SessionClass(SQLModel, table=True):
    __tablename__ = "session_class"
    session_id: int = Field(foreign_key="after_school_session.id", primary_key=True)
    class_id: int = Field(foreign_key="school_class.id", primary_key=True)
    pupils: int = 0


class Alert(SQLModel, table=True):
    """A rule breach found by the engine; stored so that a principal's action survives recomputation."""

    __table_args__ = (UniqueConstraint("school_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_class.id", index=True)
    key: str = Field(max_length=200)
    rule_id: str = Field(max_length=16, index=True)
    day: date | None = Field(default=None, index=True)
    figure: str = Field(default="", max_length=100)
    limit: str | None = Field(default=None, max_length=100)
    detail: str = Field(default="", max_length=500)
    item_id: int | None = Field(default=None, foreign_key="homework_item.id")
    subject: str | None = Field(default=None, max_length=30)
    state: str = Field(default="open", max_length=16)
    # False once recomputation no longer finds the breach; kept for the record.
    current: bool = True
    note: str | None = Field(default=None, max_length=1000)
    acted_by: int | None = Field(default=None, foreign_key="user.id")
    acted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # When recomputation last stopped finding the breach, whose write did it and why (a CLEAR_CAUSES
    # code); kept when the breach is found again, so the alert's life stays readable (#14).
    cleared_at: datetime | None = None
    cleared_by: int | None = Field(default=None, foreign_key="user.id")
    cleared_cause: str | None = Field(default=None, max_length=16)


class ClassLink(SQLModel, table=True):
    """The unguessable, revocable token behind a class's parent page."""

    __tablename__ = "class_link"
    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    token: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class InspectionRecord(SQLModel, table=True):
    """The weekly homework inspection record (作业检查记录) a principal signs off."""

    __tablename__ = "inspection_record"
    __table_args__ = (UniqueConstraint("school_id", "week_start"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    week_start: date
    findings: str = Field(default="", sa_column=Column(Text, nullable=False))
    figures: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    signed_by: int | None = Field(default=None, foreign_key="user.id")
    signed_at: datetime | None = None
    # Ticked "sign early": signed before the week's last school day was over (#14).
    signed_early: bool = False


class RecordAddendum(SQLModel, table=True):
    """A principal's signed note on changes made to a week after its record was signed (补充说明, #14).

    figures: the week's figures at the addendum, which later changes are compared with; changes: the
    class-days that differed (class, day, before, after) when it was signed.
    """

    __tablename__ = "record_addendum"
    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="inspection_record.id", index=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    figures: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    changes: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    signed_by: int = Field(foreign_key="user.id")
    signed_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Append-only: who changed what, when, from what to what."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: int | None = None
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))


class DigestDelivery(SQLModel, table=True):
    """One digest per school, day and channel; failed ones are retried on the next run."""

    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("school_id", "day", "channel"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id")
    day: date
    channel: str = Field(max_length=16)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = None


@event.listens_for(HomeworkItem, "before_insert")
@event.listens_for(HomeworkItem, "before_update")
def _set_last_evening(_mapper, _connection, item: HomeworkItem) -> None:
    item.last_evening = last_evening(item.set_date, item.due_date)


class SchoolDayLoad(SQLModel, table=True):
    """One school's class-evenings of one day, counted: kept beside class_day_load by the same writes
    (edulite.homework.school_days), so that the district reads a row per school and day, not per class."""

    __tablename__ = "school_day_load"
    # Covers the district's grouped read of a week (an index-only scan on PostgreSQL).
    __table_args__ = (Index("ix_school_day_load_day_school", "day", "school_id", "over", "logged"),)
    school_id: int = Field(foreign_key="school.id", primary_key=True)
    day: date = Field(primary_key=True)
    over: int = 0  # active classes over their cap, on a school day
    logged: int = 0  # active classes with anything logged for the evening


class SchoolClassCount(SQLModel, table=True):
    """A school's active classes, counted: kept by the writes that open, close or add a class
    (edulite.school.counts), so that the district reads a row per school, not 7,000 classes (ADR 0018)."""

    __tablename__ = "school_class_count"
    school_id: int = Field(foreign_key="school.id", primary_key=True)
    active: int = 0


class SchoolServiceDay(SQLModel, table=True):
    """A school's after-school sessions of one day, counted, and when the day's service ends (its last
    session): kept by the writes to sessions (edulite.school.counts) for the district overview (ADR 0018)."""

    __tablename__ = "school_service_day"
    # Covers the district's read of a week (an index-only scan on PostgreSQL).
    __table_args__ = (Index("ix_school_service_day_day_school", "day", "school_id", "sessions", "last_end"),)
    school_id: int = Field(foreign_key="school.id", primary_key=True)
    day: date = Field(primary_key=True)
    sessions: int = 0
    last_end: time


class SurveyLink(SQLModel, table=True):
    """The unguessable, revocable token behind a class's anonymous homework-time survey (#13).

    Its own token, not the parent page's: replacing one link must not break the other's printed QR code.
    """

    __tablename__ = "survey_link"
    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    token: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class SurveyAnswer(SQLModel, table=True):
    """One family's answer about one evening of one class. Anonymous: device is a keyed hash of a random
    cookie (never the cookie itself), and no address, user agent, name or free text is stored.
    A new answer from the same device for the same class and evening replaces the old one (the unique key)."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("class_id", "evening", "device"),
                      Index("ix_survey_answer_school_evening", "school_id", "evening"))
    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="school_class.id")
    school_id: int = Field(foreign_key="school.id")
    evening: date
    device: str = Field(max_length=64)
    minutes: int
    finished: bool  # finished before the bedtime of R-HW-10
    bedtime: str = Field(max_length=5)  # the band the child was in bed by, "HH:MM", or "later"
    asked_to_check: bool  # R-HW-06
    phone_used: bool  # R-HW-12
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SurveyClosure(SQLModel, table=True):
    """A principal closed the survey of one class (class_id set) or of the whole school (class_id empty).

    Reopening deletes the row; the audit trail keeps who closed and reopened what and when."""

    __tablename__ = "survey_closure"
    __table_args__ = (UniqueConstraint("school_id", "scope"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    # "school" or "class:<id>", so that the unique key works where class_id would be NULL.
    scope: str = Field(max_length=32)
    class_id: int | None = Field(default=None, foreign_key="school_class.id")
    closed_by: int | None = Field(default=None, foreign_key="user.id")
    closed_at: datetime = Field(default_factory=utcnow)
class DeviceLogin(SQLModel, table=True):
    """A phone remembered at sign-in ("remember this phone", #15): it signs its user in again without the
    password until it is signed out, its user's password changes or the account is disabled.

    Only a hash of its token is stored: a copy of this table signs nobody in.
    """

    __tablename__ = "device_login"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # What the owner recognises it by in the list: the browser's own description, shortened.
    label: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None

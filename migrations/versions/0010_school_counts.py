"""Per-school counts for the district overview (ADR 0018, #12): active classes per school, and after-school
sessions per school and day with the end of the day's service, kept by the writes (edulite.school.counts).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_class_count",
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("school_id"),
    )
    op.create_table(
        "school_service_day",
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("last_end", sa.Time(), nullable=False),
        sa.PrimaryKeyConstraint("school_id", "day"),
    )
    # Covers the district's read of a week, so PostgreSQL answers it from the index alone.
    op.create_index("ix_school_service_day_day_school", "school_service_day", ["day", "school_id", "sessions",
                                                                               "last_end"])
    # Fill from the classes and sessions, with the same code that keeps the rows afterwards.
    from sqlmodel import Session

    from edulite.school import counts

    with Session(bind=op.get_bind()) as session:
        counts.rebuild(session)
        session.flush()
    if op.get_bind().dialect.name == "postgresql":
        # Statistics now, not at autovacuum's next pass: the overview's plan depends on them.
        op.execute("ANALYZE school_class_count, school_service_day")


def downgrade() -> None:
    op.drop_index("ix_school_service_day_day_school", table_name="school_service_day")
    op.drop_table("school_service_day")
    op.drop_table("school_class_count")

"""Per school-day counts kept beside the class-evening summaries (school_day_load), filled from them:
the district overview reads a row per school and day (#12); an index covering its count of sessions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_day_load",
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("over", sa.Integer(), nullable=False),
        sa.Column("logged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("school_id", "day"),
    )
    # Covers the district's grouped read of a week, so PostgreSQL answers it from the index alone.
    op.create_index("ix_school_day_load_day_school", "school_day_load", ["day", "school_id", "over", "logged"])
    op.create_index("ix_after_school_session_day_school_end", "after_school_session", ["day", "school_id", "end"])
    # Fill from the class-evening rows, with the same code that keeps the rows afterwards.
    from sqlmodel import Session

    from edulite.homework import school_days

    with Session(bind=op.get_bind()) as session:
        school_days.rebuild(session)
        session.flush()


def downgrade() -> None:
    op.drop_index("ix_after_school_session_day_school_end", table_name="after_school_session")
    op.drop_index("ix_school_day_load_day_school", table_name="school_day_load")
    op.drop_table("school_day_load")

"""Class-evening summaries kept by the writes (class_day_load), filled from the existing items, and
each school's data version (data_version), which page caches key on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_day_load",
        sa.Column("class_id", sa.Integer(), sa.ForeignKey("school_class.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("day_kind", sa.String(length=16), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("over", sa.Boolean(), nullable=False),
        sa.Column("by_subject", sa.Text(), nullable=False),
        sa.Column("by_kind", sa.Text(), nullable=False),
        sa.Column("logged", sa.Boolean(), nullable=False),
        sa.Column("written", sa.Integer(), nullable=False),
        sa.Column("graded", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("class_id", "day"),
    )
    op.create_index("ix_class_day_load_school_day", "class_day_load", ["school_id", "day"])
    # Covers the district's grouped count, so PostgreSQL answers it from the index alone.
    op.create_index("ix_class_day_load_day_school", "class_day_load",
                    ["day", "school_id", "class_id", "over", "logged", "day_kind"])
    op.create_table(
        "data_version",
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("school_id"),
    )
    # Fill from what is already there, with the same code that keeps the rows afterwards.
    from sqlmodel import Session

    from edulite.homework import summary

    with Session(bind=op.get_bind()) as session:
        session.info["edulite_school_days_not_yet"] = True  # school_day_load comes in 0004, filled there
        summary.rebuild(session)
        session.flush()


def downgrade() -> None:
    op.drop_table("data_version")
    op.drop_index("ix_class_day_load_day_school", table_name="class_day_load")
    op.drop_index("ix_class_day_load_school_day", table_name="class_day_load")
    op.drop_table("class_day_load")

"""Cleared alerts keep who cleared them, when and why; records know when they were signed early, and
addenda signed for changes made after signing; the national calendar of statutory holidays and 调休
working days that schools' calendars start from (#14).

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("cleared_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("cleared_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cleared_cause", sa.String(length=16), nullable=True))
        batch.create_foreign_key("fk_alert_cleared_by_user", "user", ["cleared_by"], ["id"])
    with op.batch_alter_table("inspection_record") as batch:
        batch.add_column(sa.Column("signed_early", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "record_addendum",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("inspection_record.id"), nullable=False),
        sa.Column("school_id", sa.Integer(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("signed_by", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_record_addendum_record_id", "record_addendum", ["record_id"])
    op.create_table(
        "national_day",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
    )
    op.create_index("ix_record_addendum_school_id", "record_addendum", ["school_id"])


def downgrade() -> None:
    op.drop_table("national_day")
    op.drop_index("ix_record_addendum_school_id", table_name="record_addendum")
    op.drop_index("ix_record_addendum_record_id", table_name="record_addendum")
    op.drop_table("record_addendum")
    with op.batch_alter_table("inspection_record") as batch:
        batch.drop_column("signed_early")
    with op.batch_alter_table("alert") as batch:
        batch.drop_constraint("fk_alert_cleared_by_user", type_="foreignkey")
        batch.drop_column("cleared_cause")
        batch.drop_column("cleared_by")
        batch.drop_column("cleared_at")

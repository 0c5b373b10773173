"""One-time passwords must be changed at first sign-in: user.must_change_password (#15, #17); phones
remembered at sign-in: device_login (#15).

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing accounts keep working as they are: nobody is forced to change a password they chose.
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "device_login",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_device_login_user_id", "device_login", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_device_login_user_id", table_name="device_login")
    op.drop_table("device_login")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("must_change_password")

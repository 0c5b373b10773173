"""The audit trail cannot be emptied with TRUNCATE on PostgreSQL (#17).

Row triggers (0002) do not fire on TRUNCATE, which the table's owner could run. A statement trigger
refuses it with the same message. SQLite has no TRUNCATE (DELETE without WHERE is caught by 0002).
The role the app connects as should not own the tables at all: docs/SECURITY.md ("Audit trail on
PostgreSQL") and `flask edulite pg-grants` give it only what it needs, so it can neither drop this
trigger nor truncate.

Revision ID: 0009
Revises: 0003
Create Date: 2026-11-30
"""
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # audit_entry_append_only() (0002) raises whatever the event; a statement trigger may call it too.
    op.execute("""
        CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_entry_no_truncate ON audit_entry")

"""The PostgreSQL grants of the role Edulite runs as, separate from the role that owns the tables (#17).

The owner (which runs `flask edulite init` / `upgrade`) owns every table and the audit triggers; the app
role may read and write the data tables, only read and append to the audit trail, and own nothing: it
cannot TRUNCATE, DROP or ALTER a table or its triggers. Pure: names in, SQL text out.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grants_sql(*, app_role: str, schema: str = "public", owner: str | None = None) -> str:
    """GRANT statements for app_role on schema; re-run them after each `upgrade` that adds a table.

    With `owner`, default privileges make tables the owner creates later readable and writable too
    (the audit trail's rights are set explicitly above them either way).
    """
    for name in (app_role, schema, owner or "x"):
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a plain PostgreSQL name: {name!r}")
    lines = [
        f"GRANT USAGE ON SCHEMA {schema} TO {app_role};",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {app_role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app_role};",
        # The audit trail: read and append only. No UPDATE/DELETE (the triggers refuse them anyway), and
        # no TRUNCATE, which is never in the list above.
        f"REVOKE UPDATE, DELETE ON {schema}.audit_entry FROM {app_role};",
        f"REVOKE ALL ON {schema}.alembic_version FROM {app_role};",
        f"GRANT SELECT ON {schema}.alembic_version TO {app_role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app_role};",
    ]
    if owner:
        lines += [
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_role};",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {app_role};",
        ]
    return "\n".join(lines)

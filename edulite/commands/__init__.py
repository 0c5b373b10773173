"""Command modules beyond the basics in edulite/cli.py; each adds its commands to `edulite_cli` (base.py)."""

from edulite.commands import (  # noqa: F401
    accounts,
    afterschool,
    calendar,
    digest,
    imports,
    ops,
    rules,
    summaries,
    survey,  # noqa: F401
)

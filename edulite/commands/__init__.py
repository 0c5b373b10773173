"""Command modules beyond the basics in edulite/cli.py; each adds its commands to `edulite_cli` (base.py)."""

from edulite.commands import accounts, afterschool, calendar, digest, imports, ops, rules, summaries  # noqa: F401

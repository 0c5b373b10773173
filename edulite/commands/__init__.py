"""Command modules beyond the basics in edulite/cli.py; each adds its commands to `edulite_cli`.

Add a module here and import it below: imports, rules, operations (backup, check-deploy), digest.
"""

from edulite.commands import digest, rules  # noqa: E402,F401

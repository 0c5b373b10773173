"""Command modules beyond the basics in edulite/cli.py; each adds its commands to `edulite_cli`.

Add a module here and import it below: imports, rules, operations (backup, check-deploy), digest.
"""

import edulite.commands.ops  # noqa: F401
from edulite.commands import rules  # noqa: E402,F401

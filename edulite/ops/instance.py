"""`python -m edulite.ops.instance`: give this install its own secret key, once, before the app first starts.

It needs no configured app, because the app refuses to start without a real secret key.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from edulite import ROOT

INSTANCE = ROOT / "instance"


def ensure_config(instance: Path = INSTANCE) -> Path | None:
    """Write instance/config.py with a random SECRET_KEY unless it exists; return the path if written."""
    path = instance / "config.py"
    if path.exists():
        return None
    instance.mkdir(parents=True, exist_ok=True)
    path.write_text(f'SECRET_KEY = "{secrets.token_hex(32)}"\n', encoding="utf-8")
    path.chmod(0o600)
    return path


if __name__ == "__main__":
    written = ensure_config()
    sys.stdout.write(f"Wrote a new secret key to {written}\n" if written else "instance/config.py exists.\n")

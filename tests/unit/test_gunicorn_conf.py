"""The production server's settings (gunicorn.conf.py, issue #12) are what `gunicorn app:app` really reads."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def settings(**env: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS")}
    out = subprocess.run([sys.executable, "-m", "gunicorn", "--print-config", "app:app"], cwd=ROOT,
                         # --print-config loads the app too, which refuses the default key.
                         env={**environ, "FLASK_SECRET_KEY": secrets.token_hex(16), **env},
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in out.splitlines()) if v}


def test_gunicorn_reads_the_measured_settings_from_the_project_root():
    found = settings()
    assert (found["worker_class"], found["threads"], found["timeout"], found["keepalive"]) == (
        "gthread", "2", "60", "5")
    assert int(found["workers"]) == max(2, os.cpu_count() or 1)


def test_web_concurrency_sets_the_number_of_workers():
    assert settings(WEB_CONCURRENCY="5")["workers"] == "5"

# Two commands do everything on a fresh machine:
#   make run    install, migrate, load the demo district and start Edulite on http://127.0.0.1:5000
#   make test   install everything the tests need (Chromium, CJK fonts, Python packages) and run them all
# While working:
#   make unit   the unit tests alone: pure rules, no database server, browser or system package (seconds)
#   make lint   ruff, bandit and mypy (strict on edulite/core); `make check` is the same, and CI runs it
#   make bench  Edulite beside a raw WSGI app and a raw INSERT under gunicorn and wrk, data set S (SQLite);
#   make bench-m   the same on data set M (600 schools, 3.6 M items, PostgreSQL); results in bench/results/
#   pre-commit install   (once, with pre-commit from pipx) runs ruff and mypy from .venv before each commit
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run install install-dev system-deps assets test unit lint check bench bench-m bench-deps

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt

install-dev: $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt

run: install
	$(PY) -m edulite.ops.instance
	@# The pinned copies pages fall back on when the CDN fails (#15); offline, the server still starts.
	-$(PY) -m edulite.ops.assets || echo "  Could not fetch htmx and Chart.js now: pages use the CDN until 'make assets' works."
	$(FLASK) edulite init
	$(FLASK) edulite update-holidays
	$(FLASK) edulite demo --if-empty
	@echo ""
	@echo "  Edulite is starting on http://$(HOST):$(PORT)/"
	@echo "  Sign in as teacher, principal, district or admin; password: edulite-demo"
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

# Debian's Chromium (browser tests) and Noto CJK (Chinese text in screenshots); never a downloaded browser.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# Pinned htmx and Chart.js, verified against their hashes, served locally for the browser tests.
assets: install
	$(PY) -m edulite.ops.assets

test: system-deps install-dev assets
	$(PY) -m pytest $(PYTEST_ARGS)

unit: install-dev
	$(PY) -m pytest -q tests/unit $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r edulite app.py --severity-level medium
	$(VENV)/bin/mypy

check: lint

# wrk drives the benchmark (Debian's package); never part of `make test`.
bench-deps:
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }

bench: install-dev assets bench-deps
	$(PY) bench/run.py --set S

bench-m: install-dev assets bench-deps
	$(PY) bench/run.py --set M

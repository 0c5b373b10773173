"""Test layers by folder (unit, db, web, e2e) and the CI guard that a required layer really ran.

Set EDULITE_REQUIRED_LAYERS=unit,db,pg,web,e2e (as .ci/run does) and the run fails when any of those
layers ran no test or skipped one: a missing browser or database must not pass silently.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

LAYERS = ("unit", "db", "web", "e2e")
_outcomes: dict[str, Counter] = {}


def _layers_of(item) -> list[str]:
    parts = item.nodeid.split("/")
    names = [p for p in LAYERS if len(parts) > 1 and parts[1] == p]
    if "[postgresql" in item.nodeid or "-postgresql" in item.nodeid:
        names.append("pg")
    return names


def pytest_collection_modifyitems(config, items):
    for item in items:
        for layer in _layers_of(item):
            if layer in LAYERS:
                item.add_marker(getattr(pytest.mark, layer))


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        layers = _layers_of(report)
        for layer in layers:
            _outcomes.setdefault(layer, Counter())[report.outcome] += 1


def pytest_configure(config):
    for layer in LAYERS:
        config.addinivalue_line("markers", f"{layer}: {layer}-layer test (set from its folder)")


def pytest_sessionfinish(session, exitstatus):
    required = [x.strip() for x in os.environ.get("EDULITE_REQUIRED_LAYERS", "").split(",") if x.strip()]
    problems = []
    for layer in required:
        counts = _outcomes.get(layer, Counter())
        if counts["passed"] == 0:
            problems.append(f"layer '{layer}' ran no passing test")
        if counts["skipped"]:
            problems.append(f"layer '{layer}' skipped {counts['skipped']} test(s)")
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("REQUIRED TEST LAYERS MISSING: " + "; ".join(problems), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif required:
        summary = ", ".join(f"{k}={dict(v)}" for k, v in sorted(_outcomes.items()))
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line("required layers ran: " + summary)

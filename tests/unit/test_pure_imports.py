"""The double-reduction engine is pure (DESIGN.md, CONVENTIONS.md "Pure core"): it imports only
the standard library and other pure edulite modules, never Flask, SQLModel or SQLAlchemy."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "edulite"
PURE = ("calendar", "policy", "rules", "rules_afterschool")


def _imported(node: ast.AST) -> list[tuple[str, int]]:
    """Return (dotted name, relative level) for each module an import statement brings in."""
    if isinstance(node, ast.Import):
        return [(alias.name, 0) for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        # "from . import rules" and "from edulite import rules" import the modules they name.
        if node.module in (None, "edulite"):
            prefix = "edulite." if node.module else ""
            return [(prefix + alias.name, node.level) for alias in node.names]
        return [(node.module, node.level)]
    return []


def _is_dynamic_import(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    return name in ("__import__", "import_module")


def impure_imports(source: str) -> list[str]:
    """Return every import in source that is neither standard library nor a pure edulite module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _is_dynamic_import(node):
            found.append("dynamic import")
        for name, level in _imported(node):
            top = name.split(".")[0]
            if level or top == "edulite":
                module = name.removeprefix("edulite.") if top == "edulite" else name
                if level > 1 or module.split(".")[0] not in PURE:
                    found.append("." * level + name)
            elif top not in sys.stdlib_module_names:
                found.append(name)
    return found


@pytest.mark.parametrize("module", PURE)
def test_the_pure_engine_modules_import_only_the_standard_library_and_each_other(module):
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    assert impure_imports(source) == []


@pytest.mark.parametrize(("source", "culprit"), [
    ("import flask", "flask"),
    ("from sqlmodel import Session", "sqlmodel"),
    ("import sqlalchemy.orm", "sqlalchemy.orm"),
    ("from edulite.models import Item", "edulite.models"),
    ("from .db import get_session", ".db"),
    ("from . import services", ".services"),
    ("from ..app import app", "..app"),
    ("from edulite import db", "edulite.db"),
    ("import edulite", "edulite"),
    ("import importlib\nimportlib.import_module('flask')", "dynamic import"),
    ("__import__('flask')", "dynamic import"),
])
def test_the_import_check_catches_framework_and_impure_edulite_imports(source, culprit):
    assert impure_imports(source) == [culprit]


@pytest.mark.parametrize("source", [
    "import re\nfrom datetime import date", "from collections.abc import Mapping",
    "from __future__ import annotations", "from .calendar import DayKind",
    "from edulite.policy import Policy", "from . import rules", "from edulite import calendar",
    "from .calendar import week_start as monday_of",
])
def test_the_import_check_accepts_standard_library_and_pure_edulite_imports(source):
    assert impure_imports(source) == []

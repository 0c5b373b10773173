"""The double-reduction engine is pure (DESIGN.md, CONVENTIONS.md "Pure core"): it imports only
the standard library and other pure edulite modules, never Flask, SQLModel or SQLAlchemy."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "edulite"
# Every module of core/, and the input parsers that sit beside their domain but need no framework.
PURE_FILES = sorted(p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / "core").glob("*.py")) + [
    "afterschool/input.py", "homework/input.py",
]
# The homework form is parsed with pydantic (CONVENTIONS "Validate before building a row"): a validation
# library, not a framework or a database, so it is the one outside package allowed, and only there.
ALLOWED_OUTSIDE = {"homework/input.py": frozenset({"pydantic", "pydantic_core"})}


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


def impure_imports(source: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Return every import in source that is neither standard library, allowed, nor a pure edulite module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _is_dynamic_import(node):
            found.append("dynamic import")
        for name, level in _imported(node):
            top = name.split(".")[0]
            if level or top == "edulite":
                # Inside core/ a relative import stays in core; from outside, only edulite.core counts.
                if level:
                    pure = level == 1 and (PACKAGE / "core" / f"{name.split('.')[0]}.py").exists()
                else:
                    pure = name.startswith("edulite.core.") or name == "edulite.core"
                if not pure:
                    found.append("." * level + name)
            elif top not in sys.stdlib_module_names and top not in allowed:
                found.append(name)
    return found


def test_every_core_module_is_checked():
    assert {"core/calendar.py", "core/policy.py", "core/rules.py", "core/charts.py", "core/scope.py",
            "core/entry.py", "homework/input.py"} <= set(PURE_FILES)


@pytest.mark.parametrize("module", PURE_FILES)
def test_the_pure_engine_modules_import_only_the_standard_library_and_each_other(module):
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert impure_imports(source, ALLOWED_OUTSIDE.get(module, frozenset())) == []


def test_an_allowance_covers_only_the_packages_it_names():
    allowed = ALLOWED_OUTSIDE["homework/input.py"]
    assert impure_imports("from pydantic import BaseModel\nimport flask\nimport sqlmodel", allowed) == [
        "flask", "sqlmodel"]


@pytest.mark.parametrize(("source", "culprit"), [
    ("import flask", "flask"),
    ("from sqlmodel import Session", "sqlmodel"),
    ("import sqlalchemy.orm", "sqlalchemy.orm"),
    ("from edulite.models import Item", "edulite.models"),
    ("from .db import get_session", ".db"),
    ("from . import services", ".services"),
    ("from ..app import app", "..app"),
    ("from edulite import db", "edulite.db"),
    ("from edulite import rules", "edulite.rules"),
    ("from edulite.homework import loads", "edulite.homework"),
    ("import edulite", "edulite"),
    ("import importlib\nimportlib.import_module('flask')", "dynamic import"),
    ("__import__('flask')", "dynamic import"),
])
def test_the_import_check_catches_framework_and_impure_edulite_imports(source, culprit):
    assert impure_imports(source) == [culprit]


@pytest.mark.parametrize("source", [
    "import re\nfrom datetime import date", "from collections.abc import Mapping",
    "from __future__ import annotations", "from .calendar import DayKind",
    "from edulite.core.policy import Policy", "from . import rules", "from edulite.core import calendar",
    "from .calendar import week_start as monday_of",
])
def test_the_import_check_accepts_standard_library_and_pure_edulite_imports(source):
    assert impure_imports(source) == []

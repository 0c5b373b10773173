"""Boundaries between edulite's modules hold (issue #11): no module imports another's private name, and
no two modules import each other, directly or round a longer circle.

Imports inside functions count too: deferring an import is how a circle usually hides (alerts/store once
imported afterschool/alerts inside recompute_all, and cli imported commands inside init_app). The one
circle accepted is a package whose __init__ holds a blueprint and imports its own view modules, which
import the blueprint back (web/teacher, web/principal): it never reaches outside the package. The
factory (edulite/__init__.create_app) imports every part inside the function on purpose, and modules
import ROOT from it, so the root package's own imports are not edges.
Read from the source with ast, so that a new private import or import circle fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "edulite"


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The dotted name that a (possibly relative) from-import starts from."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    # In a package's __init__, "." is the package itself; in a module, its parent.
    keep = len(base) - node.level + (1 if is_package else 0)
    return ".".join(base[:keep] + ([node.module] if node.module else []))


def imports_of(tree: ast.Module, module: str, is_package: bool, known: set[str]):
    """Yield (imported module, imported name or None, import node) for each import anywhere in tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, is_package, node)
            for alias in node.names:
                # "from edulite.alerts import store" imports the module store, not a name in a package.
                submodule = f"{source}.{alias.name}"
                if submodule in known:
                    yield submodule, None, node
                else:
                    yield source, alias.name, node


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def scan(root: Path = PACKAGE) -> tuple[list[str], dict[str, set[str]]]:
    """Return the private imports across modules, and the import graph within edulite."""
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    known = set(files)
    private: list[str] = []
    graph: dict[str, set[str]] = {name: set() for name in files}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, name, node in imports_of(tree, module, path.name == "__init__.py", known):
            if target not in known:
                continue
            if name is not None and _is_private(name) and target != module:
                private.append(f"{module}:{node.lineno} imports {target}.{name}")
            if target != module and module != root.name:
                graph[module].add(target)
    return private, graph


def _is_blueprint_package(group: list[str]) -> bool:
    """A package below the root and its own modules only: the __init__-holds-bp pattern."""
    package = min(group, key=len)
    return package.count(".") >= 1 and all(m == package or m.startswith(package + ".") for m in group)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), each sorted, as a sorted list.

    A group that is one blueprint package and its own modules is left out (see the module docstring).
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 and not _is_blueprint_package(group):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_module_imports_a_private_name_of_another_module():
    private, _graph = scan()
    assert private == []


def test_no_edulite_modules_import_each_other_in_a_circle():
    _private, graph = scan()
    assert cycles(graph) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "edulite"
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


@pytest.mark.parametrize("source", [
    "from edulite.b import _helper",
    "from .b import _helper",
    "from edulite.b import public, _helper",
    "def f():\n    from edulite.b import _helper",
])
def test_the_check_finds_a_private_import_wherever_it_is_written(tmp_path, source):
    root = _tree(tmp_path, {"__init__.py": "", "a.py": source, "b.py": "_helper = public = 1"})
    private, _graph = scan(root)
    assert [line.split(" imports ")[1] for line in private] == ["edulite.b._helper"]


def test_the_check_allows_public_dunder_and_standard_library_private_names(tmp_path):
    root = _tree(tmp_path, {"__init__.py": "", "b.py": "helper = 1",
                            "a.py": "from edulite.b import helper\nfrom edulite import __name__ as n\n"
                                    "from os import _exit\n"})
    assert scan(root)[0] == []


@pytest.mark.parametrize(("files", "expected"), [
    ({"a.py": "from edulite import b", "b.py": "import edulite.a"}, [["edulite.a", "edulite.b"]]),
    ({"a.py": "from edulite.b import x", "b.py": "from edulite.c import y", "c.py": "from .a import z"},
     [["edulite.a", "edulite.b", "edulite.c"]]),
    ({"a.py": "from edulite.b import x", "b.py": "def f():\n    from edulite.a import y"},
     [["edulite.a", "edulite.b"]]),
    ({"p/__init__.py": "from . import m", "p/m.py": "from edulite.x import y", "x.py": "import edulite.p"},
     [["edulite.p", "edulite.p.m", "edulite.x"]]),
    ({"a.py": "try:\n    from edulite.b import x\nexcept ImportError:\n    pass", "b.py": "from edulite.a import y"},
     [["edulite.a", "edulite.b"]]),
])
def test_the_check_finds_import_circles_of_any_length_even_when_deferred(tmp_path, files, expected):
    _private, graph = scan(_tree(tmp_path, {"__init__.py": "", **files}))
    assert cycles(graph) == expected


@pytest.mark.parametrize("files", [
    {"p/__init__.py": "from . import m", "p/m.py": "from edulite.p.base import thing", "p/base.py": ""},
    {"a.py": "from edulite.b import x", "b.py": "from edulite.c import y", "c.py": ""},
    {"web/__init__.py": "", "web/p/__init__.py": "bp = 1\nfrom edulite.web.p import v",
     "web/p/v.py": "from edulite.web.p import bp"},
    {"__init__.py": "ROOT = 1\ndef create_app():\n    from edulite import m", "m.py": "from edulite import ROOT"},
])
def test_the_check_accepts_one_way_chains_a_blueprint_package_and_the_factory(tmp_path, files):
    _private, graph = scan(_tree(tmp_path, {"__init__.py": "", **files}))
    assert cycles(graph) == []

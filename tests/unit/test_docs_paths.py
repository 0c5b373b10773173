"""Every path and module the documents name exists: README.md, CONTRIBUTING.md and docs/**/*.md.

Files move (issue #11 moved most of edulite/), and a document that names an old path misleads a newcomer
more than one that names none. Checked, in `code spans` and links:
- repository paths (`edulite/core/rules.py`, `tests/unit`, `static/js/charts.js`),
- paths inside the package (`web/security.py`, `core/`),
- modules and their top-level names (`edulite.ops.instance`, `homework.loads.policy_in_force`),
- relative Markdown links ([POLICY.md](POLICY.md), [ADR](adr/0001-...md#context)).
Placeholders (`<area>`, `*`, `…`) are not paths and are skipped.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "edulite"
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").rglob("*.md")])
TOP_DIRS = ("edulite", "tests", "templates", "static", "migrations", "translations", "docs", "tools", "bench",
            ".ci")
# Git-ignored, so absent from a fresh clone: fetched by `python -m edulite.ops.assets`.
IGNORED = ("static/vendor/",)
PLACEHOLDER = re.compile(r"[<>*…{}]|\.\.\.")
# A bare file name (`config.py`, `charts.js`) has no folder to check it against.
BARE_FILE = re.compile(r"[^/]+\.(?:py|js|css|html|md|po|txt|toml|json|sqlite|png)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _packages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()))


@functools.cache
def _top_level_names(module: Path) -> frozenset[str]:
    """Names a module defines or imports at its top level (read, not imported: no Flask needed)."""
    names = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def _module_problem(dotted: str) -> str | None:
    """None if dotted names an edulite module (and, after it, one of its top-level names)."""
    parts = dotted.split(".")
    where = PACKAGE
    for index, part in enumerate(parts[1:], start=1):
        if (where / part / "__init__.py").exists():
            where = where / part
            continue
        if (where / f"{part}.py").exists():
            module, rest = where / f"{part}.py", parts[index + 1:]
            break
        if where == PACKAGE:
            return f"{dotted}: no module edulite.{part}"
        module, rest = where / "__init__.py", parts[index:]
        break
    else:
        return None
    if rest and rest[0] not in _top_level_names(module):
        return f"{dotted}: {module.relative_to(ROOT)} defines no {rest[0]}"
    return None


def _path_problem(word: str, base: Path) -> str | None:
    if word.startswith(IGNORED):
        return None
    return None if (base / word.rstrip("/")).exists() else f"{word}: no such file or folder"


def word_problems(word: str) -> list[str]:
    """What is wrong with one word of a code span, if it names a path or module that does not exist."""
    word = word.strip(".,;:()[]'\"").split("(")[0].split("#")[0]
    if not word or PLACEHOLDER.search(word) or "://" in word or BARE_FILE.fullmatch(word):
        return []
    first = word.split("/")[0]
    if "/" in word and first in TOP_DIRS:
        problem = _path_problem(word, ROOT)
    elif "/" in word and first in _packages():
        problem = _path_problem(word, PACKAGE)
    elif DOTTED.fullmatch(word) and first.split(".")[0] == "edulite":
        problem = _module_problem(word)
    elif DOTTED.fullmatch(word) and word.split(".")[0] in _packages():
        problem = _module_problem("edulite." + word)
    else:
        problem = None
    return [problem] if problem else []


def text_problems(text: str, document: Path) -> list[str]:
    """Every missing path or module named in text's code spans and relative links."""
    prose = FENCE.sub("", text)
    problems = [p for span in SPAN.findall(prose) for word in span.split() for p in word_problems(word)]
    for target in LINK.findall(prose):
        if ":" in target or target.startswith("#"):
            continue
        if not (document.parent / target.split("#")[0]).exists():
            problems.append(f"link {target}: no such file")
    return problems


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_path_and_module_a_document_names_exists(document):
    problems = text_problems(document.read_text(encoding="utf-8"), document)
    assert not problems, f"{document.relative_to(ROOT)} names what does not exist:\n  " + "\n  ".join(problems)


def test_the_documents_include_design_policy_conventions_and_the_decision_records():
    names = {p.relative_to(ROOT).as_posix() for p in DOCUMENTS}
    assert {"docs/DESIGN.md", "docs/POLICY.md", "docs/CONVENTIONS.md", "docs/adr/README.md",
            "CONTRIBUTING.md"} <= names


def test_the_check_catches_old_flat_paths_missing_names_and_broken_links():
    text = ("`edulite/rules.py`, `python -m edulite.instance`, `alerts.store.no_such_function`, "
            "`web/principal_alerts.py`, [x](adr/9999-none.md)")
    assert text_problems(text, ROOT / "docs" / "DESIGN.md") == [
        "edulite/rules.py: no such file or folder",
        "edulite.instance: no module edulite.instance",
        "edulite.alerts.store.no_such_function: edulite/alerts/store.py defines no no_such_function",
        "web/principal_alerts.py: no such file or folder",
        "link adr/9999-none.md: no such file",
    ]


def test_the_check_accepts_placeholders_ignored_files_and_names_defined_in_a_module():
    text = ("`translations/zh/<area>.po`, `static/vendor/`, `edulite.sqlite`, `edulite.web.htmx.render(page)`, "
            "`core.policy.PolicyLooser.problems`, `web/teacher/`, [d](DESIGN.md#packages)")
    assert text_problems(text, ROOT / "docs" / "CONVENTIONS.md") == []

"""The architecture (docs/architecture.md) holds: four wings whose imports go one way, no
import cycles (TYPE_CHECKING imports count), no module over 600 lines. import-linter checks
the checkout's source, with the contracts in pyproject.toml."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "adventure"
LINT = Path(sys.executable).parent / "lint-imports"
WINGS = ("story", "engine", "play", "author")
MAX_LINES = 600


def lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package under root (its source, not the installed build)."""
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1"}
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          capture_output=True, text=True, timeout=120, cwd=root, env=env)


def test_the_import_contracts_are_kept():
    res = lint(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "adventure",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "_story"))
    return tmp_path


def _add_import(path: Path, line: str) -> int:
    """Insert an import after the module's last top-level import; returns its line number."""
    source = path.read_text().splitlines()
    tree = ast.parse("\n".join(source))
    at = max(n.end_lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
    source.insert(at, line)
    path.write_text("\n".join(source) + "\n")
    return at + 1


def test_an_upward_import_fails_with_the_offending_line(copy):
    at = _add_import(copy / "adventure" / "story" / "model.py", "from ..play import saves")
    res = lint(copy)
    assert res.returncode != 0
    assert f"adventure.story.model -> adventure.play.saves (l.{at})" in res.stdout, res.stdout


def test_an_import_across_front_ends_and_author_tools_fails(copy):
    _add_import(copy / "adventure" / "author" / "graph.py", "from ..play import plain")
    res = lint(copy)
    assert res.returncode != 0 and "adventure.author.graph -> adventure.play.plain" in res.stdout


def test_a_cycle_under_type_checking_fails(copy):
    # model imports text; text importing model back, even for typing only, is a cycle
    path = copy / "adventure" / "story" / "text.py"
    path.write_text(path.read_text().replace(
        "if TYPE_CHECKING:\n", "if TYPE_CHECKING:\n    from .model import Story  # noqa\n", 1))
    res = lint(copy)
    assert res.returncode != 0 and "No cycles are allowed in adventure.story" in res.stdout


def test_no_module_is_over_the_limit():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert len(sizes) > 20
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}


@pytest.mark.parametrize("wing", WINGS)
def test_each_wing_says_what_it_owns_and_may_import(wing):
    doc = ast.get_docstring(ast.parse((PACKAGE / wing / "__init__.py").read_text()))
    assert doc and "import" in doc and len(doc.split()) > 40


def test_the_architecture_page_places_every_module():
    page = (ROOT / "docs" / "architecture.md").read_text()
    for p in PACKAGE.rglob("*.py"):
        if p.name != "__init__.py":
            assert f"`{p.relative_to(PACKAGE).as_posix()}`" in page, p

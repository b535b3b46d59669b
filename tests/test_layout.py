"""The packages' import arrows run one way: loaders -> storage -> components -> app.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("loaders", "storage", "components")
# What each package may import from the project (its own modules aside).
ALLOWED = {
    "loaders": set(),
    "storage": {"loaders"},
    "components": {"loaders", "storage"},
}
# No exceptions: the command line is storage's (`python -m storage ingest`).
ENTRY_POINTS: dict[Path, set[str]] = {}


def imports(path: Path) -> set[str]:
    """Top-level names of every module a file imports, wherever the import stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_packages_to_its_left(package: str) -> None:
    for path in modules(package):
        allowed = ALLOWED[package] | ENTRY_POINTS.get(path, set()) | {package}
        project = imports(path) & {*PACKAGES, "app", "benchmarks", "tests"}
        assert project <= allowed, f"{path.relative_to(ROOT)} imports {sorted(project - allowed)}"


@pytest.mark.parametrize("package", ["loaders", "storage"])
def test_only_components_and_the_app_import_streamlit(package: str) -> None:
    for path in modules(package):
        assert "streamlit" not in imports(path), f"{path.relative_to(ROOT)} imports streamlit"


def test_components_hold_no_sql_and_open_no_files() -> None:
    for path in modules("components"):
        names = imports(path)
        assert not names & {"duckdb", "sqlite3", "pyarrow", "polars"}, f"{path.name} talks to a database"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        opened = calls & {"open", "read_text", "read_bytes", "write_text", "write_bytes"}
        assert not opened, f"{path.name} reads or writes files: {sorted(opened)}"


def test_the_import_check_sees_a_wrong_arrow(tmp_path: Path) -> None:
    """The check itself can fail: a loaders module importing the store is caught."""
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def f():\n    from storage.query import Store\n    return Store\n", encoding="utf-8")
    assert "storage" in imports(wrong)

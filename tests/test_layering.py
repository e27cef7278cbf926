"""search_index/ and media_meta/ are plain libraries: they never import Flask, the portal or each other."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "search_index": {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "portal", "media_meta", "webvtt", "sqlalchemy"},
    "media_meta": {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "portal", "search_index", "whoosh", "sqlalchemy"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_library_does_not_import_the_app(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    for path in files:
        bad = imported_roots(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_only_vtt_module_imports_webvtt():
    users = [p for p in (ROOT / "media_meta").rglob("*.py") if "webvtt" in imported_roots(p)]
    assert [p.name for p in users] == ["vtt.py"]


def test_views_do_not_import_the_engines():
    for path in (ROOT / "portal" / "views").rglob("*.py"):
        assert not imported_roots(path) & {"whoosh", "webvtt"}, path

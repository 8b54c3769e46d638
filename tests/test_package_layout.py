"""Which package imports which: `pipelines` builds on `crawler`, never the other way round (a
cycle made each package half of the other), read from the source (ast), not run."""

from __future__ import annotations

import ast

from tests.support.cli import ROOT


def _imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_crawler_imports_nothing_of_pipelines():
    found = [f"{path.relative_to(ROOT)}: {name}" for path in sorted((ROOT / "crawler").rglob("*.py"))
             for name in sorted(_imports(path)) if name == "pipelines" or name.startswith("pipelines.")]
    assert found == []


def test_the_pipelines_import_crawler():
    # The check above reads real imports: the pipelines' own imports of crawler are seen.
    assert "crawler.archive" in _imports(ROOT / "pipelines" / "archive.py")

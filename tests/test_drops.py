"""The drop reasons: one enumeration (crawler/drops.py), exactly the reasons the code produces.

The code is read as the source it is (ast), not run: a reason is produced where it is the
reason of a DropArticle(...), a value given to `drop_reason` (an item field, a keyword, a
variable), or returned by a function named `..._drop_reason`; and where a site file's drop
rule names it (`reason = "..."`).
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from crawler import drops
from crawler import settings as project
from crawler.report import EMPTY_BODY_DROPS
from tests.support.cli import ROOT

CODE = [path for folder in ("crawler", "pipelines") for path in sorted((ROOT / folder).rglob("*.py"))]


def _strings(node: ast.AST) -> list[str]:
    """The string literals of an expression, but for keys (`item["drop_reason"]`)."""
    keys = {id(n.slice) for n in ast.walk(node) if isinstance(n, ast.Subscript)}
    return [n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in keys]


def _is_drop_reason(target: ast.AST) -> bool:
    if isinstance(target, ast.Subscript):
        return isinstance(target.slice, ast.Constant) and target.slice.value == "drop_reason"
    return (isinstance(target, ast.Name) and target.id == "drop_reason") or \
        (isinstance(target, ast.Attribute) and target.attr == "drop_reason")


class _Reasons(ast.NodeVisitor):
    def __init__(self, where: str):
        self.where = where
        self.found: dict[str, str] = {}
        self.hidden: list[str] = []  # an f-string reason: no one can list what it produces

    def _take(self, value: ast.AST, line: int) -> None:
        if any(isinstance(n, ast.JoinedStr) for n in ast.walk(value)):
            self.hidden.append(f"{self.where}:{line}")
        for text in _strings(value):
            if text:
                self.found.setdefault(text, f"{self.where}:{line}")

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name == "DropArticle" and node.args:
            self._take(node.args[0], node.lineno)
        for keyword in node.keywords:
            if keyword.arg == "drop_reason":
                self._take(keyword.value, node.lineno)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(_is_drop_reason(t) for t in node.targets):
            self._take(node.value, node.lineno)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name.endswith("drop_reason"):
            for child in ast.walk(node):
                if isinstance(child, ast.Return) and child.value is not None:
                    self._take(child.value, child.lineno)
        self.generic_visit(node)


def _site_rule_reasons(value, where: str, found: dict[str, str]) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("reason"), str):
            found.setdefault(value["reason"], where)
        for item in value.values():
            _site_rule_reasons(item, where, found)
    elif isinstance(value, list):
        for item in value:
            _site_rule_reasons(item, where, found)


def produced() -> tuple[dict[str, str], list[str]]:
    found: dict[str, str] = {}
    hidden: list[str] = []
    for path in CODE:
        visitor = _Reasons(str(path.relative_to(ROOT)))
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for reason, where in visitor.found.items():
            found.setdefault(reason, where)
        hidden += visitor.hidden
    for path in sorted((ROOT / "sites").glob("*.toml")):
        _site_rule_reasons(tomllib.loads(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)), found)
    return found, hidden


def test_every_reason_the_code_produces_is_enumerated_and_no_other():
    found, hidden = produced()
    assert not hidden, f"drop reasons built by f-strings (write each reason out): {hidden}"
    assert {reason: where for reason, where in found.items() if reason not in drops.REASONS} == {}
    assert sorted(set(drops.REASONS) - set(found)) == []  # enumerated, produced nowhere


def test_the_scan_sees_each_kind_of_place():
    # Independent of the enumeration: a reason of each kind of place, where it is written.
    found, _ = produced()
    assert found["duplicate"].startswith("pipelines/claim.py")  # DropArticle("duplicate", ...)
    assert found["kind_2"].startswith("crawler/legacy.py")  # article["drop_reason"] = "kind_2"
    assert found["no_body"]  # pages.body_drop_reason returns it
    assert "missing_title" in found and "missing_category" in found  # one literal each


def test_settings_take_their_reasons_from_the_enumeration():
    assert project.RUN_HEALTHY_DROP_REASONS == ["removed", "paid", "empty_body", "too_old", "duplicate"]
    assert project.ARCHIVE_REMEMBER_DROPS == ["removed", "paid"]
    assert set(EMPTY_BODY_DROPS) == {"empty_body", "no_body"}


def test_a_reason_is_described_as_the_exit_message_names_it():
    assert drops.describe("no_body") == "body missing"
    assert drops.describe("bad_date") == "date unreadable"
    assert drops.describe("a_plugins_own") == "a_plugins_own"

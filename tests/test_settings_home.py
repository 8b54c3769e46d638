"""Every setting's default has one home: crawler/settings.py (or a spider's custom_settings).

The code is read as the source it is (ast): no component reads a setting with a fallback of
its own (`settings.getint("RUN_MAX_ERRORS", 0)`, `settings.get("ARCHIVE_DIR") or "output"`),
and no module repeats defaults in a dict keyed by setting names (a spider's DEFAULTS).
"""

from __future__ import annotations

import ast

from scrapy.settings import default_settings

from crawler import settings as project
from tests.support.cli import ROOT

OURS = {name for name in dir(project) if name.isupper()}
NAMES = OURS | {name for name in dir(default_settings) if name.isupper()}
GETTERS = {"get", "getint", "getbool", "getfloat", "getlist", "getdict", "getdictorlist", "getwithbase"}
CODE = [path for folder in ("crawler", "pipelines") for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "crawler" / "settings.py"]


def _setting_read(node: ast.AST) -> str | None:
    """The setting's name when `node` is `<something>.get...("NAME", ...)`, not os.environ's."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in GETTERS):
        return None
    if ast.unparse(node.func.value) == "os.environ":
        return None
    if node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in NAMES:
        return node.args[0].value
    return None


def _no_default(node: ast.AST) -> bool:
    """Nothing (None, "") or the environment: a secret left empty in the settings."""
    if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv"):
        return True
    return isinstance(node, ast.Constant) and node.value in (None, "", 0, False)


def fallbacks() -> list[str]:
    found = []
    for path in CODE:
        where = path.relative_to(ROOT)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        custom = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "custom_settings" for t in n.targets)}
        for node in ast.walk(tree):
            name = _setting_read(node)
            if name and (len(node.args) > 1 or node.keywords):
                found.append(f"{where}:{node.lineno} {name} read with a default of its own")
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
                name = _setting_read(node.values[0])
                if name and not all(_no_default(v) for v in node.values[1:]):
                    found.append(f"{where}:{node.lineno} {name} read with `or` a default")
            if isinstance(node, ast.Dict) and id(node) not in custom:
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and k.value in OURS]
                if keys:
                    found.append(f"{where}:{node.lineno} defaults of {', '.join(keys)} repeated")
    return found


def test_no_component_has_defaults_of_its_own():
    assert fallbacks() == []


def test_the_scan_finds_each_kind(tmp_path, monkeypatch):
    # Each kind of fallback, written here, is found.
    bad = tmp_path / "crawler"
    bad.mkdir()
    (bad / "bad.py").write_text(
        'a = settings.getint("RUN_MAX_ERRORS", 0)\n'
        'b = settings.get("ARCHIVE_DIR") or "output"\n'
        'DEFAULTS = {"QQ_PAGES": 1}\n'
        'c = settings.get("RUN_ALERT_WEBHOOK") or os.environ.get("RUN_ALERT_WEBHOOK", "")\n'  # a secret: fine
        'custom_settings = {"RUN_MIN_COVERAGE": {}}\n', encoding="utf-8")  # a spider's own: fine
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "CODE", [bad / "bad.py"])
    assert [line.split(" ", 1)[1] for line in fallbacks()] == [
        "RUN_MAX_ERRORS read with a default of its own", "ARCHIVE_DIR read with `or` a default",
        "defaults of QQ_PAGES repeated"]

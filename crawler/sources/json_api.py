"""JSON APIs of site files: values by dotted path, entries of a list answer, the Article of a
detail answer (the `json` discovery kind and `format = "json"` articles, docs/adding-a-source.md)."""

from __future__ import annotations

import html
import json
import re

from crawler.sources.common import SourceError
from crawler.sources.site_file import Field, Rule

_JSONP = re.compile(r"^\s*[\w.$]+\s*\((.*)\)\s*;?\s*$", re.S)
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_TAG = re.compile(r"<[^>]*>")
# What a serialiser writes for a missing value ("None" of Python, "null" of JavaScript).
_NO_VALUE = ("None", "null", "undefined")


def load_answer(payload):
    """The JSON of an answer (bytes or text; a JSONP wrapper `cb({...});` tolerated)."""
    if isinstance(payload, (bytes, bytearray)):
        payload = bytes(payload).decode("utf-8-sig", "replace")
    m = _JSONP.match(payload)
    if m and not payload.lstrip().startswith(("{", "[")):
        payload = m.group(1)
    try:
        return json.loads(payload)
    except json.JSONDecodeError as exc:
        raise SourceError(f"answer is not JSON: {exc}") from None


def get(obj, path: str):
    """The value at a dotted path (`a.b.0.c`: keys, and list items by number); None if absent."""
    node = obj
    for part in path.split(".") if path else ():
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def text(value) -> str:
    """A JSON scalar as text ("" for objects, lists, booleans, null and "None")."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        return "" if value in _NO_VALUE else value
    return ""


def fill(template: str, obj) -> str:
    """`template` with each `{path}` replaced by that value of obj ("" when one is missing)."""
    values = {}
    for path in _PLACEHOLDER.findall(template):
        values[path] = text(get(obj, path))
        if not values[path]:
            return ""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def value(obj, spec: Field | None, *, raw: bool = False):
    """The first value the field's paths/templates give (text; `raw`: the value as it is, for
    times given as numbers)."""
    if spec is None:
        return "" if not raw else None
    for path in spec.paths:
        if "{" in path:
            found = fill(path, obj)
        else:
            found = get(obj, path)
            if not raw or isinstance(found, str):
                found = text(found)
        if found not in ("", None):
            return html_text(found) if spec.html and isinstance(found, str) else found
    return "" if not raw else None


def html_at(obj, spec: Field) -> str | None:
    """The first string at the field's paths, as served (HTML is not stripped: a body is
    cleaned later); None when there is none."""
    if not isinstance(obj, dict):
        return None
    return next((v for v in (get(obj, p) for p in spec.paths) if isinstance(v, str)), None)


def html_text(value: str) -> str:
    """The text of an HTML snippet (tags out, entities decoded, ASCII white space collapsed; a
    no-break space stays)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(_TAG.sub("", value))).strip()


def rule_hits(rule: Rule, obj) -> bool:
    found = get(obj, rule.field)
    if rule.matches is not None:
        return found is not None and bool(rule.matches.search(text(found) if not isinstance(found, str) else found))
    if rule.other_than is not None:
        return found not in rule.other_than
    return found is not None and found in rule.equals


def first_rule(rules, obj) -> Rule | None:
    return next((r for r in rules if rule_hits(r, obj)), None)


def count_name(rule: Rule, obj) -> str:
    return rule.count.replace("{value}", text(get(obj, rule.field)) or "none")


def entries_of(answer, path: str) -> list:
    """The entry list at `path` of the answer (the answer itself for ""); SourceError when it
    is not a list."""
    found = get(answer, path)
    if not isinstance(found, list):
        raise SourceError(f"answer has no {path or 'top-level'} list")
    return found

"""tipranks (sites/tipranks.toml): an article page shows its text only through its embedded
state, `window.__STATE__=JSON.parse("…")` (a JSON string holding the state's JSON). The page
hook reads the state (no eval: two JSON decodes), finds the post (the object holding `content`
and `date`, the entry's `_id` first) and makes the page a plain one the site file's selectors
read: `<h1>` title, `article:published_time`, `<article class="tipranks-state">` the content.
A page without such a state is returned as it is (the selectors miss and are counted)."""

from __future__ import annotations

import html as html_lib
import json
import re

_STATE = re.compile(r"window\.__STATE__\s*=\s*")
_PARSE = re.compile(r"JSON\.parse\(\s*")
# The content is a whole document (`<html><head></head><body>…</body></html>`, the trending
# list after it): only its body's parts are kept, in one container.
_WRAPPER = re.compile(r"</?(?:html|body)\b[^>]*>|<head\b[^>]*>.*?</head\s*>", re.I | re.S)


def state_of(page: str):
    """The page's `window.__STATE__` (JSON.parse of a string, or an object literal); None."""
    decoder = json.JSONDecoder()
    for found in _STATE.finditer(page):
        at = found.end()
        parse = _PARSE.match(page, at)
        try:
            if parse:
                text, _ = decoder.raw_decode(page, parse.end())
                return json.loads(text) if isinstance(text, str) else None
            value, _ = decoder.raw_decode(page, at)
            return value
        except ValueError:
            continue
    return None


def _posts(node):
    """Every object of the state with a string `content` and a `date`, depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("content"), str) and "date" in node:
            yield node
        for value in node.values():
            yield from _posts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _posts(value)


def state_page(page, entry):
    state = state_of(page)
    posts = list(_posts(state)) if state is not None else []
    if not posts:
        return page
    wanted = str(entry.id) if entry is not None and entry.id else ""
    post = next((p for p in posts if wanted and str(p.get("_id", p.get("id", ""))) == wanted), posts[0])
    title = html_lib.escape(str(post.get("title") or ""), quote=True)
    date = html_lib.escape(str(post.get("date") or ""), quote=True)
    content = _WRAPPER.sub("", post["content"])
    return (f'<html><head><title>{title}</title><meta property="article:published_time" content="{date}"></head>'
            f'<body><h1>{title}</h1><article class="tipranks-state">{content}</article></body></html>')

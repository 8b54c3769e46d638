"""infoq: a news entry's link is /news/<uuid> (sub_type 4), the others /article/<uuid>; the
article's text is a JSON document tree (the detail's content_url), made here an HTML page
(`.infoq-document`) the site file's selectors read. Node types: paragraph, heading, image,
bulleted and numbered lists, blockquote, code block, table, rule, line break; text marks:
bold, italic, underline, strike, code, link (colours are dropped). An unknown node keeps its
children's text."""

from __future__ import annotations

import html
import json

_BLOCKS = {"paragraph": "p", "blockquote": "blockquote", "bulletedlist": "ul", "bulletlist": "ul",
           "bullet_list": "ul", "numberedlist": "ol", "orderedlist": "ol", "ordered_list": "ol", "listitem": "li",
           "list_item": "li", "table": "table", "tablerow": "tr", "table_row": "tr", "tablecell": "td",
           "table_cell": "td", "tableheader": "th", "table_header": "th"}
_MARKS = {"strong": "strong", "bold": "strong", "italic": "em", "em": "em", "underline": "u", "strike": "s",
          "strikethrough": "s", "code": "code"}


def article_link(entry, raw):
    if str(raw.get("sub_type")) == "4" and entry.id:
        entry.link = f"https://www.infoq.cn/news/{entry.id}"
    return entry


def document_page(page: str, entry) -> str:
    """The JSON document as an HTML page; anything else as it is."""
    try:
        document = json.loads(page)
    except ValueError:
        return page
    nodes = document.get("content") if isinstance(document, dict) else None
    if not isinstance(nodes, list):
        return page
    return f'<html><body><div class="infoq-document">{_children(nodes)}</div></body></html>'


def _children(nodes) -> str:
    return "".join(_node(n) for n in nodes if isinstance(n, dict)) if isinstance(nodes, list) else ""


def _node(node: dict) -> str:
    kind = str(node.get("type") or "").lower()
    attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
    if kind == "text":
        return _marked(html.escape(str(node.get("text") or ""), quote=False), node.get("marks"))
    if kind == "heading":
        level = attrs.get("level") if attrs.get("level") in (1, 2, 3, 4, 5, 6) else 2
        return f"<h{level}>{_children(node.get('content'))}</h{level}>"
    if kind == "image":
        src = str(attrs.get("src") or "").strip()
        return f'<p><img src="{html.escape(src)}" alt="{html.escape(str(attrs.get("alt") or ""))}"></p>' if src else ""
    if kind in ("codeblock", "code_block"):
        text = "".join(str(n.get("text") or "") for n in node.get("content") or [] if isinstance(n, dict))
        return f"<pre><code>{html.escape(text, quote=False)}</code></pre>"
    if kind in ("horizontalrule", "horizontal_rule"):
        return "<hr>"
    if kind in ("hardbreak", "hard_break"):
        return "<br>"
    tag = _BLOCKS.get(kind)
    inner = _children(node.get("content"))
    return f"<{tag}>{inner}</{tag}>" if tag else inner


def _marked(text: str, marks) -> str:
    for mark in marks if isinstance(marks, list) else ():
        kind = str(mark.get("type") or "").lower() if isinstance(mark, dict) else ""
        if kind == "link":
            href = str((mark.get("attrs") or {}).get("href") or "")
            text = f'<a href="{html.escape(href)}">{text}</a>' if href else text
        elif kind in _MARKS:
            text = f"<{_MARKS[kind]}>{text}</{_MARKS[kind]}>"
    return text

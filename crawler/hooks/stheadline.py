"""stheadline (sites/stheadline.toml): the "相關新聞：" / "相關文章：" lists of links to other
stories, set into the text, are left out: the line the label opens (a paragraph, a heading, or
the part of one after a line break) and the lines of links only that follow it, up to the first
line with text of its own. Pictures among them stay. A class names no such list: the label is
plain text, so the lines are read as a reader sees them (blocks and line breaks)."""

from __future__ import annotations

import re

from crawler.html_clean import TEXT_DROPPING_TAGS, inner_html, is_hidden, parse_body, remove_keep_tail

LABEL = re.compile(r"^\s*相關(?:新聞|文章)\s*[：︰:]")
# Elements that start and end a line of text (a line break too).
_LINE_BREAKING = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})
_TEXT, _TAIL = "text", "tail"


def without_related_lists(article, data, entry):
    if "相關" in article["body_html"]:
        article["body_html"] = _without_related_lists(article["body_html"])
    return article


def _without_related_lists(html: str) -> str:
    body = parse_body(html)
    if body is None:
        return html
    doomed_links, emptied, doomed_breaks = [], [], []
    in_list = False
    breaks: list = []  # the line breaks just before the line, since the last text or block edge
    for line in _lines(body):
        text = "".join(getattr(owner, slot) or "" for owner, slot, _link in line.pieces)
        if not text.strip():
            breaks += line.breaks
            continue
        link_only = all(link is not None for owner, slot, link in line.pieces if (getattr(owner, slot) or "").strip())
        in_list = bool(LABEL.match(text)) or (in_list and link_only)
        if in_list:
            emptied += [(owner, slot) for owner, slot, link in line.pieces if link is None]
            doomed_links += [link for _owner, _slot, link in line.pieces if link is not None]
            doomed_breaks += breaks + line.breaks
        breaks = []
    if not emptied and not doomed_links:
        return html
    for owner, slot in emptied:
        setattr(owner, slot, None)
    for element in dict.fromkeys(doomed_links + doomed_breaks):
        remove_keep_tail(element)  # a tail of the list's lines is emptied already
    return inner_html(body)


class _Line:
    def __init__(self):
        self.pieces: list = []  # (element, "text" or "tail", the <a> it is in or None)
        self.breaks: list = []  # the <br> ending the line before this one


def _lines(body):
    """The body's lines in order, each its text pieces; a line starts after a block's edge or
    a line break."""
    lines = [_Line()]

    def edge(br=None):
        if lines[-1].pieces or lines[-1].breaks:
            lines.append(_Line())
        if br is not None:
            lines[-1].breaks.append(br)

    def walk(element, link):
        if element.tag in TEXT_DROPPING_TAGS or is_hidden(element):
            return
        if element.tag == "br":
            edge(element)
            return
        block = element.tag in _LINE_BREAKING
        if block:
            edge()
        inner = element if element.tag == "a" else link
        if element.text:
            lines[-1].pieces.append((element, _TEXT, inner))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, inner)
            if child.tail:
                lines[-1].pieces.append((child, _TAIL, inner))
        if block:
            edge()

    walk(body, None)
    return lines

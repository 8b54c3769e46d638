"""The text a person keeps of a real item's body, written without the code under test: the
body's visible lines (what a browser shows), minus what the source's test names as not the
article's (an app advert, an editor's signature, a sign-up box, a list of other stories). The
expected body of the per-source tests, compared whole with white space removed (as
`tests.support.text` does), so that any text left in, an ad or a link list, is a difference.
"""

from __future__ import annotations

import dataclasses
import re

from tests.support.text import _body, hidden as _hidden

# Not seen as text by a reader: code, players and frames (their fallback text shows only where
# they do not work), and the controls of a form.
NOT_SEEN = ("script", "style", "template", "noscript", "iframe", "object", "embed", "video", "audio",
            "canvas", "svg", "input", "button", "select", "option", "textarea")
_BLOCKS = frozenset(("address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
                     "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
                     "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th",
                     "tr", "ul"))
_SPACE = re.compile(r"\s+")
_LINE = "\x00"  # between blocks (a text's own line breaks are white space inside its line)
_LINK, _END_LINK = "\x01", "\x02"  # around a link's text
_LINK_ONLY = re.compile(r"(?:\x01[^\x01\x02]*\x02)+")


@dataclasses.dataclass(frozen=True)
class NotArticle:
    """What a person removes from a source's bodies.

    `lines`: regexes, a line they match goes. `from_line`: regexes, the matching line and every
    line after it go (the page's trailer: keywords, next story, other stories). `link_lists`:
    regexes of a list's label ("related news:"), the label's line and the lines of links right
    after it go. `boxes`: elements a reader sees set apart from the text (a related-story box):
    tag names (`aside`), `.class` or `#id`.
    `hidden`: text the page hides (`hidden`, `display: none`: an e-mail's preview line, a
    form's thank-you note). `left_in`: what a person removes and the crawler keeps today (a
    known fault, counted by the tests and checked by a strict xfail)."""

    lines: tuple[str, ...] = ()
    from_line: tuple[str, ...] = ()
    link_lists: tuple[str, ...] = ()
    boxes: tuple[str, ...] = ()
    hidden: bool = True
    left_in: NotArticle | None = None

    def with_left_in(self) -> NotArticle:
        more = self.left_in or NotArticle(hidden=self.hidden)
        return NotArticle(self.lines + more.lines, self.from_line + more.from_line, self.link_lists + more.link_lists,
                          self.boxes + more.boxes, self.hidden or more.hidden)


def _boxed(node, boxes) -> bool:
    if node.tag in boxes:
        return True
    return any(f".{name}" in boxes for name in (node.get("class") or "").split()) or f"#{node.get('id')}" in boxes


def _lines_of(node, out: list[str], boxes, hidden: bool) -> None:
    if not isinstance(node.tag, str) or node.tag in NOT_SEEN or _boxed(node, boxes) or (hidden and _hidden(node)):
        return
    block = node.tag in _BLOCKS
    if block:
        out.append(_LINE)
    parent = node.getparent()
    if node.tag == "li" and parent is not None and parent.tag == "ol":
        start = parent.get("start") or "1"
        number = (int(start) if start.isdigit() else 1) + [li for li in parent if li.tag == "li"].index(node)
        out.append(f"{number}.")
    if node.tag == "a":
        out.append(_LINK)
    out.append(node.text or "")
    for child in node:
        _lines_of(child, out, boxes, hidden)
        out.append(child.tail or "")
    if node.tag == "a":
        out.append(_END_LINK)
    if block:
        out.append(_LINE)


class Line(str):
    """A line a reader sees; `link_only` when all its text is the text of links."""

    link_only: bool


def _line(marked: str) -> Line:
    line = Line(marked.replace(_LINK, "").replace(_END_LINK, ""))
    line.link_only = bool(_LINK_ONLY.fullmatch(_SPACE.sub("", marked)))
    return line


def visible_lines(html: str, boxes=(), hidden=True) -> list[Line]:
    """The lines a reader sees of an HTML body, in order: the text of each block (paragraph,
    heading, list item, table cell, line break), white space collapsed, empty lines left out;
    elements named in `boxes` left out, and hidden ones unless `hidden` is false."""
    body = _body(html)
    if body is None:
        return []
    out: list[str] = []
    _lines_of(body, out, frozenset(boxes), hidden)
    lines = (_line(_SPACE.sub(" ", part).strip()) for part in "".join(out).split(_LINE))
    return [line for line in lines if line]


def kept_text(html: str, removed: NotArticle = NotArticle()) -> str:
    """The body's visible text as a person keeps it (without `removed`; its `left_in` is not
    applied), all white space removed."""
    lines = visible_lines(html, removed.boxes, removed.hidden)
    cuts = [re.compile(p) for p in removed.from_line]
    for at, line in enumerate(lines):
        if any(p.search(line) for p in cuts):
            lines = lines[:at]
            break
    patterns = [re.compile(p) for p in removed.lines]
    labels = [re.compile(p) for p in removed.link_lists]
    kept, in_list = [], False
    for line in lines:
        in_list = any(p.search(line) for p in labels) or (in_list and line.link_only)
        if not in_list and not any(p.search(line) for p in patterns):
            kept.append(line)
    return _SPACE.sub("", "".join(kept))


def reader_text(html: str) -> str:
    """What a reader sees of a crawled body (an article's `body_html`), white space removed."""
    return kept_text(html)


def body_verdict(got: str, html: str, removed: NotArticle) -> str | None:
    """None when `got` (a text, white space removed) is what a person keeps of the real body
    `html`; "left_in" when it is that plus only what `removed.left_in` names; else the problem."""
    strict = kept_text(html, removed.with_left_in())
    if got == strict:
        return None
    if removed.left_in and got == kept_text(html, removed):
        return "left_in"
    return f"text: {_first_difference(got, strict)}"


def _first_difference(got: str, want: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    around = slice(max(0, at - 20), at + 60)
    return f"at {at} of {len(got)}/{len(want)}: got {got[around]!r}, want {want[around]!r}"

"""What a reader sees of an HTML body or of a Markdown file, for fidelity tests.

White-space normalisation: all white space (Unicode, including no-break spaces) is removed.
Chinese text has no meaningful spaces, and block boundaries differ legitimately between the
source HTML and the rendered Markdown (a <div> boundary has no character of its own, Markdown
adds line breaks); comparing without any white space is the one normalisation that is exact
for both. The price is that a lost space between two English words would go unnoticed; the
cleaning rules never remove white space (see crawler.html_clean), and the unit tests check
the English cases they care about directly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from markdown_it import MarkdownIt

from crawler.html_clean import _VOID_UNKNOWN_TO_LIBXML2

_PARSER = etree.HTMLParser(recover=True, huge_tree=True)
_WHITESPACE = re.compile(r"\s+")
_INVISIBLE = ("script", "style", "template")
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*display\s*:\s*none", re.I)  # the declaration, not `mso-display`

# CommonMark, raw HTML *off*: Hugo's goldmark (unsafe = false, the default) omits raw HTML,
# so HTML left in the Markdown must show up here as a difference, not be rendered.
# Tables and strikethrough as in Hugo's goldmark defaults.
_MD = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _body(html: str):
    if not html or not html.strip():
        return None
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    # <source>, <embed>, <track>, <wbr> are void in HTML; libxml2 does not know it and would
    # swallow what follows them (an <img> inside <picture>) the way no browser does.
    html = _VOID_UNKNOWN_TO_LIBXML2.sub(lambda m: f"{m.group(0)}</{m.group(1)}>", html)
    if not re.search(r"<(?:html|body|head)[\s>/]", html, re.I):
        html = "<html><body>" + html + "</body></html>"
    root = etree.fromstring(html, _PARSER)
    return None if root is None else root.find("body")


def hidden(node) -> bool:
    """An element the page hides (a `hidden` attribute, a `display: none` style): no reader sees it."""
    return node.get("hidden") is not None or bool(_DISPLAY_NONE.search(node.get("style") or ""))


def _drop(body, tags) -> None:
    """Comments, the elements of `tags` and hidden elements go; the text after each stays."""
    doomed = list(body.iter(etree.Comment, etree.ProcessingInstruction, *tags))
    doomed += [node for node in body.iter(etree.Element) if node is not body and hidden(node)]
    for node in doomed:
        parent = node.getparent()
        if parent is None:
            continue
        if node.tail:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)


def visible_text(html: str, also_drop=()) -> str:
    """Text a reader sees of an HTML body (no script/style/template, no comments, nothing
    hidden), all white space removed. `also_drop`: further tags whose text is not counted."""
    body = _body(html)
    if body is None:
        return ""
    _drop(body, tuple(_INVISIBLE) + tuple(also_drop))
    _number_ordered_lists(body)
    return _WHITESPACE.sub("", "".join(body.itertext()))


def _number_ordered_lists(body) -> None:
    """A reader sees the numbers of an ordered list: write them into the text (`1.`), so that
    `1. text` kept as text and `1. text` rendered as a list read the same."""
    for ol in body.iter("ol"):
        start = ol.get("start") or "1"
        number = int(start) if start.isdigit() else 1
        for li in ol:
            if li.tag == "li":
                li.text = f"{number}." + (li.text or "")
                number += 1


# A pure function of its text, asked twice of each file (its text, its images) and often of
# the same Markdown again (one body in several page layouts): rendered once.
@lru_cache(maxsize=256)
def render(markdown: str) -> str:
    return _MD.render(markdown)


def rendered_text(markdown: str) -> str:
    """Visible text of the Markdown rendered as CommonMark (+ tables), white space removed."""
    return visible_text(render(markdown))


def images_of_html(html: str, also_drop=()) -> list[str]:
    """URLs of the images of an HTML body in order: a lazy `data-src` (data-original,
    data-actualsrc) else `src`; images without any are left out."""
    body = _body(html)
    if body is None:
        return []
    _drop(body, tuple(_INVISIBLE) + tuple(also_drop))
    urls = []
    for img in body.iter("img"):
        for name in ("data-src", "data-original", "data-actualsrc", "src"):
            value = (img.get(name) or "").strip()
            if value:
                urls.append(value)
                break
    return urls


def images_of_markdown(markdown: str) -> list[str]:
    """src of every image the Markdown renders to (markdown-it's normalised URLs)."""
    body = _body(render(markdown))
    return [] if body is None else [img.get("src") or "" for img in body.iter("img")]


def normalize_link(url: str) -> str:
    """A URL as markdown-it writes it into src/href (percent-encoding), for comparisons."""
    return _MD.normalizeLink(url)

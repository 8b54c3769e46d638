"""Whole pages nested deeper than libxml2 parses: flattened before they are read.

libxml2 (lxml, parsel) stops at 2,048 levels of elements, even with huge_tree: a body nested
deeper comes out empty and everything after it is missing. Such a page is read with the
tags below html_clean.FLATTEN_DEPTH levels taken out (html_clean.flatten): its text stays,
in order. (huge_tree is on already, in parsel; lifting its other limits would not help.)
"""

from __future__ import annotations

from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.html_clean import FLATTEN_DEPTH, flatten

# Fewer tags than this cannot nest 2,048 deep: such a page is never looked at twice.
_TAGS_FOR_PARSE_LIMIT = 2000
_TOO_DEEP = f"boolean(//*[count(ancestor::*) > {FLATTEN_DEPTH}])"


def _too_deep(text: str, selector: Selector) -> bool:
    return text.count("<") >= _TAGS_FOR_PARSE_LIMIT and selector.xpath(_TOO_DEEP).get() == "1"


def within_parse_depth(response: HtmlResponse) -> HtmlResponse:
    """`response` itself, or, when its tree nests deeper than FLATTEN_DEPTH, the same page
    flattened below that depth (UTF-8)."""
    text = response.text
    if not _too_deep(text, response.selector):
        return response
    return response.replace(body=flatten(text, FLATTEN_DEPTH).encode("utf-8"), encoding="utf-8")


def within_depth(text: str, selector: Selector) -> str:
    """`text` itself, or, when `selector` (over `text`) nests deeper than FLATTEN_DEPTH, the
    same page flattened below that depth."""
    return flatten(text, FLATTEN_DEPTH) if _too_deep(text, selector) else text


def parsable(html: str) -> Selector:
    """A Selector over `html`, flattened below FLATTEN_DEPTH when it nests deeper."""
    selector = Selector(text=html, type="html")
    return Selector(text=flatten(html, FLATTEN_DEPTH), type="html") if _too_deep(html, selector) else selector

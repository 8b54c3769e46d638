"""Plain helpers that read an HTML page (a Scrapy response or HTML text) for the site files'
extraction (crawler/sources/generic.py):

- `body_container`: the first container matching a selector, copied, minus the elements of
  the source's removal selectors (ads, QR codes, editor lines, scripts, styles): `without`,
  which qq's old layouts use too;
- `clean_title`, `meta_content`, `jsonld_objects`, `has_text`, `path_of`.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response

from crawler.charset import html_response

PUBLISHED_META = (
    'meta[property="article:published_time"]::attr(content)',
    'meta[name="article:published_time"]::attr(content)',
    'meta[itemprop="datePublished"]::attr(content)',
    'meta[property="og:article:published_time"]::attr(content)',
)
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_NEWLINES = re.compile(r"\s*[\r\n\t]\s*")


def as_selector(page) -> Selector:
    if isinstance(page, Selector):
        return page
    if isinstance(page, Response):
        return html_response(page).selector
    return Selector(text=page or "<html></html>", type="html")


def clean_title(value: str | None) -> str:
    """A title as the page shows it: stripped, line breaks and tabs (with the white space
    around them) become one space; other inner spacing is kept as the source wrote it."""
    return _NEWLINES.sub(" ", (value or "").strip())


def meta_content(page, *selectors: str) -> str:
    sel = as_selector(page)
    for css in selectors:
        value = (sel.css(css).get() or "").strip()
        if value:
            return value
    return ""


def _jsonld_nodes(value):
    if isinstance(value, list):
        for one in value:
            yield from _jsonld_nodes(one)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _jsonld_nodes(value["@graph"])


def jsonld_objects(page) -> list[dict]:
    """Every JSON-LD object of the page (lists and @graph flattened); unreadable blocks skipped."""
    objects = []
    for raw in as_selector(page).css('script[type="application/ld+json"]::text').getall():
        try:
            value = json.loads(raw.strip())
        except ValueError:
            continue
        objects.extend(_jsonld_nodes(value))
    return objects


def without(node: Selector, remove) -> str:
    """The element's outer HTML without the elements of `remove` (CSS; the text after each is
    kept), from a copy: the page is not changed."""
    copy = Selector(text=node.get(), type="html").xpath("//body/*[1]")
    if not copy:
        return ""
    for css in remove:
        for element in copy[0].css(css):
            if element.root.getparent() is not None:
                element.root.drop_tree()
    return copy[0].get()


def body_container(page, containers, remove=()) -> str | None:
    """Outer HTML of the first element matching one of `containers` (tried in order), without
    the elements of `remove`; None when no container is on the page. The page is not changed."""
    sel = as_selector(page)
    for css in (containers,) if isinstance(containers, str) else containers:
        found = sel.css(css)
        if found:
            return without(found[0], remove)
    return None


def has_text(html: str | None) -> bool:
    """True when the HTML shows text or an image (scripts and styles do not count)."""
    if not html:
        return False
    sel = Selector(text=html, type="html")
    text = "".join(sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    return bool(text.strip()) or bool(sel.css("img"))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

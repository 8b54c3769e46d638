"""What the HTML-page sources (sina, morningstar, stheadline) share.

Plain helpers that read an article page (a Scrapy response or HTML text):

- `page_response`: the response decoded with the encoding qq's `decide_encoding` verifies
  against the bytes (GBK served as GB2312, UTF-8 pages whose meta still says gb2312 ...);
- `page_time`: the page's own publication time: `meta[property="article:published_time"]`
  (and its usual variants), then JSON-LD `datePublished`, then visible time elements given by
  the source (a `datetime` attribute wins over the element's text); None when none is readable
  (no fuzzy parsing);
- `body_container`: the first container matching a selector, copied, minus the elements of
  the source's removal selectors (ads, QR codes, editor lines, scripts, styles);
- `clean_title`, `meta_content`, `absolute_url`.

`PageSourceSpider` is the SourceSpider (crawler/sources/common.py) of sources whose list or
feed points to article pages: article requests through the `<SOURCE>_ARTICLE_URL` template,
the cookie setting, articles without id known by their link, 401/403 and other failures
counted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import HtmlResponse, Response

from crawler.items import Article
from crawler.sources.common import SourceSpider, source_time
from crawler.sources.qq import decide_encoding

PUBLISHED_META = (
    'meta[property="article:published_time"]::attr(content)',
    'meta[name="article:published_time"]::attr(content)',
    'meta[itemprop="datePublished"]::attr(content)',
    'meta[property="og:article:published_time"]::attr(content)',
)
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_NEWLINES = re.compile(r"\s*[\r\n\t]\s*")


def page_response(response: Response) -> HtmlResponse:
    """The response as an HtmlResponse decoded by decide_encoding (header and meta checked
    against the bytes; gb2312/gbk read as gb18030)."""
    encoding = decide_encoding(response.body, response.headers.get(b"Content-Type"))
    if isinstance(response, HtmlResponse) and response.encoding == encoding:
        return response
    return HtmlResponse(
        url=response.url, status=response.status, headers=response.headers, body=response.body,
        encoding=encoding, request=response.request, flags=list(response.flags),
        protocol=getattr(response, "protocol", None),
    )


def as_selector(page) -> Selector:
    if isinstance(page, Selector):
        return page
    if isinstance(page, Response):
        return page_response(page).selector
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


def absolute_url(url: str, base: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if url.startswith("//"):
        return ("http:" if base.startswith("http:") else "https:") + url
    return urljoin(base, url) if base else url


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


def jsonld_value(page, key: str) -> str:
    for obj in jsonld_objects(page):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def page_time(page, visible: tuple[str, ...] = ()) -> dt.datetime | None:
    """The page's publication time in Beijing time, or None.

    Order: article:published_time metas, JSON-LD datePublished, then each visible selector
    (its `datetime` attribute, else its text). A value without zone is Beijing time (all three
    sources write local UTC+8 times without zone when they omit it).
    """
    sel = as_selector(page)
    candidates = [sel.css(css).get() for css in PUBLISHED_META]
    candidates += [obj.get("datePublished") for obj in jsonld_objects(sel)]
    for css in visible:
        for node in sel.css(css):
            candidates.append(node.attrib.get("datetime"))
            candidates.append(clean_title("".join(node.css("::text").getall())))
    return source_time(*[c.strip() if isinstance(c, str) else c for c in candidates])


def _remove(node: Selector, selectors) -> None:
    for css in selectors:
        for element in node.css(css):
            if element.root.getparent() is not None:
                element.root.drop_tree()  # keeps the text that follows the element


def body_container(page, containers, remove=()) -> str | None:
    """Outer HTML of the first element matching one of `containers` (tried in order), without
    the elements of `remove`; None when no container is on the page. The page is not changed."""
    sel = as_selector(page)
    for css in (containers,) if isinstance(containers, str) else containers:
        found = sel.css(css)
        if found:
            copy = Selector(text=found[0].get(), type="html").xpath("//body/*[1]")
            if not copy:
                return ""
            _remove(copy[0], remove)
            return copy[0].get()
    return None


def has_text(html: str | None) -> bool:
    """True when the HTML shows text or an image (scripts and styles do not count)."""
    if not html:
        return False
    sel = Selector(text=html, type="html")
    text = "".join(sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    return bool(text.strip()) or bool(sel.css("img"))


def body_drop_reason(body: str | None) -> str:
    """"no_body" when the page had no container, "empty_body" when it shows nothing, else ""."""
    if body is None:
        return "no_body"
    return "" if has_text(body) else "empty_body"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class PageSourceSpider(SourceSpider):
    """SourceSpider of a list/feed + article pages. Subclasses set COOKIE_SETTING (also read
    from the environment) and ARTICLE_URL_SETTING: a template of the article request, `{url}`
    (the article's link, the default) or e.g. `http://127.0.0.1:8000{path}` for a mirror or a
    test server (`{path}` = the link's path and query). The archive link is always the
    article's own URL."""

    COOKIE_SETTING = ""
    ARTICLE_URL_SETTING = ""

    def headers(self, accept: str = HTML_ACCEPT) -> dict:
        headers = {"Accept": accept}
        cookie = self.setting(self.COOKIE_SETTING) if self.COOKIE_SETTING else ""
        if cookie:
            headers["Cookie"] = cookie
        return headers

    def discovery_request(self, url: str, callback, accept: str = HTML_ACCEPT, **meta) -> scrapy.Request:
        return scrapy.Request(url, headers=self.headers(accept), callback=callback, errback=self.discovery_failed,
                              dont_filter=True, meta={"handle_httpstatus_list": [401, 403], **meta})

    def discovery_ok(self, response) -> bool:
        if self.denied(response):
            self.inc("discovery_failed")
            return False
        return True

    def article_request(self, link: str, callback, **meta) -> scrapy.Request:
        template = self.setting(self.ARTICLE_URL_SETTING) or "{url}"
        url = template.format(url=link, path=path_of(link))
        # dont_filter: articles are de-duplicated by the spider (take); Scrapy's filter would
        # drop the hops of a redirect loop silently instead of failing the request.
        return scrapy.Request(url, headers=self.headers(), callback=callback, errback=self.page_failed,
                              dont_filter=True, meta={"handle_httpstatus_list": [401, 403, 404, 410], **meta})

    def page_ok(self, response) -> bool:
        """False (counted, logged) when the article page was refused or is missing."""
        if self.denied(response):
            return False
        if response.status != 200:
            self.page_error(response.url, f"HTTP {response.status}")
            return False
        return True

    def finish(self, article):
        """The source's time, else the crawl time (counted) for an article that makes a file."""
        if not article.get("drop_reason"):
            article["published"] = self.published_or_now(article.get("published"), article["link"])
        return article

"""Real items of a feed or list-page source as its site serves them, for every source whose
article is an HTML page read with its site file's selectors (pharmexec, stockinvest, etf ...):
`SitePages` writes the RSS feed or the list page of the items and each item's article page
around its real body; `real_articles` gives the (item, Article) pairs the site's own spider
makes of them, for tests.support.real_items.check_real_items.

The page skeleton is invented: a site header, the item's title in `<h1>`, the site's `page`
wrapper around the item's real body (the element the old crawler kept, which the site file's
selectors name) with an invented `ad` (of a class the site file removes) after its first
paragraph, a related-stories aside. The time, the item's `pub_date` (Beijing), is written in
the site's own zone with its offset, as `article:published_time` and JSON-LD `datePublished`
in turn (or, `page_time = False`, only in the feed's `pubDate`); the item's image is the
page's `og:image`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Callable
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from tests.support.page_responses import esc, head_time, inject_after_first_paragraph, published, response

UTC = dt.timezone.utc
FEED_KINDS = ("rss", "atom", "feed")
PAGE_TIME_FORMS = ("meta", "jsonld")


@dataclass(frozen=True)
class SitePages:
    """How one site serves its items. `card`: one list entry (`{href}`, `{title}`, `{image}`
    filled in, escaped); `page`: the article's part of the page around `{body}` (the real
    body with `ad` inside) and `{title}`; `zone`: the zone the site writes times in;
    `cards`: the list's element around the cards (`{cards}`); `feed_link(item)`: the link the
    feed gives for an item (a mirror's)."""

    discovery_url: str
    card: str = '<article class="post"><h2><a href="{href}">{title}</a></h2></article>'
    cards: str = "{cards}"
    page: str = '<article class="post"><h1>{title}</h1>{body}</article>'
    ad: str = ""
    zone: dt.tzinfo = UTC
    page_time: bool = True
    relative_links: bool = True
    feed_link: Callable[[dict], str] | None = None

    # ------------ discovery

    def discovery_response(self, items: list[dict], kind: str):
        if kind in FEED_KINDS:
            return response(self.discovery_url, self.feed(items), "application/rss+xml; charset=utf-8")
        return response(self.discovery_url, self.list_page(items).encode("utf-8"))

    def href(self, item: dict) -> str:
        if not self.relative_links:
            return item["link"]
        parts = urlsplit(item["link"])
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def list_page(self, items: list[dict]) -> str:
        cards = "".join(self.card.format(href=esc(self.href(i)), title=esc(i["title"]), image=esc(cover(i)))
                        for i in items)
        return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Invented list</title></head><body>'
                '<header class="site-header"><nav><a href="/">Home</a><a href="/about">About</a></nav></header>'
                f'<main class="site-main">{self.cards.format(cards=cards)}</main><footer>Invented footer</footer></body></html>')

    def feed(self, items: list[dict]) -> bytes:
        def one(item: dict) -> str:
            link = self.feed_link(item) if self.feed_link else item["link"]
            return (f"<item><title>{escape(item['title'])}</title><link>{escape(link)}</link>"
                    f"<guid isPermaLink=\"true\">{escape(link)}</guid>"
                    f"<pubDate>{format_datetime(published(item).astimezone(self.zone))}</pubDate>"
                    "<dc:creator>Invented Writer</dc:creator><description>Invented teaser.</description></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                "<channel><title>Invented feed</title><link>https://feed.invalid/</link><description>News</description>"
                + "".join(map(one, items)) + "</channel></rss>").encode("utf-8")

    # ------------ article pages

    def time_form(self, index: int) -> str:
        return PAGE_TIME_FORMS[index % len(PAGE_TIME_FORMS)] if self.page_time else "none"

    def page_html(self, item: dict, index: int) -> str:
        body = inject_after_first_paragraph(item["description"], self.ad) if self.ad else item["description"]
        image = f'<meta property="og:image" content="{esc(cover(item))}">' if cover(item) else ""
        return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f'<title>{esc(item["title"])} | Invented Site</title><link rel="canonical" href="{esc(item["link"])}">'
                f'{image}{head_time(item, self.time_form(index), self.zone)}</head><body>'
                '<header class="site-header"><a href="/">Invented site header</a></header><main>'
                + self.page.format(title=esc(item["title"]), body=body)
                + '<aside class="related"><h2>Invented related stories</h2><ul><li><a href="/other">Another story</a>'
                  '</li></ul></aside></main><footer class="site-footer">Invented footer</footer></body></html>')

    def page_response(self, item: dict, index: int):
        return response(item["link"], self.page_html(item, index).encode("utf-8"))


def cover(item: dict) -> str:
    """The item's image when it is an image's URL (an old crawler kept lazy-load placeholders,
    `data:` URIs, which a page's og:image never is)."""
    image = item.get("image") or ""
    return image if image.startswith(("http://", "https://")) else ""


def real_articles(source, pages: SitePages, items: list[dict]):
    """(item, Article) for every item: the discovery answer of all the items through the
    site's spider (`source`, a tests.support.site_source.SiteSource), every entry found with
    its title, then each item's page through the spider's article callback."""
    entries = source.list_entries(pages.discovery_response(items, source.config.kind))
    by_link = {e.link: e for e in entries}
    assert len(entries) == len(items) and set(by_link) == {i["link"] for i in items}, \
        sorted(set(by_link) ^ {i["link"] for i in items})[:5]
    for index, item in enumerate(items):
        entry = by_link[item["link"]]
        assert entry.title == item["title"].strip(), (entry.title, item["title"])
        yield item, source.parse_article(pages.page_response(item, index), entry)


def expected_file(item: dict) -> dict:
    """What the file of an item of a source without id must say (tests.support.real_items.expected):
    named md5(title + time), the time as written, the page's cover."""
    from tests.support.real_items import expected

    return {**expected(item, named_by_id=False), "thumbnail": cover(item)}


def check_site_items(source, pages: SitePages, items: list[dict], tmp_path, capsys, **checks):
    """Every item through the site's spider (`real_articles`) and the pipelines, each file
    checked (tests.support.real_items.check_real_items: `expected_file`; `checks`: its
    `removed`, `strict` ...); the counts."""
    from tests.support.real_items import check_real_items

    return check_real_items(source.config.name, real_articles(source, pages, items), tmp_path, capsys,
                            folder=source.FOLDER, language=source.LANGUAGE, want=expected_file, **checks)


def check_fixture_twice(site: str, tmp_path):
    """The replayed `scrapy crawl <site>` of fixtures/<site>/nightly, twice
    (tests.support.crawls.check_crawl_twice: its expected files, then no article requested)."""
    from pathlib import Path

    from tests.support.crawls import check_crawl_twice
    from tests.support.site_runs import replay

    fixture = Path(__file__).resolve().parents[2] / "fixtures" / site / "nightly"
    return check_crawl_twice(fixture, lambda archive, *more: replay(site, fixture, archive, *more), tmp_path)


def served_crawl(site: str, overrides: dict, env: dict | None = None):
    """`crawl(archive, *more)`: the real `scrapy crawl <site>` with its site file's URLs
    replaced (`overrides`, SITE_OVERRIDES: a local server's) and `env` (a secret) set, for
    tests.support.crawls.check_crawl_twice."""
    import json

    from tests.support.cli import run_scrapy
    from tests.support.site_runs import QUIET

    def crawl(archive, *more):
        return run_scrapy("crawl", site, "-s", "SITE_OVERRIDES=" + json.dumps({site: overrides}),
                          "-s", f"ARCHIVE_DIR={archive}", *QUIET, *more, env=env)
    return crawl

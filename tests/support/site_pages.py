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
in turn (or, `page_time = False`, only in the feed's `pubDate` or where the `page` template
says `{time}`); the item's image is the page's `og:image`. Pages are served in the site's
`encoding`, declaring its `charset`.

`check_served_items` serves all of it on 127.0.0.1 and runs the real `scrapy crawl <site>`
once over it (the engine, the downloader's decoding, the pipelines), then checks every file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Callable
from xml.sax.saxutils import escape

from tests.support.page_responses import (esc, head_time, inject_after_first_paragraph, meta_or_jsonld, path_of,
                                          published, response)

UTC = dt.timezone.utc
FEED_KINDS = ("rss", "atom", "feed")


@dataclass(frozen=True)
class SitePages:
    """How one site serves its items. `card`: one list entry (`{href}`, `{title}`, `{image}`
    filled in, escaped); `page`: the article's part of the page around `{body}` (the real
    body with `ad` inside), `{title}` and `{time}` (the item's time in `zone` as
    `time_format` writes it); `zone`: the zone the site writes times in;
    `cards`: the list's element around the cards (`{cards}`); `feed_link(item)`: the link the
    feed gives for an item (a mirror's); `encoding`: the bytes of the list and the pages
    (characters it lacks as numeric references, as such a site writes them), `charset`: what
    the page and its Content-Type declare (default: the encoding); `lang`: the page's."""

    discovery_url: str
    card: str = '<article class="post"><h2><a href="{href}">{title}</a></h2></article>'
    cards: str = "{cards}"
    page: str = '<article class="post"><h1>{title}</h1>{body}</article>'
    ad: str = ""
    zone: dt.tzinfo = UTC
    page_time: bool = True
    relative_links: bool = True
    feed_link: Callable[[dict], str] | None = None
    time_format: str = "%Y-%m-%d %H:%M:%S"
    encoding: str = "utf-8"
    charset: str = ""
    lang: str = "en"

    # ------------ discovery

    @property
    def declared(self) -> str:
        return self.charset or self.encoding

    def html_bytes(self, text: str) -> bytes:
        return text.encode(self.encoding, errors="xmlcharrefreplace")

    def discovery_answer(self, items: list[dict], kind: str) -> tuple[bytes, str]:
        """(body, Content-Type) of the feed or list page of the items."""
        if kind in FEED_KINDS:
            return self.feed(items), "application/rss+xml; charset=utf-8"
        return self.html_bytes(self.list_page(items)), f"text/html; charset={self.declared}"

    def discovery_response(self, items: list[dict], kind: str):
        return response(self.discovery_url, *self.discovery_answer(items, kind))

    def href(self, item: dict) -> str:
        return path_of(item["link"]) if self.relative_links else item["link"]

    def list_page(self, items: list[dict]) -> str:
        cards = "".join(self.card.format(href=esc(self.href(i)), title=esc(i["title"]), image=esc(cover(i)))
                        for i in items)
        return (f'<!DOCTYPE html><html lang="{self.lang}"><head>{self.meta_charset()}<title>Invented list</title></head><body>'
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

    def meta_charset(self) -> str:
        return f'<meta http-equiv="Content-Type" content="text/html; charset={self.declared}">'

    def time_form(self, index: int) -> str:
        return meta_or_jsonld(index) if self.page_time else "none"

    def page_html(self, item: dict, index: int) -> str:
        body = inject_after_first_paragraph(item["description"], self.ad) if self.ad else item["description"]
        image = f'<meta property="og:image" content="{esc(cover(item))}">' if cover(item) else ""
        return (f'<!DOCTYPE html><html lang="{self.lang}"><head>{self.meta_charset()}'
                f'<title>{esc(item["title"])} | Invented Site</title><link rel="canonical" href="{esc(item["link"])}">'
                f'{image}{head_time(item, self.time_form(index), self.zone)}</head><body>'
                '<header class="site-header"><a href="/">Invented site header</a></header><main>'
                + self.page.format(title=esc(item["title"]), body=body,
                                   time=published(item).astimezone(self.zone).strftime(self.time_format))
                + '<aside class="related"><h2>Invented related stories</h2><ul><li><a href="/other">Another story</a>'
                  '</li></ul></aside></main><footer class="site-footer">Invented footer</footer></body></html>')

    def page_answer(self, item: dict, index: int) -> tuple[bytes, str]:
        """(body, Content-Type) of the item's article page."""
        return self.html_bytes(self.page_html(item, index)), f"text/html; charset={self.declared}"

    def page_response(self, item: dict, index: int):
        return response(item["link"], *self.page_answer(item, index))


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


def every_real_item_test(source, pages: SitePages, *, served: bool = False, **checks):
    """The test, for a source's module to take as its `test_every_real_item`, that every real
    item `pages` serves makes its file, checked (`check_site_items`, or, `served`, one real
    crawl over 127.0.0.1 with no fallback and no selector missed: `check_served_items`;
    `checks`: their `removed`, `strict`)."""
    from tests.support.shared import seed_items

    def test_every_real_item(tmp_path, capsys):
        items = seed_items(source.config.name)
        if served:
            assert check_served_items(source, pages, items, tmp_path, capsys, **checks) == all_written(items)
        else:
            assert check_site_items(source, pages, items, tmp_path, capsys, **checks) == {"written": len(items)}

    return test_every_real_item


def replayed_fixture_test(site: str):
    """The test, for a source's module to take as its `test_replayed_fixture_crawl_twice`:
    `check_fixture_twice`."""
    def test_replayed_fixture_crawl_twice(tmp_path):
        check_fixture_twice(site, tmp_path)

    return test_replayed_fixture_crawl_twice


def nightly(site: str):
    """fixtures/<site>/nightly."""
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "fixtures" / site / "nightly"


def check_fixture_twice(site: str, tmp_path, **more):
    """The replayed `scrapy crawl <site>` of fixtures/<site>/nightly, twice
    (tests.support.crawls.check_crawl_twice, `more` its keyword arguments: its expected files,
    then no article requested); the two run reports."""
    from tests.support.crawls import check_crawl_twice
    from tests.support.site_runs import replay

    fixture = nightly(site)
    return check_crawl_twice(fixture, lambda archive, *args: replay(site, fixture, archive, *args), tmp_path, **more)


def check_served_fixture(site: str, tmp_path, overrides, *, env: dict | None = None, article=None):
    """fixtures/<site>/nightly served on 127.0.0.1 and the real `scrapy crawl <site>` run over
    it twice (tests.support.crawls.check_crawl_twice): `overrides(server)` points the site
    file's URLs at the server (`served_crawl`), `env` sets a secret; `article(path)` tells an
    article request (the second run makes none). Returns (the two run reports, every request
    the server saw)."""
    from tests.support.crawls import check_crawl_twice
    from tests.support.server import TestServer

    fixture = nightly(site)
    with TestServer() as server:
        server.load_fixture(fixture)
        requested = (lambda: [p for p in server.requested() if article(p)]) if article else None
        reports = check_crawl_twice(fixture, served_crawl(site, overrides(server), env), tmp_path,
                                    article_requests=requested)
    return reports, server.requests


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


def all_written(items: list[dict]) -> dict:
    """`check_served_items`' counts when every item makes its file, each field from the site
    file's own selectors or the feed (no fallback, no selector missed)."""
    return {"checked": len(items), "written": len(items), "dropped": {}, "fallbacks": {}, "selector_missed": {}}


def check_served_items(source, pages: SitePages, items: list[dict], tmp_path, capsys, **checks) -> dict:
    """Every item served on 127.0.0.1 as the site serves it (`pages`: the discovery answer of
    all the items, each item's page at its own path, in the site's encoding) and the real
    `scrapy crawl <site>` run once over it (its discovery and article URLs pointed at the
    server, no limit) into `tmp_path / "archive"`; every item's file, found by its closing
    link, checked as `check_site_items` checks it (`checks`: its `removed`, `strict`).
    Returns the run report's counts (`checked`: files checked, `written`, `dropped` by reason,
    `fallbacks` and `selector_missed` by field), after one summary line."""
    from tests.support.crawls import run_with_report
    from tests.support.real_items import check_outcomes
    from tests.support.server import Reply, TestServer
    from tests.support.source_pipeline import split_file

    config, archive = source.config, tmp_path / "archive"
    with TestServer() as server:
        answers = [(pages.discovery_url, pages.discovery_answer(items, config.kind))]
        answers += [(item["link"], pages.page_answer(item, index)) for index, item in enumerate(items)]
        for url, (body, content_type) in answers:
            server.add("GET", path_of(url), Reply(body=body, headers={"Content-Type": content_type}))
        crawl = served_crawl(config.name, {"discovery.url": server.url(path_of(pages.discovery_url)),
                                           "request.article_url": server.base + "{path}"})
        result, report = run_with_report(lambda *more: crawl(archive, "-a", f"limit={len(items)}", *more),
                                         tmp_path / "report.json")
    assert result.returncode == 0 == report["exit_status"]["code"], result.stderr[-3000:]
    assert (report["discovered"], report["requested"], report["time_fallbacks"]) == (len(items), len(items), 0)

    folder = archive / config.language / "news" / config.folder
    by_link = {}
    for path in sorted(folder.glob("*.md")):
        closing = split_file(path.read_text(encoding="utf-8"))[2]
        by_link[closing[closing.rindex("](") + 2:-1]] = {"archive_path": path.relative_to(archive).as_posix()}
    counts = check_outcomes(config.name, ((i, by_link.get(i["link"], "not_written")) for i in items), archive,
                            capsys, folder=config.folder, language=config.language, want=expected_file, quiet=True,
                            **checks)
    assert len(by_link) == counts["written"] == report["written"], (len(by_link), counts, report["written"])
    assert counts["dropped/not_written"] == sum(report["dropped"].values()), (counts, report["dropped"])
    found = {"checked": counts["written"], "written": report["written"], "dropped": report["dropped"],
             "fallbacks": report["fallbacks"], "selector_missed": report["selector_missed"]}
    with capsys.disabled():
        print(f"\n{config.name}: {len(items)} real items served on 127.0.0.1, one `scrapy crawl {config.name}`: "
              f"checked {found['checked']} / written {found['written']} / dropped "
              f"{sum(found['dropped'].values())} {found['dropped']}; left in: {counts['left_in']}; "
              f"fallbacks {found['fallbacks']}; selectors missed {found['selector_missed']}")
    return found

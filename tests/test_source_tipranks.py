"""tipranks: every real item as its feed (header posts, announcements, news feeds) and its
article page (the post in window.__STATE__) serve it, through the parser and the pipelines;
and the real `scrapy crawl tipranks` against a local server serving fixtures/tipranks/nightly."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.hooks import tipranks as hook
from crawler.sources.generic import Entry

from tests.support import tipranks_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice, crawl_given_links
from tests.support.memory import archive  # noqa: F401 (a fixture)
from tests.support.page_responses import response
from tests.support.reader import NotArticle, reader_text
from tests.support.real_items import check_real_items, expected
from tests.support.server import TestServer
from tests.support.shared import seed_items
from tests.support.site_source import SiteSource

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "tipranks" / "nightly"
source = SiteSource("tipranks")  # sites/tipranks.toml through its spider
# What a person removes from a real tipranks body: the site's promotions (a sale, the premium
# plan, the newsletter, the smart score and portfolio tools, its ETF, each a heading over a list), the
# "Trending Articles:" list after the text, and the links to the stock-analysis pages.
NOT_ARTICLE = NotArticle(
    lines=tuple(r"^\s*" + p for p in (
        r"(Summer Sale - )?Claim \d+% Off TipRanks$", r"Maximize Your Portfolio with Data Driven Insights:$",
        r"Invest with Confidence:$", r"Unlock powerful investing tools with TipRanks Premium",
        r"Subscribe to TipRanks Smart Investor Newsletter", r"Leverage the power of TipRanks' Smart Score",
        r"Monitor your stock picks and compare them to top Wall Street", r"Follow TipRanks' Top Wall Street Analysts",
        r"Join thousands of data-driven investors", r"TipRanks Welcomes a New ETF", r"TipRanks has entered a new arena",
        r"RANK tracks the performance of the TipRanks")) + (r"Stock Analysis page\.?$",),
    from_line=(r"^Trending Articles:$",))


def articles_of(items):
    """(item, Article) of every item, its entry from its own feed."""
    for kind, url in enumerate(responses.FEEDS):
        chosen = [i for i in items if responses.block(i) == kind]
        requests, made = source.discover(response(url, responses.feed_answer(chosen, kind), "application/json"), kind)
        assert not made
        entries = [Entry.from_meta(r.cb_kwargs["entry"]) for r in requests]
        assert [(e.id, e.link, e.block) for e in entries] == [(str(i["id"]), i["link"], kind) for i in chosen]
        for item, entry in zip(chosen, entries):
            yield item, source.parse_article(response(entry.link, responses.page(item)), entry)


def test_every_real_item(archive, capsys):
    items = seed_items("tipranks")
    # Each item's category (the categories value and the closing link's text) is the feed it came from.
    counts = check_real_items("tipranks", articles_of(items), archive, capsys, folder="tipranks", language="en",
                              want=lambda item: {**expected(item), "category": item["source"]}, removed=NOT_ARTICLE,
                              kind=lambda item: item["source"])
    assert counts["written"] == len(items)


def test_the_state_is_read_without_eval_and_a_page_without_it_is_kept():
    page = ('<script>window.__STATE__=JSON.parse("{\\"a\\":{\\"_id\\":2,\\"content\\":\\"\\u003Cp>Two\\u003C/p>\\",'
            '\\"date\\":\\"x\\"},\\"b\\":{\\"_id\\":1,\\"title\\":\\"One & only\\",\\"content\\":\\"\\u003Cp>One\\u003C/p>\\",'
            '\\"date\\":\\"2026-03-02T01:00:00.000Z\\"}}");</script>')
    made = hook.state_page(page, Entry(link="https://www.tipranks.com/news/one", id="1"))
    assert "<h1>One &amp; only</h1>" in made and '<article class="tipranks-state"><p>One</p></article>' in made
    assert hook.state_page("<html><body>shell</body></html>", None) == "<html><body>shell</body></html>"
    assert hook.state_of('window.__STATE__ = {"k": [1]};') == {"k": [1]}
    assert hook.state_of('window.__STATE__=JSON.parse(__import__("os"));') is None


def test_a_page_without_state_is_no_body_not_the_shell():
    entry = Entry(link="https://www.tipranks.com/news/x", id="9", title="T", published="2026-03-02T01:00:00Z")
    article = source.parse_article(response(entry.link, b"<html><body><div id='app'><p>Loading the invented app, "
                                                         b"please wait while it starts up</p></div></body></html>"), entry)
    assert article["drop_reason"] == "no_body" and source.stats["tipranks/selector_missed/body"] >= 1


@pytest.mark.parametrize("kind", [0, 1, 2])
def test_each_feed_has_its_category(kind):
    item = {"id": 1700000 + kind, "title": "Invented", "link": "https://tipranks.com/news/invented" if kind == 0
            else "https://www.tipranks.com/news/invented", "pub_date": "2026-03-02 09:00:00", "image": "",
            "author": "", "path": ("list.json", "announcements.json", "others.json")[kind]}
    requests, _ = source.discover(response(responses.FEEDS[kind], responses.feed_answer([item], kind),
                                           "application/json"), kind)
    (request,) = requests
    entry = Entry.from_meta(request.cb_kwargs["entry"])
    page = responses.page(dict(item, description="<p>Invented text.</p>"))
    article = source.parse_article(response(entry.link, page), entry)
    assert article["category"] == ("tipranks", "tipranks_announcements", "tipranks_others")[kind]
    assert reader_text(article["body_html"]) == "Inventedtext." and article["link"] == item["link"]


def on(server, url: str) -> str:
    """The site's URL on the local server (its path and query kept: the fixture's)."""
    parts = urlsplit(url)
    return server.url(parts.path + (f"?{parts.query}" if parts.query else ""))


def _crawl(server, archive, *extra):
    blocks = source.config.discoveries
    return run_scrapy(
        "crawl", "tipranks", "-s", "SITE_OVERRIDES=" + json.dumps({"tipranks": {
            "discovery.0.url": on(server, blocks[0].urls[0]), "discovery.1.url": on(server, blocks[1].urls[0]),
            "discovery.2.urls": [on(server, url) for url in blocks[2].urls],
            "request.article_url": f"{server.base}{{path}}"}}),
        "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "RETRY_TIMES=0", *extra)


def test_crawl_fixture_end_to_end(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        first, _second = check_crawl_twice(FIXTURE, partial(_crawl, server), tmp_path,
                                           article_requests=lambda: [p for p in server.requested() if p.startswith("/news/")])
    assert first["discovered"] == 3 and first["stats"]["tipranks/duplicate"] == 5  # six news feeds, one post


def test_a_page_given_by_its_link(tmp_path):
    link = "https://www.tipranks.com/news/company-announcements/invented-harbour-group-reports-record-tonnage"
    result, report, _asked = crawl_given_links(FIXTURE, _crawl, tmp_path, link)
    assert result.returncode == 0 and report["written"] == 1 and report["time_fallbacks"] == 0, result.stderr[-2000:]

"""stockinvest: every real item as the digest lists and article pages serve it, through the
spider and the pipelines; `scrapy crawl stockinvest` of fixtures/stockinvest/nightly against a
local server with its cookie set (the site is disabled until it is)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crawler.sources.site_file import load_site

from tests.support.crawls import check_crawl_twice
from tests.support.server import TestServer
from tests.support.shared import seed_items
from tests.support.site_pages import SitePages, check_site_items, served_crawl
from tests.support.site_source import SiteSource

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "stockinvest" / "nightly"
source = SiteSource("stockinvest")  # sites/stockinvest.toml through its spider

# The digest list: `.digest-grid > div` cards, the link (absolute) in `.btn-header .font-size-16 > a`;
# the page: the item's real `.digest-article-content` with a `.caas-da` ad slot; New York time.
PAGES = SitePages(
    "https://stockinvest.us/digest/category/latest-stock-market-news?page=1", relative_links=False,
    cards='<div class="digest-grid">{cards}</div>',
    card='<div><div class="btn-header"><div class="font-size-16"><a href="{href}">{title}</a></div></div>'
         '<p>Invented teaser.</p></div>',
    ad='<div class="caas-da"><p>Invented advertisement</p></div>', zone=dt.timezone(dt.timedelta(hours=-5)))


def test_every_real_item(tmp_path, capsys):
    items = seed_items("stockinvest")
    # A person keeps all of a stockinvest digest (the invented ad slot is not the item's).
    counts = check_site_items(source, PAGES, items, tmp_path, capsys)
    assert counts == {"written": len(items)}


def test_disabled_until_its_cookie_is_set():
    config = load_site("stockinvest", ROOT / "sites")
    assert not config.enabled and "STOCKINVEST_COOKIE" in config.disabled_reason
    assert config.secrets == ("STOCKINVEST_COOKIE",)


def test_crawl_fixture_twice_with_the_cookie(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        crawl = served_crawl("stockinvest", {
            "discovery.urls": [server.url("/digest/category/latest-stock-market-news?page=1"),
                               server.url("/digest/category/analysis-and-ideas")],
            "request.article_url": f"{server.base}{{path}}"}, env={"STOCKINVEST_COOKIE": "cf_clearance=test-clearance"})
        one, _two = check_crawl_twice(FIXTURE, crawl, tmp_path, article_requests=lambda: [
            p for p in server.requested() if p.startswith("/digest/") and "/category/" not in p])
        cookies = [r.headers.get("Cookie") for r in server.requests if r.path.startswith("/digest/")]
    assert one["discovered"] == 3  # the second list repeats the first list's first card: requested once
    assert cookies and all(c == "cf_clearance=test-clearance" for c in cookies)

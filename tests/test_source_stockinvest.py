"""stockinvest: every real item as the digest lists and article pages serve it, through the
spider and the pipelines; `scrapy crawl stockinvest` of fixtures/stockinvest/nightly against a
local server with its cookie set (the site is disabled until it is)."""

from __future__ import annotations

import datetime as dt

from tests.support.site_pages import SitePages, check_served_fixture, every_real_item_test
from tests.support.site_runs import check_held_back_by
from tests.support.site_source import SiteSource

source = SiteSource("stockinvest")  # sites/stockinvest.toml through its spider

# The digest list: `.digest-grid > div` cards, the link (absolute) in `.btn-header .font-size-16 > a`;
# the page: the item's real `.digest-article-content` with a `.caas-da` ad slot; New York time.
PAGES = SitePages(
    "https://stockinvest.us/digest/category/latest-stock-market-news?page=1", relative_links=False,
    cards='<div class="digest-grid">{cards}</div>',
    card='<div><div class="btn-header"><div class="font-size-16"><a href="{href}">{title}</a></div></div>'
         '<p>Invented teaser.</p></div>',
    ad='<div class="caas-da"><p>Invented advertisement</p></div>', zone=dt.timezone(dt.timedelta(hours=-5)))


# A person keeps all of a stockinvest digest (the invented ad slot is not the item's).
test_every_real_item = every_real_item_test(source, PAGES)


def test_disabled_until_its_cookie_is_set():
    check_held_back_by("stockinvest", "STOCKINVEST_COOKIE")


def test_crawl_fixture_twice_with_the_cookie(tmp_path):
    (one, _two), requests = check_served_fixture(
        "stockinvest", tmp_path, lambda server: {
            "discovery.urls": [server.url("/digest/category/latest-stock-market-news?page=1"),
                               server.url("/digest/category/analysis-and-ideas")],
            "request.article_url": f"{server.base}{{path}}"}, env={"STOCKINVEST_COOKIE": "cf_clearance=test-clearance"},
        article=lambda p: p.startswith("/digest/") and "/category/" not in p)
    cookies = [r.headers.get("Cookie") for r in requests if r.path.startswith("/digest/")]
    assert one["discovered"] == 3  # the second list repeats the first list's first card: requested once
    assert cookies and all(c == "cf_clearance=test-clearance" for c in cookies)

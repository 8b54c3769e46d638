"""smartphonemagazine: every real item as the news list and the WordPress article pages serve it,
through the spider and the pipelines; the replayed `scrapy crawl smartphonemagazine` of
fixtures/smartphonemagazine/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.page_responses import response
from tests.support.site_runs import start_requests
from tests.support.site_source import SiteSource

source = SiteSource("smartphonemagazine")  # sites/smartphonemagazine.toml through its spider

# The list: one `article` card per item (thumbnail, `h2 > a`, absolute link); the page: the item's
# real `.entry-content` with an embedded video player in it; Amsterdam time.
PAGES = SitePages(
    "https://smartphonemagazine.nl/en/category/news-en/", relative_links=False,
    card='<article class="post"><figure><img src="{image}" alt=""></figure><h2 class="entry-title">'
         '<a href="{href}">{title}</a></h2><div class="excerpt">Invented excerpt.</div></article>',
    ad='<div itemprop="video"><p>Invented video: watch the unboxing</p></div>', zone=dt.timezone(dt.timedelta(hours=1)))


# A person keeps all of a smartphonemagazine body (the invented video player is not the item's).
test_every_real_item = every_real_item_test(source, PAGES)
test_replayed_fixture_crawl_twice = replayed_fixture_test("smartphonemagazine")


def test_direct_urls_limit_and_since():
    direct = SiteSource("smartphonemagazine", urls="https://smartphonemagazine.nl/en/2026/03/02/a/,"
                                                   "https://smartphonemagazine.nl/en/2026/03/02/b/", limit=1, since="2026-03-03")
    (request,) = start_requests(direct)
    assert request.url == "https://smartphonemagazine.nl/en/2026/03/02/a/"
    assert direct.stats["smartphonemagazine/skipped_limit"] == 1
    page = response(request.url, b'<html><head><meta property="article:published_time" content="2026-03-02T16:59:00+01:00">'
                                 b'</head><body><h1>A</h1><div class="entry-content"><p>Text.</p></div></body></html>')
    assert direct.parse_article(page)["drop_reason"] == "too_old"  # 23:59 Beijing, the day before


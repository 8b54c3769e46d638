"""coindesk: every real item as the list and article pages serve it, through the spider and the
pipelines; the replayed `scrapy crawl coindesk` of fixtures/coindesk/nightly (both lists)."""

from __future__ import annotations

from tests.support import coindesk_responses as responses
from tests.support import page_source_tests as shared
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.site_runs import start_requests
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("coindesk")  # sites/coindesk.toml through its spider

# A person keeps all of a real coindesk body (the article's key points).
NOT_ARTICLE = NotArticle()


test_every_real_item_parsed, test_every_real_item_written, test_an_ad_left_in_fails_the_checks = shared.page_tests(
    source, responses, NOT_ARTICLE)


def test_only_dated_markets_and_business_articles_are_followed():
    page = response(responses.LIST, (
        '<div class="grid"><div class="flex"><a href="/markets">Markets</a><a href="/tech/2026/03/02/a">Tech</a>'
        '<a href="/business/2026/03/02/b"><img src="/b.jpg"></a><a href="/business/2026/03/02/b">B</a>'
        '<a href="/markets/2026/03/01/c">C</a></div></div>').encode())
    assert [(e.link, e.title) for e in source.list_entries(page)] == [
        ("https://www.coindesk.com/business/2026/03/02/b", "B"), ("https://www.coindesk.com/markets/2026/03/01/c", "C")]


def test_direct_urls_and_limit():
    direct = SiteSource("coindesk", urls="https://www.coindesk.com/markets/2026/03/02/a,"
                                         "https://www.coindesk.com/markets/2026/03/02/b", limit=1)
    (request,) = start_requests(direct)
    assert request.url.endswith("/markets/2026/03/02/a") and direct.stats["coindesk/skipped_limit"] == 1


test_crawl_fixture_twice = replayed_fixture_test("coindesk")

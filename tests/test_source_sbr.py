"""sbr: every real item as the news list and the article pages serve it, through the spider and
the pipelines; the replayed `scrapy crawl sbr` of fixtures/sbr/nightly."""

from __future__ import annotations

from tests.support import page_source_tests as shared
from tests.support import sbr_responses as responses
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.site_runs import start_requests
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("sbr")  # sites/sbr.toml through its spider

# A person keeps all of a real sbr body (the bold standfirst is the article's own).
NOT_ARTICLE = NotArticle()


(test_every_real_item_parsed, test_every_real_item_written,
 test_a_newsletter_box_left_in_fails_the_checks) = shared.page_tests(source, responses, NOT_ARTICLE)


def test_graph_time_in_singapore_time_and_the_list_anchor():
    (entry,) = source.list_entries(response(responses.LIST, (
        '<div class="with-border-bottom"><h3 class="item__title"><a href="https://sbr.com.sg/x/news/a-b">\n A\n</a>'
        '<a href="https://sbr.com.sg/tags/x">tag</a></h3></div>').encode()))
    assert (entry.link, entry.title) == ("https://sbr.com.sg/x/news/a-b", "A")
    page = response(entry.link, (
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
        '"WebPage"}, {"@type": "NewsArticle", "datePublished": "2026-03-02T09:15:00+08:00"}]}</script></head><body>'
        '<article><h1 class="nf__title">T</h1><div class="nf__description"><p>One.</p></div></article></body></html>'
    ).encode())
    article = source.parse_article(page, entry)
    assert article["published"].isoformat() == "2026-03-02T09:15:00+08:00" and article["title"] == "T"


def test_direct_urls_and_limit():
    direct = SiteSource("sbr", urls="https://sbr.com.sg/a/news/one,https://sbr.com.sg/b/news/two", limit=1)
    (request,) = start_requests(direct)
    assert request.url == "https://sbr.com.sg/a/news/one" and direct.stats["sbr/skipped_limit"] == 1


test_crawl_fixture_twice = replayed_fixture_test("sbr")

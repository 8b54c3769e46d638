"""bioon: every real item as the home page's list and the article pages serve it, through the
spider and the pipelines; the replayed `scrapy crawl bioon` of fixtures/bioon/nightly."""

from __future__ import annotations

from tests.support import bioon_responses as responses
from tests.support import page_source_tests as shared
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.site_runs import start_requests
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("bioon")  # sites/bioon.toml through its spider

# A person keeps all of a real bioon body: its references and a conference notice's programme
# are the article's own.
NOT_ARTICLE = NotArticle()


test_every_real_item_parsed, test_every_real_item_written, test_an_ad_left_in_fails_the_checks = shared.page_tests(
    source, responses, NOT_ARTICLE)


def test_a_wechat_shell_page_is_dropped_as_without_body():
    shell = response("http://news.bioon.com/article/0a.html",
                     b"<html><head><script>window.location.href='https://mp.weixin.qq.com/s/x';</script></head>"
                     b"<body></body></html>")
    article = source.parse_article(shell)
    assert article["drop_reason"] == "no_body" and source.stats["bioon/page_failed"] == 1


def test_direct_urls_and_limit():
    direct = SiteSource("bioon", urls="http://news.bioon.com/article/1a.html,http://news.bioon.com/article/2b.html",
                        limit=1)
    (request,) = start_requests(direct)
    assert request.url == "http://news.bioon.com/article/1a.html" and direct.stats["bioon/skipped_limit"] == 1


test_crawl_fixture_twice = replayed_fixture_test("bioon")

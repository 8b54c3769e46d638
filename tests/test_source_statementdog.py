"""statementdog: every real item as the news list and the article pages serve it, through the
spider and the pipelines; the replayed `scrapy crawl statementdog` of fixtures/statementdog/nightly."""

from __future__ import annotations

from tests.support import page_source_tests as shared
from tests.support import statementdog_responses as responses
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.site_runs import start_requests
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("statementdog")  # sites/statementdog.toml through its spider

# A person keeps all of a real statementdog body: the "why it matters / what happened" blocks,
# and the closing lists of the stocks it names, concept tags and sources are the article's own.
NOT_ARTICLE = NotArticle()


test_every_real_item_parsed, test_every_real_item_written, test_an_ad_left_in_fails_the_checks = shared.page_tests(
    source, responses, NOT_ARTICLE)


def test_the_page_time_line_is_read_in_taiwan_time():
    page = response("https://statementdog.com/news/1", (
        '<html><body><article class="main-news-content"><h1 class="main-news-title">標題</h1>'
        '<div class="main-news-time">發布時間：2026/03/02 09:15</div><p>內文。</p></article></body></html>').encode())
    article = source.parse_article(page)
    assert article["published"].isoformat() == "2026-03-02T09:15:00+08:00" and article["title"] == "標題"
    assert article["body_html"].count("<p>") == 1 and "發布時間" not in article["body_html"]


def test_direct_urls_url_file_limit_and_since(tmp_path):
    listed = tmp_path / "urls.txt"
    listed.write_text("# wanted again\nhttps://statementdog.com/news/3\n", encoding="utf-8")
    direct = SiteSource("statementdog", urls="https://statementdog.com/news/1,https://statementdog.com/news/2",
                        url_file=str(listed), limit=2, since="2026-03-03")
    assert [r.url for r in start_requests(direct)] == ["https://statementdog.com/news/1", "https://statementdog.com/news/2"]
    assert direct.stats["statementdog/skipped_limit"] == 1  # the file's URL, third
    page = response("https://statementdog.com/news/1", '<article class="main-news-content"><div class="main-news-time">發布時間：2026/03/02 '
                                 '23:59</div><p>內文。</p></article>'.encode())
    assert direct.parse_article(page)["drop_reason"] == "too_old"


test_crawl_fixture_twice = replayed_fixture_test("statementdog")

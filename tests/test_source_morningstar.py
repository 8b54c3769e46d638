"""morningstar: every real item as the news list and the article pages serve it, through the
parser and the pipelines; and the real `scrapy crawl morningstar` replaying
fixtures/morningstar/nightly and against a local server (a refused list)."""

from __future__ import annotations

import json
from functools import partial

from tests.support import page_source_tests as shared
from tests.support import morningstar_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import run_with_report
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.server import Reply, TestServer
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("morningstar")  # sites/morningstar.toml through its spider


# A person keeps all of a real morningstar body: the wire's sign-off, copyright line and a press
# release's contacts are the publisher's text. (The pages' invented ad slot is not in the item.)
NOT_ARTICLE = NotArticle()


test_every_real_item_parsed, test_every_real_item_written, test_an_ad_left_in_fails_the_checks = shared.page_tests(
    source, responses, NOT_ARTICLE)


def test_list_links_are_resolved_against_the_site_not_the_mirror():
    page = response("http://127.0.0.1:9/news", b'<div class="mdc-feed__mdc"><a href="/news/x/1/a"><header><h2>\n A\n</h2>'
                    b'</header></a><a href="/news/x/1/a"><header><h2>A</h2></header></a><a href="#">skip</a></div>')
    assert [(e.link, e.title) for e in source.list_entries(page)] == [("https://www.morningstar.com/news/x/1/a", "A")]


def test_page_without_time_gets_the_crawl_time_counted_and_ads_go():
    page = response("https://www.morningstar.com/news/x/1/a",
                    b'<html><body><h1>T</h1><div class="mdc-article-body"><p>One.</p><div class="article-ad">Ad</div>'
                    b'<p>Two.</p></div></body></html>')
    article = source.parse_article(page)
    assert source.stats["morningstar/time_fallback"] == 1 and article["title"] == "T"
    assert "Ad" not in article["body_html"] and "Two." in article["body_html"]


def _crawl(server, archive, *extra):
    return run_scrapy(
        "crawl", "morningstar", "-s", "SITE_OVERRIDES=" + json.dumps({"morningstar": {
            "discovery.url": server.url("/news"), "request.article_url": f"{server.base}{{path}}"}}),
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0", *extra)


test_crawl_fixture_end_to_end = replayed_fixture_test("morningstar")


def test_crawl_denied_list_is_counted(tmp_path):
    with TestServer() as server:
        server.add("GET", "/news", Reply(status=403, body=b"<html>blocked by WAF</html>"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive"), tmp_path / "report.json")
    assert report["errors"]["by_kind"]["http_denied"] == 1 and report["errors"]["discovery_failed"] == 1
    assert result.returncode == report["exit_status"]["code"] == 4

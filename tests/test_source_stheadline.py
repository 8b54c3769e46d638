"""stheadline: every real item (both site layouts) as the list and the article pages serve it,
through the parser and the pipelines; and the real `scrapy crawl stheadline` replaying
fixtures/stheadline/nightly and against a local server (a refused article)."""

from __future__ import annotations

import json
from functools import partial
from urllib.parse import quote

from tests.support import page_source_tests as shared
from tests.support import stheadline_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import run_with_report
from tests.support.page_responses import response
from tests.support.reader import NotArticle, reader_text
from tests.support.server import Reply, TestServer
from tests.support.shared import seed_items
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

LIST_PATH = "/finance/" + quote("財經")
source = SiteSource("stheadline")  # sites/stheadline.toml through its spider


# What a person removes from a real stheadline body (as a reader sees it; the pages' invented
# ad slot is not in the item). `left_in` (what the crawler once kept, none now): the page's
# trailer, from the keywords line on (previous/next story, the latest comments, a list of other
# stories), and the "related news/articles:" link lists set into the text.
NOT_ARTICLE = NotArticle(left_in=NotArticle(
    from_line=(r"^關鍵字$",), link_lists=(r"^相關(?:新聞|文章)\s*[：︰:]",)))


def test_every_real_item_parsed(capsys):
    items = seed_items("stheadline")
    print_layouts(items, capsys)
    counts = shared.check_parsed(source, responses, items, "stheadline", NOT_ARTICLE, capsys)
    assert counts["left_in"] == 0


def print_layouts(items, capsys):
    with capsys.disabled():
        current = sum(1 for i in items if responses.current(i))
        print(f"\nstheadline: {current} items of the current www layout (div.content-body), "
              f"{len(items) - current} of the archive-era std layout (.paragraphs)")


def _check_written(items, tmp_path, capsys, *, strict=False):
    return shared.check_written(source, responses, items, "stheadline", NOT_ARTICLE, tmp_path, capsys, strict=strict)


test_every_real_item_written, test_nothing_a_person_removes_is_left_in = shared.left_in_tests(
    "stheadline", _check_written, NOT_ARTICLE)


def test_related_lists_go_and_the_text_around_them_stays():
    """A "相關新聞：" label opens a list: its line and the lines of links only after it go; a
    line with text of its own ends the list, a picture stays; a label inside a sentence is text."""
    body = ('<div class="content-body"><p>開頭一段。<br><br>相關新聞：<a href="/a/1">別篇甲</a><br>'
            '<a href="/a/2">別篇乙</a></p><p><a href="/a/3">別篇丙</a></p>'
            '<p><strong>相關文章︰<a href="/a/4">別篇丁</a></strong><article><img src="/p.jpg">'
            '<div>圖片說明</div></article></p><p><a href="/a/5">連結</a>之後的正文。</p>'
            '<h3>相關新聞：</h3><p><a href="/a/6">別篇戊</a></p><p>內文提到相關新聞：<a href="/a/7">這篇</a>。</p>'
            '<div class="stick-box-gray"><div class="sb-header">關鍵字</div></div>'
            '<div class="article-pagination"><a class="link-next" href="/a/8">下一篇 別篇己</a></div></div>')
    page = (f'<html><head><meta property="article:published_time" content="2025-02-04T10:00:00+08:00"></head>'
            f'<body><h1>測試標題</h1>{body}</body></html>')
    article = source.parse_article(response("https://www.stheadline.com/realtime/1/x", page.encode()))
    assert reader_text(article["body_html"]) == "開頭一段。圖片說明連結之後的正文。內文提到相關新聞：這篇。"
    assert 'src="/p.jpg"' in article["body_html"] and "/a/7" in article["body_html"]


def test_an_ad_left_in_fails_the_checks(tmp_path, capsys, monkeypatch):
    shared.check_an_ad_left_in_fails(source, responses, seed_items("stheadline")[:3], NOT_ARTICLE, tmp_path, capsys,
                                     monkeypatch)


def _crawl(server, archive, *extra):
    return run_scrapy(
        "crawl", "stheadline", "-s", "SITE_OVERRIDES=" + json.dumps({"stheadline": {
            "discovery.url": server.url(LIST_PATH), "request.article_url": f"{server.base}{{path}}"}}),
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0", *extra)


test_crawl_fixture_end_to_end = replayed_fixture_test("stheadline")


def test_crawl_denied_article_is_counted(tmp_path):
    page = ('<div class="news-detail"><a href="/realtime-finance/1/測試"><span class="title">測試標題</span></a></div>').encode()
    with TestServer() as server:
        server.add("GET", LIST_PATH, Reply(body=page, headers={"Content-Type": "text/html; charset=utf-8"}))
        server.add("GET", "/realtime-finance/1/" + quote("測試"), Reply(status=401, body=b"login"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive"), tmp_path / "report.json")
    assert report["errors"]["by_kind"]["http_denied"] == 1 and report["exit_status"]["code"] == 1
    assert "access denied" in result.stderr

"""sina: every real item as the roll feed and the article pages serve it, through the parser and
the pipelines; the real finance.sina.com.cn page of GeneralNewsExtractor; and the real
`scrapy crawl sina` replaying fixtures/sina/nightly, and against a local server where the test is
about what the network answers."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial

from parsel import Selector

from tests.support import sina_responses as responses
from tests.support import page_source_tests as shared
from tests.support.cli import run_scrapy
from tests.support.crawls import archive_files, run_with_report
from tests.support.page_responses import response
from tests.support.server import Reply, TestServer
from tests.support.shared import seed_items, shared_path
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource
from tests.support.reader import NotArticle, reader_text
from tests.support.real_items import check_real_items, entry_articles, expected

FOLDER, LANGUAGE = "sina", "zh-CN"
FEED = "https://feed.mix.sina.com.cn/api/roll/get?pageid=153&lid=2518&k=&num=10&page=1"
source = SiteSource("sina")  # sites/sina.toml through its spider


def _articles(items):
    entries = source.list_entries(response(FEED, responses.feed_answer(items), "application/json"))
    return entry_articles(entries, items,
                          lambda item, entry, index: source.parse_article(responses.page_response(item, index), entry))


# What a person removes from a real sina body, as a reader sees it: the app advert under the QR
# code and the editor's signature line; and (`left_in`, what the crawler once kept, none now) the
# "专题：" link to a topic page above the text, the "查看最新行情" link under a quote chart, and
# the futures-account advert ("…期货开户…") with its QR code.
NOT_ARTICLE = NotArticle(
    lines=(r"尽在新浪财经APP$", r"^责任编辑："),
    left_in=NotArticle(lines=(r"^专题：", r"^查看最新行情$", r"^新浪合作大平台期货开户")))


def test_every_real_item_parsed(capsys):
    items = seed_items("sina")
    counts = shared.check_parsed_articles(
        f"sina: {len(items)} real items parsed from feed + page",
        ((index, item, article) for index, (item, article) in enumerate(_articles(items))), NOT_ARTICLE, capsys,
        ids=True, tally=lambda index: [f"time_from_{responses.feed_time(index)}",
                                       "gbk_pages" if responses.gbk(index) else "utf8_pages"])
    assert counts["left_in"] == 0


def _check_written(items, tmp_path, capsys, *, strict=False) -> Counter:
    # sina's category (the categories value and the closing link's text) is not its folder.
    return check_real_items("sina", _articles(items), tmp_path, capsys, folder=FOLDER, language=LANGUAGE,
                            want=lambda item: expected(item, thumbnail=False, category="sina_us_stock"),
                            removed=NOT_ARTICLE, strict=strict)


test_every_real_item_written, test_nothing_a_person_removes_is_left_in = shared.left_in_tests(
    "sina", _check_written, NOT_ARTICLE)


def test_real_page_gne_sina_3():
    """The real finance.sina.com.cn/stock/usstock page (2019) of GeneralNewsExtractor's tests."""
    path = shared_path("corpus", "pages", "gne", "sina", "3.html")
    url = "https://finance.sina.com.cn/stock/usstock/c/2019-09-09/doc-iicezzrq4681677.shtml"
    article = source.parse_article(response(url, path.read_bytes(), "text/html"))
    page = Selector(text=path.read_bytes().decode("utf-8"))
    assert article["title"] == page.css("h1.main-title::text").get().strip()
    assert article["published"].strftime("%Y-%m-%d %H:%M:%S") == "2019-09-09 20:52:38"
    assert page.css(".date::text").get().startswith(article["published"].strftime("%Y年%m月%d日 %H:%M"))
    assert article["link"] == url and article["drop_reason"] == ""
    assert article["thumbnail"].startswith("https://n.sinaimg.cn/")
    # Body text = the page's own `.article` paragraphs and picture captions, in page order,
    # minus the editor line (责任编辑).
    parts = page.xpath('//div[@id="artibody"]//*[self::p[not(contains(@class, "article-editor"))]'
                       ' or self::span[@class="img_descr"]]')
    assert len(parts) > 50
    expected = "".join("".join(node.css("::text").getall()) for node in parts)
    got = reader_text(article["body_html"])
    assert got == "".join(expected.split())
    assert "责任编辑" not in got and "责任编辑" in "".join(page.css(".article ::text").getall())


def test_real_page_as_gbk_bytes():
    """The same page served as GBK bytes declared gb2312 (what older sina pages are)."""
    path = shared_path("corpus", "pages", "gne", "sina", "3.html")
    text = path.read_bytes().decode("utf-8").replace('<meta charset="utf-8">', '<meta charset="gb2312">')
    url = "https://finance.sina.com.cn/stock/usstock/c/2019-09-09/doc-iicezzrq4681677.shtml"
    as_utf8 = source.parse_article(response(url, path.read_bytes(), "text/html"))
    as_gbk = source.parse_article(response(url, text.encode("gb18030"), "text/html; charset=GB2312"))
    assert as_gbk["title"] == as_utf8["title"]
    assert reader_text(as_gbk["body_html"]) == reader_text(as_utf8["body_html"])


def test_feed_errors_and_jsonp():
    feeds = SiteSource("sina")
    for answer in (b'{"error": "x"}', b'{"result": {"status": {"code": 11, "msg": "bad lid"}, "data": []}}'):
        assert feeds.discover(response(FEED, answer, "application/json")) == ([], [])
    assert feeds.stats["sina/discovery_failed"] == 2
    jsonp = b'cb({"result": {"status": {"code": 0}, "data": [{"oid": "1", "url": "https://finance.sina.com.cn/a.shtml", ' \
            b'"title": "t", "ctime": "1738627850", "img": {"u": "https://n.sinaimg.cn/x.jpg"}}, {"oid": "2"}]}});'
    entries = feeds.list_entries(response(FEED, jsonp, "application/javascript"))
    assert [(e.id, e.image, e.published) for e in entries] == [("1", "https://n.sinaimg.cn/x.jpg", "2025-02-04T08:10:50+08:00")]
    assert feeds.stats["sina/missing_link"] == 1


def test_page_without_article_falls_back_to_the_extraction_counted():
    text = "别的页面：这一段正文没有放在新浪的正文容器里，由通用提取找到。"
    page = response("https://finance.sina.com.cn/x.shtml", f"<html><body><p>{text}</p></body></html>".encode())
    article = source.parse_article(page, {"id": "9", "link": "https://finance.sina.com.cn/x.shtml", "title": "t"})
    assert article["body_fallback"] == "extract" and text in article["body_html"]
    assert source.stats["sina/selector_missed/body"] == 1


# ------------ the real crawl


def _crawl(server, archive, *extra):
    return run_scrapy(
        "crawl", "sina", "-s", "SITE_OVERRIDES=" + json.dumps({"sina": {
            "discovery.url": server.url("/api/roll/get") + "?pageid=153&lid=2518&k=&num=10&page={page}",
            "request.article_url": f"{server.base}{{path}}"}}),
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0", *extra)


test_crawl_fixture_end_to_end = replayed_fixture_test("sina")


def test_crawl_denied_is_counted(tmp_path):
    feed = json.dumps({"result": {"status": {"code": 0}, "data": [
        {"oid": "42", "url": "https://finance.sina.com.cn/stock/usstock/c/2026-01-02/doc-test42.shtml",
         "title": "测试标题", "ctime": "1767312000"}]}}, ensure_ascii=False).encode()
    with TestServer() as server:
        server.add("GET", "/api/roll/get", Reply(body=feed, headers={"Content-Type": "application/json"}))
        server.add("GET", "/stock/usstock/c/2026-01-02/doc-test42.shtml", Reply(status=403, body=b"denied"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive"), tmp_path / "report.json")
    assert report["errors"]["by_kind"]["http_denied"] == 1 and report["exit_status"]["code"] == 1
    assert "access denied" in result.stderr
    assert not archive_files(tmp_path / "archive")

"""wallstreetcn: every real item as the flow + detail APIs serve it, through the parser and the
pipelines; and the real `scrapy crawl wallstreetcn` replaying fixtures/wallstreetcn/nightly and
against a local server (a refused flow)."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial

from crawler.sources.generic import Entry

from tests.support import wallstreetcn_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import run_with_report
from tests.support.page_responses import response
from tests.support.page_source_tests import left_in_tests
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, entry_articles
from tests.support.server import Reply, TestServer
from tests.support.site_pages import check_fixture_twice
from tests.support.site_source import SiteSource

# What a person removes from a real wallstreetcn body, as a reader sees it. The risk disclaimer
# under each article stays (the archive's own wallstreetcn files keep it). `left_in` (what the
# crawler once kept, none now): the note above an audio player asking to upgrade the app to listen.
NOT_ARTICLE = NotArticle(left_in=NotArticle(lines=(r"^请各位听众升级为见闻最新版APP",)))
FLOW = "https://api-one-wscn.awtmt.com/apiv1/content/information-flow?channel=global&accept=article&cursor=&limit=20&action=upglide"
source = SiteSource("wallstreetcn")  # sites/wallstreetcn.toml through its spider


def flow_entries(answer):
    return source.list_entries(response(FLOW, answer, "application/json"))


def detail(answer: bytes, entry):
    """The article the spider makes of a detail answer to its own request for the entry."""
    url = source.spider.article_request(entry).url
    return source.parse_article(response(url, answer, "application/json"), entry)


def _detail_article(item, entry, _index):
    assert entry.kind == responses.kind(item) in ("article", "chart")
    return detail(responses.detail_answer(item), entry)


def _check_written(items, tmp_path, capsys, *, strict=False) -> Counter:
    pairs = entry_articles(flow_entries(responses.flow_answer(items)), items, _detail_article)
    return check_real_items("wallstreetcn", pairs, tmp_path, capsys, folder="wallstreetcn", language="zh-CN",
                            removed=NOT_ARTICLE, strict=strict, kind=responses.kind)


test_every_real_item, test_nothing_a_person_removes_is_left_in = left_in_tests("wallstreetcn", _check_written,
                                                                              NOT_ARTICLE)


def test_flow_skips_other_types_and_flags_paid():
    answer = json.dumps({"code": 20000, "data": {"items": [
        {"resource_type": "ad", "resource": {"id": 1}},
        {"resource_type": "theme", "resource": {"id": 2, "title": "专题"}},
        {"resource_type": "article", "resource": {"id": 3, "title": "付费", "uri": "https://wallstreetcn.com/premium/articles/3",
                                                  "is_need_pay": True, "display_time": 1760000000}},
        {"resource_type": "live", "resource": {"id": 4, "title": "快讯", "images": [{"uri": "https://img.example/a.png"}]}},
    ]}})
    flows = SiteSource("wallstreetcn")
    (entry,) = flows.list_entries(response(FLOW, answer.encode(), "application/json"))
    assert {k: v for k, v in flows.stats.items() if k.startswith("wallstreetcn/skipped")} == {
        "wallstreetcn/skipped_type/ad": 1, "wallstreetcn/skipped_type/theme": 1, "wallstreetcn/skipped_paid": 1}
    assert (entry.id, entry.kind, entry.link, entry.image) == ("4", "live", "", "https://img.example/a.png")
    chart = json.dumps({"data": {"id": 4, "title": "快讯", "content": "", "images": [{"uri": "https://img.example/a.png"}]}})
    article = flows.parse_article(response("https://api.test/charts/4", chart.encode()), entry)
    # A chart's image is its body, and its page on the site its link.
    assert article["link"] == "https://wallstreetcn.com/charts/4" and not article["drop_reason"]
    assert article["body_html"] == '<p><img src="https://img.example/a.png" /></p>'


def test_detail_paid_and_errors():
    entry = Entry(link="https://wallstreetcn.com/articles/9", id="9", kind="article", published="2025-10-09T16:53:20+08:00")
    paid = detail(json.dumps({"data": {"id": 9, "title": "T", "content": "<p>x</p>", "is_need_pay": True}}).encode(), entry)
    assert paid["drop_reason"] == "paid"
    assert paid["published"].isoformat() == "2025-10-09T16:53:20+08:00"
    assert source.stats.get("wallstreetcn/page_failed") is None
    assert detail(b'{"code": 40400, "message": "not found"}', entry) is None  # no data.content
    assert source.stats["wallstreetcn/page_failed"] == 1


def _crawl(server, archive, *extra):
    return run_scrapy(
        "crawl", "wallstreetcn", "-s", "SITE_OVERRIDES=" + json.dumps({"wallstreetcn": {
            "discovery.url": server.url("/apiv1/content/information-flow?channel=global&accept=article&cursor=&limit=20&action=upglide"),
            "request.article_url": server.url("/apiv1/content/articles/{id}?extract=0&accept_theme=theme,premium-theme"),
            "request.article_url_by_kind": {k: server.url("/apiv1/content/charts/{id}") for k in ("live", "chart")}}}),
        "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *extra)


def test_crawl_fixture_end_to_end(tmp_path):
    first, _second = check_fixture_twice("wallstreetcn", tmp_path)
    assert first["skipped_types"] == {"ad": 1}
    assert first["skipped"] == {"skipped_paid": 1}  # nothing known yet, no limit


def test_crawl_denied_is_counted(tmp_path):
    with TestServer() as server:
        server.add("GET", "/apiv1/content/information-flow", Reply(status=403, body=b"forbidden"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive"), tmp_path / "report.json")
    assert report["errors"]["by_kind"]["http_denied"] == 1 and report["errors"]["discovery_failed"] == 1
    assert "access denied" in result.stderr

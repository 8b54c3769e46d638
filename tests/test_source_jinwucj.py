"""jinwucj: every real item as the list API serves it, through the parser and the pipelines;
and the real `scrapy crawl jinwucj` replaying fixtures/jinwucj/nightly and against a local server
(refused lists)."""

from __future__ import annotations

import json
from functools import partial

from tests.support import jinwucj_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import run_with_report
from tests.support.page_responses import response
from tests.support.real_items import check_real_items, expected
from tests.support.server import TestServer
from tests.support.shared import seed_items
from tests.support.site_pages import check_fixture_twice
from tests.support.site_source import SiteSource

LISTS = {"ipo": (0, "https://ipo.jinwucj.com/api/info/getInfoList"),  # [[discovery]] block, URL
         "hk": (1, "https://pro-app-sky-api.szfiu.com/news/v1/list")}
LISTS_IN_ORDER = ("hk", "ipo")
source = SiteSource("jinwucj")  # sites/jinwucj.toml through its spider


def list_articles(answer, list_name: str):
    """The Articles the spider makes of one list answer (the lists carry the whole article)."""
    block, url = LISTS[list_name]
    requests, articles = source.discover(response(url, answer, "application/json"), block)
    assert not requests
    return articles


def list_pairs(items):
    """(item, Article) of every item, from the answer of the item's own list (hk, then ipo)."""
    for list_name in LISTS_IN_ORDER:
        group = [i for i in items if responses.list_name(i) == list_name]
        articles = list_articles(responses.list_answer(group), list_name)
        assert [(a["id"], a["link"]) for a in articles] == [(str(i["id"]), i["link"]) for i in group]
        yield from zip(group, articles)


def test_every_real_item(tmp_path, capsys):
    items = seed_items("jinwucj")
    # A person keeps all of a jinwucj body (the API's own text, no page around it).
    counts = check_real_items("jinwucj", list_pairs(items), tmp_path, capsys, folder="jinwucj", language="zh-CN",
                              want=lambda item: expected(item, thumbnail=False), kind=responses.list_name)
    # Every real item has a body and a time: every one makes its file.
    assert counts["written/hk"] + counts["written/ipo"] == counts["written"] == len(items)


def test_list_without_body_list_is_a_discovery_failure():
    assert list_articles(b'{"code": 401, "msg": "token invalid"}', "hk") == []
    assert source.stats["jinwucj/discovery_failed"] == 1


def test_entry_without_time_or_body():
    articles = list_articles(json.dumps({"body": {"list": [
        {"id": 7, "title": "无时间", "content": "<p>正文</p>"},
        {"id": 8, "title": "无正文", "pubDate": "2026-01-02 03:04:05", "content": ""},
        {"title": "无编号"},
    ]}}).encode(), "ipo")
    assert [a["id"] for a in articles] == ["7", "8"] and source.stats["jinwucj/missing_link"] == 1
    first, second = articles
    # No time: the crawl time, counted; no body: dropped as empty_body (with its own time).
    assert source.stats["jinwucj/time_fallback"] == 1 and not first["drop_reason"]
    assert second["drop_reason"] == "empty_body"
    assert second["published"].isoformat() == "2026-01-02T03:04:05+08:00"


def _crawl(server, archive, *extra):
    urls = {"discovery.0.url": server.url("/api/info/getInfoList"), "discovery.1.url": server.url("/news/v1/list")}
    return run_scrapy("crawl", "jinwucj", "-s", "SITE_OVERRIDES=" + json.dumps({"jinwucj": urls}),
                      "-s", f"ARCHIVE_DIR={archive}",
                      "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *extra)


def test_crawl_fixture_end_to_end(tmp_path):
    _first, second = check_fixture_twice("jinwucj", tmp_path)
    assert second["scraped"] == 0


def test_crawl_denied_is_counted(tmp_path):
    from tests.support.server import Reply

    with TestServer() as server:
        server.add("POST", "/api/info/getInfoList", Reply(status=403, body=b"forbidden"))
        server.add("POST", "/news/v1/list", Reply(status=401, body=b"no token"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive"), tmp_path / "report.json")
    assert report["errors"]["by_kind"]["http_denied"] == 2 and report["errors"]["discovery_failed"] == 2
    assert "access denied" in result.stderr

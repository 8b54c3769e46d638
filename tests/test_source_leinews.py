"""leinews: every real item as the YiAPP RPC's list and detail answers serve it, through the
spider and the pipelines; the real `scrapy crawl leinews` of fixtures/leinews/nightly (both
calls POSTs, replayed by their bodies)."""

from __future__ import annotations

import json

from tests.support import leinews_responses as responses
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, entry_articles, expected
from tests.support.shared import seed_items
from tests.support.site_runs import start_requests
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("leinews")  # sites/leinews.toml through its spider
DETAIL = ("https://www.leinews.com/Common/YiAPP.ashx?YiAPP_Method=uNews.PC_GetNewsInfo"
          "&YiAPP_Action=YiAPP.APP.SHOP&YiAPP_SIKW=true")

# What a person removes from a leinews body: the site's reprint notice (the test's answers put
# it back where the old crawler cut it out). The separator line above it stays.
NOT_ARTICLE = NotArticle(lines=(responses.NOTICE,))


def detail(entry, answer: bytes):
    """The article the spider makes of a detail answer to its own POST for the entry."""
    request = source.spider.article_request(entry)
    assert (request.method, request.url) == ("POST", DETAIL)
    assert json.loads(request.body)["queryparams"] == f"%7B%22NewsCode%22%3A%22{entry.id}%22%7D"
    return source.parse_article(response(request.url, answer, "application/json"), entry)


def test_every_real_item(tmp_path, capsys):
    items = seed_items("leinews")
    entries = source.list_entries(response(responses.LIST, responses.list_answer(items), "application/json"))
    pairs = entry_articles(entries, items, lambda item, entry, index: detail(entry, responses.detail_answer(item, index)))
    counts = check_real_items("leinews", pairs, tmp_path, capsys, folder="leinews", language="zh-CN", removed=NOT_ARTICLE,
                              want=lambda item: {**expected(item), "body": responses.with_notice(item["description"])})
    assert counts == {"written": len(items)}


def test_the_list_is_a_post_of_the_page_asked_for():
    (request,) = [r for r in start_requests(SiteSource("leinews", pages=2)) if b"%22page%22:%222%22" in r.body] or [None]
    assert request is not None and request.method == "POST"
    assert json.loads(request.body)["MethodName"] == "YiAPP.APP.SHOP%7CYiAPP.APP.SHOP.uNews.PC_SearchNewsInfoList"


def test_a_content_of_the_notice_alone_is_an_empty_body():
    (entry,) = source.list_entries(response(responses.LIST, responses.list_answer([{
        "id": 7, "title": "T", "pub_date": "2026-03-02 09:15:00", "link": ""}]), "application/json"))
    article = detail(entry, json.dumps({"data": {"NewsContent": f"<p>{responses.NOTICE}</p>"}}).encode())
    assert article["drop_reason"] == "empty_body" and article["link"] == "https://www.leinews.com/n7/detail.html"
    assert article["published"].isoformat() == "2026-03-02T09:15:00+08:00"


def test_since_skips_older_rows_at_discovery():
    rows = [{"id": 1, "title": "new", "pub_date": "2026-03-02 00:00:00"}, {"id": 2, "title": "old", "pub_date": "2026-03-01 23:59:59"}]
    recent = SiteSource("leinews", since="2026-03-02")
    assert [e.id for e in recent.list_entries(response(responses.LIST, responses.list_answer(rows), "application/json"))] == ["1"]
    assert recent.stats["leinews/skipped_old"] == 1


def test_direct_urls_are_read_by_their_news_code():
    direct = SiteSource("leinews", urls="https://www.leinews.com/n34811/detail.html,https://www.leinews.com/n1/detail.html",
                        limit=1)
    (request,) = start_requests(direct)
    assert request.method == "POST" and "%2234811%22" in request.body.decode()
    assert direct.stats["leinews/skipped_limit"] == 1


test_crawl_fixture_twice = replayed_fixture_test("leinews")

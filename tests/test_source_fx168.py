"""fx168: every real item as the channel list + detail APIs serve it, through the spider and the
pipelines; the real `scrapy crawl fx168` of fixtures/fx168/nightly against a local server, with
the _pcc secret set (the site is disabled until it is)."""

from __future__ import annotations

import json

from tests.support import fx168_responses as responses
from tests.support.page_responses import response
from tests.support.real_items import check_real_items, entry_articles
from tests.support.shared import seed_items
from tests.support.site_pages import check_served_fixture
from tests.support.site_runs import check_held_back_by, start_requests
from tests.support.site_source import SiteSource

source = SiteSource("fx168")  # sites/fx168.toml through its spider


def detail(entry, answer: bytes):
    """The article the spider makes of a detail answer to its own request for the entry."""
    url = source.spider.article_request(entry).url
    assert url == f"https://centerapi.fx168api.com/cms/api/cmsnews/news/getNewsDetail?newsId={entry.id}"
    return source.parse_article(response(url, answer, "application/json"), entry)


def test_every_real_item(tmp_path, capsys):
    items = seed_items("fx168")
    articles = responses.articles(items)
    entries = source.list_entries(response(responses.LIST, responses.list_answer(articles), "application/json"))
    pairs = entry_articles(entries, articles, lambda item, entry, index: detail(entry, responses.detail_answer(item, index)))
    # A person keeps all of an fx168 body: the API's own text, its reprint and risk notes too.
    counts = check_real_items(f"fx168 (less {len(items) - len(articles)} flashes of kind 2: another API, never archived)",
                              pairs, tmp_path, capsys, folder="fx168", language="zh-CN")
    # The one video article (its content is the player's {"appId", "fileId"}) has no text.
    assert counts == {"written": len(articles) - 1, "dropped/empty_body": 1}


def test_video_reference_is_dropped_as_without_text():
    (entry,) = source.list_entries(response(responses.LIST, responses.list_answer([{
        "id": 7, "link": "https://www.fx168news.com/article/外汇-7", "title": "T", "pub_date": "2026-06-29 16:29:21",
        "kind": 1}]), "application/json"))
    video = detail(entry, json.dumps({"data": {"newsContent": '{"appId":"1","fileId":"2"}'}}).encode())
    assert video["drop_reason"] == "empty_body"
    text = detail(entry, json.dumps({"data": {"newsContent": "<p>A {appId} in words.</p>"}}).encode())
    assert text["drop_reason"] == "" and text["published"].isoformat() == "2026-06-29T16:29:21+08:00"


def test_direct_urls_are_read_by_their_news_id():
    direct = SiteSource("fx168", urls="https://www.fx168news.com/article/%E9%BB%84%E9%87%91-830237,"
                                      "https://www.fx168news.com/article/外汇-1050323", limit=1)

    (request,) = start_requests(direct)
    assert request.url.endswith("getNewsDetail?newsId=830237")
    assert direct.stats["fx168/skipped_limit"] == 1


def test_disabled_until_its_secret_is_set():
    check_held_back_by("fx168", "FX168_PCC")


def test_crawl_fixture_end_to_end_with_the_secret(tmp_path):
    _reports, requests = check_served_fixture("fx168", tmp_path, lambda server: {
        "discovery.url": server.url("/cms/api/cmsnews/news/getNewsByChannel?pageNo={page}&pageSize=10&channelCodes=001001"),
        "request.article_url": server.url("/cms/api/cmsnews/news/getNewsDetail?newsId={id}")},
        env={"FX168_PCC": "test-signature"}, article=lambda p: "getNewsDetail" in p)
    api = [{k.lower(): v for k, v in r.headers.items()} for r in requests if r.path.startswith("/cms/")]
    assert len(api) == 2 + 3 and all(h.get("_pcc") == "test-signature" and h.get("site-channel") == "001" for h in api)

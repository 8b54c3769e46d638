"""QqSpider: arguments, request building, de-duplication and skip-known, without network."""

from __future__ import annotations

import asyncio
import json
import warnings

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.arguments import ArgumentError
from crawler.items import Article
from crawler.spiders.qq import QqSpider
from tests.support.qq_pages import current_layout_page
from tests.support.qq_site import qq_settings

FEED = "http://127.0.0.1:8999/web_feed/getPCList"


def make_spider(tmp_path, settings=None, **kwargs) -> QqSpider:
    values = qq_settings(ARCHIVE_DIR=str(tmp_path / "archive"), QQ_FEED_URL=FEED, **(settings or {}))
    crawler = get_crawler(QqSpider, values)
    return QqSpider.from_crawler(crawler, **kwargs)


def start_requests(spider) -> list:
    async def collect():
        return [r async for r in spider.start()]
    return asyncio.run(collect())


def stats(spider) -> dict:
    return spider.crawler.stats.get_stats()


def feed_answer(*entries) -> bytes:
    return json.dumps({"code": 0, "data": list(entries)}, ensure_ascii=False).encode("utf-8")


def article(aid, when="2025-03-01 08:00:00", host="http://127.0.0.1:8999"):
    return {"id": aid, "title": f"标题{aid[-4:]}", "articletype": "0", "publish_time": when,
            "link_info": {"url": f"{host}/rain/a/{aid}"}, "pic_info": {"big_img": ["https://inews.gtimg.com/x/0"]}}


def feed_response(spider, request, body: bytes):
    return TextResponse(request.url, body=body, request=request, encoding="utf-8")


def run_callback(spider, request, body):
    response = feed_response(spider, request, body)
    return list(request.callback(response, **request.cb_kwargs))


def test_default_channel_and_post_body(tmp_path, monkeypatch):
    monkeypatch.delenv("QQ_DEVICE_ID", raising=False)
    monkeypatch.delenv("QQ_QIMEI36", raising=False)
    monkeypatch.delenv("QQ_COOKIE", raising=False)
    spider = make_spider(tmp_path)
    requests = start_requests(spider)
    assert len(requests) == 1
    request = requests[0]
    assert request.method == "POST" and request.url == FEED
    body = json.loads(request.body)
    assert body == {"base_req": {"from": "pc"}, "forward": "1", "qimei36": "", "device_id": "",
                    "flush_num": 1, "channel_id": "news_news_finance", "item_count": 12, "is_local_chlid": "0"}
    assert request.headers[b"Content-Type"].startswith(b"application/json")
    assert b"Cookie" not in request.headers
    assert request.dont_filter


def test_channels_pages_and_ids_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("QQ_DEVICE_ID", "dev-from-env")
    monkeypatch.setenv("QQ_QIMEI36", "qimei-from-env")
    monkeypatch.setenv("QQ_COOKIE", "a=1; b=2")
    spider = make_spider(tmp_path, {"QQ_ITEM_COUNT": 20}, channels="news_news_tech, news_news_world", pages="3")
    requests = start_requests(spider)
    bodies = [json.loads(r.body) for r in requests]
    assert [(b["channel_id"], b["flush_num"]) for b in bodies] == [
        ("news_news_tech", 1), ("news_news_tech", 2), ("news_news_tech", 3),
        ("news_news_world", 1), ("news_news_world", 2), ("news_news_world", 3)]
    assert {b["device_id"] for b in bodies} == {"dev-from-env"}
    assert {b["qimei36"] for b in bodies} == {"qimei-from-env"}
    assert {b["item_count"] for b in bodies} == {20}
    assert requests[0].headers[b"Cookie"] == b"a=1; b=2"


def test_settings_win_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("QQ_DEVICE_ID", "env")
    spider = make_spider(tmp_path, {"QQ_DEVICE_ID": "setting", "QQ_CHANNELS": "a,b", "QQ_PAGES": 2})
    bodies = [json.loads(r.body) for r in start_requests(spider)]
    assert [(b["channel_id"], b["flush_num"], b["device_id"]) for b in bodies] == [
        ("a", 1, "setting"), ("a", 2, "setting"), ("b", 1, "setting"), ("b", 2, "setting")]


@pytest.mark.parametrize("name, value, message", [
    ("QQ_HOT_ENABLED", "maybe", "QQ_HOT_ENABLED must be one of 1, true, yes, on, 0, false, no, off, got 'maybe'"),
    ("QQ_PAGES", "two", "QQ_PAGES must be a positive integer, got 'two'"),
])
def test_an_unreadable_setting_is_refused_by_name(tmp_path, name, value, message):
    # Read as the -a argument of its kind is: a setting that says nothing readable is no False.
    spider = make_spider(tmp_path, {name: value})
    with pytest.raises(ArgumentError, match=f"^qq spider: {message}$"):
        start_requests(spider)


def test_hot_list_request(tmp_path):
    spider = make_spider(tmp_path, {"QQ_HOT_ENABLED": True, "QQ_HOT_URL": "http://127.0.0.1:8999/hot?page_size=5"})
    requests = start_requests(spider)
    assert [r.method for r in requests] == ["POST", "GET"]
    assert requests[1].url == "http://127.0.0.1:8999/hot?page_size=5"
    assert requests[1].callback == spider.parse_hot


@pytest.mark.parametrize("kwargs", [{"pages": "0"}, {"pages": "x"}, {"limit": "-1"}, {"since": "2025/03/01"},
                                    {"url_file": "/nonexistent/qq-urls.txt"}])
def test_bad_arguments_fail_clearly(tmp_path, kwargs):
    with pytest.raises(ValueError, match="qq spider"):
        make_spider(tmp_path, **kwargs)


def test_feed_answer_gives_page_requests_with_entry(tmp_path):
    spider = make_spider(tmp_path)
    feed = start_requests(spider)[0]
    card = {"id": "card", "articletype": "525", "sub_item": [article("20250301A00BBB00"), article("20250301A00AAA00")]}
    out = run_callback(spider, feed, feed_answer(article("20250301A00AAA00"), card,
                                                 {"id": "v", "articletype": "4", "title": "视频"},
                                                 {"id": "n", "articletype": "0", "title": "无链接"}))
    assert [r.url for r in out] == ["http://127.0.0.1:8999/rain/a/20250301A00AAA00",
                                    "http://127.0.0.1:8999/rain/a/20250301A00BBB00"]
    assert out[0].cb_kwargs["entry"]["title"] == "标题AA00"
    assert out[0].cb_kwargs["entry"]["thumbnail"] == "https://inews.gtimg.com/x/0"
    assert 404 in out[0].meta["handle_httpstatus_list"]
    s = stats(spider)
    assert s["qq/discovered"] == 2 and s["qq/requested"] == 2
    assert s["qq/duplicate"] == 1
    assert s["qq/skipped_type/4"] == 1
    assert s["qq/missing_link"] == 1


def test_duplicates_across_channels_are_requested_once(tmp_path):
    spider = make_spider(tmp_path, channels="a,b")
    first, second = start_requests(spider)
    out = run_callback(spider, first, feed_answer(article("20250301A00AAA00")))
    # The same article listed in another channel, once under its 14-character id.
    again = article("20250301A00AAA00")
    again["id"] = "20250301A00AAA"
    out += run_callback(spider, second, feed_answer(again))
    assert len(out) == 1
    assert stats(spider)["qq/duplicate"] == 1


def test_feed_errors_do_not_crash(tmp_path):
    spider = make_spider(tmp_path, channels="a,b,c")
    a, b, c = start_requests(spider)
    assert run_callback(spider, a, b"<html>not json</html>") == []
    assert run_callback(spider, b, json.dumps({"code": -1, "msg": "err"}).encode()) == []
    assert len(run_callback(spider, c, feed_answer(article("20250301A00AAA00")))) == 1
    assert stats(spider)["qq/discovery_failed"] == 2


def test_skip_known_either_id_form(tmp_path):
    folder = tmp_path / "archive" / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True)
    (folder / "20250301A00AAA.zh-CN.md").write_text("---\n---\n", encoding="utf-8")  # short form on disk
    (folder / "20250301A00BBB00.zh-CN.md").write_text("---\n---\n", encoding="utf-8")  # long form on disk
    spider = make_spider(tmp_path)
    feed = start_requests(spider)[0]
    short_b = article("20250301A00BBB00")
    short_b["id"] = "20250301A00BBB"
    out = run_callback(spider, feed, feed_answer(article("20250301A00AAA00"), short_b, article("20250301A00CCC00")))
    assert [r.url.rsplit("/", 1)[-1] for r in out] == ["20250301A00CCC00"]
    assert stats(spider)["qq/skipped_known"] == 2


def test_since_and_limit(tmp_path):
    spider = make_spider(tmp_path, since="2025-03-01", limit="2")
    feed = start_requests(spider)[0]
    out = run_callback(spider, feed, feed_answer(
        article("20250228A00OLD00", when="2025-02-28 23:59:59"),
        article("20250301A00AAA00", when="2025-03-01 00:00:00"),
        article("20250301A00BBB00"), article("20250301A00CCC00")))
    assert [r.url.rsplit("/", 1)[-1] for r in out] == ["20250301A00AAA00", "20250301A00BBB00"]
    s = stats(spider)
    assert s["qq/skipped_old"] == 1 and s["qq/skipped_limit"] == 1 and s["qq/requested"] == 2


def test_direct_urls_and_url_file(tmp_path):
    url_file = tmp_path / "urls.txt"
    url_file.write_text("# backfill\nhttps://new.qq.com/rain/a/20250301A00CCC00\n\n", encoding="utf-8")
    spider = make_spider(tmp_path, urls="https://new.qq.com/rain/a/20250301A00AAA00,https://news.qq.com/rain/a/20250301A00BBB00",
                         url_file=str(url_file))
    requests = start_requests(spider)
    assert [r.url for r in requests] == ["https://new.qq.com/rain/a/20250301A00AAA00",
                                         "https://news.qq.com/rain/a/20250301A00BBB00",
                                         "https://new.qq.com/rain/a/20250301A00CCC00"]
    assert all(r.method == "GET" and r.cb_kwargs["entry"] is None for r in requests)
    assert all(r.callback == spider.parse_page for r in requests)


def test_page_callback_yields_article_merged_with_entry(tmp_path):
    spider = make_spider(tmp_path)
    feed = start_requests(spider)[0]
    [request] = run_callback(spider, feed, feed_answer(article("20250301A00AAA00")))
    item = {"title": "页面上的标题", "pub_date": "2025-03-01 07:00:00", "link": request.url,
            "description": '<div class="rich_media_content"><p>正文一段。</p></div>', "id": "", "image": ""}
    response = HtmlResponse(request.url, body=current_layout_page(item, "rich_media_content"), request=request)
    [result] = list(request.callback(response, **request.cb_kwargs))
    assert isinstance(result, Article)
    assert result["title"] == "标题AA00"  # the feed's title wins
    assert result["published"].strftime("%H:%M") == "08:00"  # and the feed's time
    assert result["thumbnail"] == "https://inews.gtimg.com/x/0"
    assert result["link"] == "https://new.qq.com/rain/a/20250301A00AAA00"
    assert not result["drop_reason"]


def test_spider_defines_start_without_deprecation(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spider = make_spider(tmp_path)
        assert isinstance(start_requests(spider)[0], Request)
    assert "start_requests" not in QqSpider.__dict__

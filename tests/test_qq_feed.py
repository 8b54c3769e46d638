"""qq feed answers (getPCList, hot list, kv_srv) → feed entries. Invented text, real structures."""

from __future__ import annotations

import json

import pytest

from crawler.archive import id_key
from crawler.sources.common import SourceError
from crawler.sources.qq import FeedEntry, qq_feed_items, qq_hot_items, url_id
from tests.support.shared import shared_path


def _article(aid, title, url=True, when="2025-03-01 08:00:00", img=True, badge="阅读达人"):
    entry = {
        "id": aid, "title": title, "articletype": "0", "publish_time": when,
        "media_info": {"chl_name": "示例媒体", "medal_info": {"medal_name": badge}},
    }
    if url:
        entry["link_info"] = {"url": f"https://news.qq.com/rain/a/{aid}"}
    if img:
        entry["pic_info"] = {"big_img": [f"https://inews.gtimg.com/om_ls/{aid}/0"], "small_img": []}
    return entry


def pc_list_answer() -> dict:
    return {
        "code": 0, "msg": "",
        "data": [
            _article("20250301A00AAA00", "第一条示例新闻"),
            {"id": "20250301A00CARD00", "articletype": "525", "title": "热点精选",
             "sub_item": [_article("20250301A00BBB00", "卡片里的第二条"), _article("20250301A00CCC00", "卡片里的第三条", img=False),
                          {"id": "20250301V00VVV00", "articletype": "4", "title": "卡片里的视频"}]},
            {"id": "20250301V00DDD00", "articletype": "4", "title": "一段视频",
             "link_info": {"url": "https://news.qq.com/rain/a/20250301V00DDD00"}},
            {"id": "ad_1", "articletype": "ad", "title": "广告"},
            _article("20250301A00AAA00", "第一条示例新闻（重复）"),
            _article("20250301A00EEE00", "没有链接的一条", url=False),
            {"id": "20250301L00LLL00", "articletype": "101", "title": "直播"},
        ],
    }


def test_pc_list_articles_cards_and_skips():
    result = qq_feed_items(json.dumps(pc_list_answer(), ensure_ascii=False).encode("utf-8"), channel="news_news_finance")
    assert [e.id for e in result.entries] == ["20250301A00AAA00", "20250301A00BBB00", "20250301A00CCC00"]
    first = result.entries[0]
    assert first == FeedEntry(id="20250301A00AAA00", url="https://news.qq.com/rain/a/20250301A00AAA00",
                              title="第一条示例新闻", publish_time="2025-03-01 08:00:00",
                              thumbnail="https://inews.gtimg.com/om_ls/20250301A00AAA00/0", media="",
                              channel="news_news_finance")
    assert result.entries[2].thumbnail == ""
    assert dict(result.skipped_types) == {"4": 2, "ad": 1, "101": 1}
    assert result.missing_link == 1
    assert result.duplicates == 1


def test_reader_badge_is_never_the_author():
    result = qq_feed_items(pc_list_answer())
    assert all(e.media == "" for e in result.entries)
    assert all("阅读达人" not in json.dumps(e.to_meta(), ensure_ascii=False) for e in result.entries)


@pytest.mark.parametrize("payload, message", [
    (b"{not json", "not JSON"),
    (b"[1, 2]", "not an object"),
    (json.dumps({"code": 1001, "msg": "bad device"}), "code 1001"),
    (json.dumps({"code": 0}), "no data"),
    (json.dumps({"code": 0, "data": {"list": []}}), "no data"),
    (json.dumps({"something": "else"}), "neither"),
    (b"\xff\xfe", "not JSON"),
])
def test_unusable_answers_raise(payload, message):
    with pytest.raises(SourceError, match=message):
        qq_feed_items(payload)


def test_empty_data_is_no_error():
    assert qq_feed_items({"code": 0, "data": []}).entries == []


def test_aggregate_card_without_sub_items_is_counted():
    result = qq_feed_items({"code": 0, "data": [{"id": "x", "articletype": "525", "sub_item": []}]})
    assert dict(result.skipped_types) == {"525": 1}


def hot_answer() -> dict:
    return {"ret": 0, "idlist": [{"ids_hash": "abc", "newslist": [
        {"id": "HOT_HEADER", "articletype": "560", "title": "腾讯新闻热点榜"},
        {"id": "20250302A00HHH00", "articletype": "0", "title": "热榜第一", "url": "https://view.inews.qq.com/a/20250302A00HHH00",
         "time": "2025-03-02 10:00:00", "source": "示例日报", "thumbnails_big": ["https://inews.gtimg.com/hot/1/0"]},
        {"id": "20250302V00HHH00", "articletype": "4", "title": "热榜视频", "url": "https://view.inews.qq.com/a/20250302V00HHH00"},
        {"id": "20250302A00NOURL", "articletype": "0", "title": "没有链接"},
    ]}]}


def test_hot_list_skips_header_and_reads_entries():
    result = qq_hot_items(json.dumps(hot_answer(), ensure_ascii=False))
    assert [e.id for e in result.entries] == ["20250302A00HHH00"]
    entry = result.entries[0]
    assert (entry.title, entry.publish_time, entry.media, entry.thumbnail) == (
        "热榜第一", "2025-03-02 10:00:00", "示例日报", "https://inews.gtimg.com/hot/1/0")
    assert dict(result.skipped_types) == {"4": 1}
    assert result.missing_link == 1
    # qq_feed_items recognises the hot list's shape too.
    assert [e.id for e in qq_feed_items(hot_answer()).entries] == ["20250302A00HHH00"]


def test_hot_list_errors():
    with pytest.raises(SourceError):
        qq_hot_items({"ret": 0, "idlist": []})
    with pytest.raises(SourceError):
        qq_hot_items({"ret": -1, "idlist": [{"newslist": []}]})


def test_kv_srv_list_of_the_corpus():
    """The older list API (real answers in ../shared/corpus/qq/pages/api_kv_srv_*.json)."""
    raw = shared_path("corpus", "qq", "pages", "api_kv_srv_list_24hours_offset0_limit100_2020-10-14.json").read_bytes()
    listing = json.loads(raw)["data"]["list"]
    result = qq_feed_items(raw, channel="24hours")
    articles = [x for x in listing if str(x.get("article_type")) == "0" and x.get("url")]
    assert len(result.entries) + result.duplicates == len(articles)
    assert sum(result.skipped_types.values()) == sum(1 for x in listing if str(x.get("article_type")) != "0")
    for entry in result.entries:
        assert entry.url and entry.title and entry.publish_time
        assert url_id(entry.url) and entry.key == id_key(url_id(entry.url))
    by_url = {x["url"]: x for x in articles}
    sample = result.entries[0]
    assert sample.media == by_url[sample.url]["media_name"]
    empty = shared_path("corpus", "qq", "pages", "api_kv_srv_list_24hours_offset200_empty_2020-10-14.json").read_bytes()
    with pytest.raises(SourceError, match="ret 10001"):
        qq_feed_items(empty)


def test_url_ids():
    assert url_id("https://new.qq.com/rain/a/20250208A08E8L00") == "20250208A08E8L00"
    assert url_id("https://news.qq.com/rain/a/20250208A08E8L00?from=pc#x") == "20250208A08E8L00"
    assert url_id("https://view.inews.qq.com/a/20250208A08E8L00") == "20250208A08E8L00"
    assert url_id("https://new.qq.com/omn/20201011/20201011A0BXRG00.html") == "20201011A0BXRG00"
    assert url_id("http://finance.qq.com/a/20190923/000843.htm") == "20190923000843"
    assert url_id("https://example.com/other") == ""
    assert FeedEntry(id="20250208A08E8L", url="").key == FeedEntry(id="20250208A08E8L00", url="").key

"""jin10: every real item as the reference API and the article pages serve it, through the
spider and the pipelines; the skip rules; and the replayed `scrapy crawl jin10` of
fixtures/jin10/nightly, twice."""

from __future__ import annotations

import asyncio

from tests.support import jin10_responses as responses
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import check_fixture_twice
from tests.support.site_source import SiteSource

CATEGORY = "jin10_articles_articles"  # the archive's category: the old crawler's source name
source = SiteSource("jin10")  # sites/jin10.toml through its spider


def test_every_real_item(tmp_path, capsys):
    items = seed_items("jin10")
    entries = source.list_entries(responses.list_response(items))
    assert [(e.id, e.link, e.title) for e in entries] == [(str(i["id"]), i["link"], i["title"]) for i in items]
    pairs = ((item, source.parse_article(responses.page_response(item), entry)) for item, entry in zip(items, entries))
    # A person keeps all of a jin10 body (the invented <ad> slot is not the item's).
    counts = check_real_items("jin10", pairs, tmp_path, capsys, folder="jin10", language="zh-CN",
                              want=lambda item: expected(item, category=CATEGORY))
    # Two bodies are an empty <div> (a video the page plays): nothing to keep.
    assert counts == {"written": len(items) - 2, "dropped/no_body": 2}


def test_vip_video_and_reprint_entries_are_skipped_and_counted():
    fresh = SiteSource("jin10")
    (entry,) = fresh.list_entries(responses.list_response(seed_items("jin10")[:1], responses.SKIPPED))
    assert entry.published == "2025-02-03T17:54:57+08:00"
    assert {k: v for k, v in fresh.stats.items() if "/skipped" in k} == {
        "jin10/skipped_vip": 1, "jin10/skipped_type/video": 1, "jin10/skipped_not_original": 1}


def test_direct_urls_keep_the_id_of_the_link():
    direct = SiteSource("jin10", urls="https://xnews.jin10.com/details/161553,https://xnews.jin10.com/details/2")

    async def start():
        return [r async for r in direct.spider.start()]

    requests = asyncio.run(start())
    assert [(r.url, r.cb_kwargs["entry"]["id"]) for r in requests] == [
        ("https://xnews.jin10.com/details/161553", "161553"), ("https://xnews.jin10.com/details/2", "2")]


def test_replayed_fixture_crawl_twice(tmp_path):
    one, _two = check_fixture_twice("jin10", tmp_path)
    assert one["skipped"] == {"skipped_vip": 1, "skipped_not_original": 1}
    assert one["skipped_types"] == {"video": 1}


def test_since_skips_the_older_entries_and_limit_caps_the_rest():
    items = seed_items("jin10")  # 2025-02-03 … 2026-08-22
    newer = [i for i in items if i["pub_date"] >= "2026-01-01"]
    capped = SiteSource("jin10", since="2026-01-01", limit=str(len(newer) - 1))
    requests, _ = capped.discover(responses.list_response(items))
    assert [r.url for r in requests] == [i["link"] for i in newer[:-1]]
    assert (capped.stats["jin10/skipped_old"], capped.stats["jin10/skipped_limit"]) == (len(items) - len(newer), 1)

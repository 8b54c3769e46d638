"""lieyun: every real item as the news-flash list serves it (the list carries the flash whole),
through the spider and the pipelines; the card's time forms; `scrapy crawl lieyun` of
fixtures/lieyun/nightly against a local server with its cookie set (the site is disabled until
it is)."""

from __future__ import annotations

import datetime as dt

from crawler.hooks.lieyun import card_time

from tests.support import lieyun_responses as responses
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import check_served_fixture
from tests.support.site_runs import check_held_back_by
from tests.support.site_source import SiteSource

BEIJING = dt.timezone(dt.timedelta(hours=8))
source = SiteSource("lieyun")  # sites/lieyun.toml through its spider


def test_every_real_item(tmp_path, capsys):
    items = seed_items("lieyun")
    requests, articles = source.discover(responses.list_response(items, promotion=True))
    assert not requests and [a["link"] for a in articles] == [i["link"] for i in items]
    assert source.stats["lieyun/skipped_by_hook"] == 1  # the promotion card has no share code
    # A person keeps all of a flash's text; the time is the card's.
    counts = check_real_items("lieyun", zip(items, articles), tmp_path, capsys, folder="lieyun", language="zh-CN",
                              want=lambda item: expected(item, thumbnail=False, named_by_id=False))
    assert counts == {"written": len(items)}


def test_the_card_time_forms():
    now = dt.datetime(2026, 3, 2, 10, 30, 15, tzinfo=BEIJING)
    assert card_time("2026-03-01 18:20:42 分享", now) == "2026-03-01T18:20:42+08:00"
    assert card_time("2026年3月1日 18:20", now) == "2026-03-01T18:20:00+08:00"
    assert card_time("09:05", now) == "2026-03-02T09:05:00+08:00"
    assert card_time("23:40", now) == "2026-03-01T23:40:00+08:00"  # later than now: yesterday's
    assert card_time("25分钟前", now) == "2026-03-02T10:05:00+08:00"
    assert card_time("2小时前", now) == "2026-03-02T08:30:00+08:00"
    assert card_time("分享到微信", now) == ""


def test_disabled_until_its_cookie_is_set():
    check_held_back_by("lieyun", "LIEYUN_COOKIE")


def test_crawl_fixture_twice_with_the_cookie(tmp_path):
    (one, _two), requests = check_served_fixture("lieyun", tmp_path, lambda server: {"discovery.url": server.url("/news")},
                                                 env={"LIEYUN_COOKIE": "_csrf-frontend=test"})
    lists = [r for r in requests if r.path == "/news"]
    paths = {r.path for r in requests}
    # the list carries the flashes: nothing but the list is requested; the card without a share code is left out
    assert one["skipped"] == {"skipped_by_hook": 1} and paths <= {"/news", "/robots.txt"}
    assert len(lists) == 2 and all(r.headers.get("Cookie") == "_csrf-frontend=test" for r in lists)

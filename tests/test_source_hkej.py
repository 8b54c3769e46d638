"""hkej: every real item as the instant news list or the daily paper's drop-down and the article
pages serve it, through the spider and the pipelines; and the replayed `scrapy crawl hkej` of
fixtures/hkej/nightly, twice."""

from __future__ import annotations

from crawler.sources.generic import Entry

from tests.support import hkej_responses as responses
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("hkej")  # sites/hkej.toml through its spider
# What a person removes from a real hkej body: the daily paper's date line, topic tag and
# headline above the text (the file's own date and title), the photo controls ("放大圖片 / 顯示原圖"), the paper's
# adverts closing a text (its stock screener, a new book with its order links), the button
# under an exchange notice.
NOT_ARTICLE = NotArticle(boxes=("#date", ".info", "#article-title", ".enlargeImg"), lines=(
    r"^立即試用EJFQ", r"^（信報新書推薦", r"^實體書本地包郵優惠 : ", r"^電子書 : bit\.ly/", r"^下載港交所通告原文$"))


def entries(answer, block: int) -> list[Entry]:
    requests, articles = source.discover(answer, block)
    assert not articles
    return [Entry.from_meta(r.cb_kwargs["entry"]) for r in requests]


def test_every_real_item(tmp_path, capsys):
    items = seed_items("hkej")
    instant = [i for i in items if not responses.daily(i)]
    daily = [i for i in items if responses.daily(i)]
    found = {e.link: e for e in entries(responses.instant_response(instant), 0) + entries(responses.daily_response(daily), 1)}
    assert {link: e.title for link, e in found.items()} == {i["link"]: i["title"].strip() for i in items}
    pairs = ((item, source.parse_article(responses.page_response(item, n), found[item["link"]]))
             for n, item in enumerate(items))
    counts = check_real_items(f"hkej ({len(instant)} instant, {len(daily)} daily)", pairs, tmp_path, capsys,
                              folder="hkej", language="zh-HK", removed=NOT_ARTICLE,
                              want=lambda item: expected(item, named_by_id=False))
    assert counts == {"written": len(items)}


test_replayed_fixture_crawl_twice = replayed_fixture_test("hkej")

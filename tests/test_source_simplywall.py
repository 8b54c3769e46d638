"""simplywall: every real item as the news list and the article pages serve it, through the
spider and the pipelines (the md5 names from the page's own time: one file a story, whenever
it is crawled); and the replayed `scrapy crawl simplywall` of fixtures/simplywall/nightly, twice."""

from __future__ import annotations

from tests.support import simplywall_responses as responses
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("simplywall")  # sites/simplywall.toml through its spider
# What a person removes from a real simplywall body: the "Advertisement" slots, and the sign-up
# box closing the text (a portfolio tracker, a stock screener, a valuation report).
NOT_ARTICLE = NotArticle(lines=(r"^Advertisement$",), from_line=(
    r"^New: Manage All Your Stock Portfolios in One Place$", r"^New: AI Stock Screener & Alerts$",
    r"^Valuation is complex, but we're here to simplify it\.$"))


def test_every_real_item(tmp_path, capsys):
    # The 2025 items are labelled zh-CN but are English: the archive has them under en.
    items = seed_items("simplywall")
    entries = {e.link: e for e in source.list_entries(responses.list_response(items))}  # layout by layout
    assert {link: e.title for link, e in entries.items()} == {i["link"]: i["title"] for i in items}
    pairs = ((item, source.parse_article(responses.page_response(item, n), entries[item["link"]]))
             for n, item in enumerate(items))
    counts = check_real_items("simplywall", pairs, tmp_path, capsys, folder="simplywall", language="en",
                              removed=NOT_ARTICLE, want=lambda item: expected(item, named_by_id=False))
    assert counts == {"written": len(items)}
    assert not any(k.startswith(("simplywall/fallback", "simplywall/selector_missed")) for k in source.stats)


test_replayed_fixture_crawl_twice = replayed_fixture_test("simplywall")

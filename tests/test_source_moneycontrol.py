"""moneycontrol: every real item as the markets list and the article pages serve it, through
the spider and the pipelines; and the replayed `scrapy crawl moneycontrol` of
fixtures/moneycontrol/nightly, twice."""

from __future__ import annotations

import asyncio

from tests.support import moneycontrol_responses as responses
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("moneycontrol")  # sites/moneycontrol.toml through its spider
# What a person removes from a real moneycontrol body: the boxes inside the text that are no
# part of it: the stock widget (Watchlist, Portfolio, Set Alert, live prices), the ad slots
# ("Story continues below Advertisement"), the AI summary box, related stories, share buttons.
NOT_ARTICLE = NotArticle(boxes=(".social_icons_wrapper", ".stockwidget", "#hiddenStockWidget", ".mid-arti-ad",
                                ".snapShotAiSummery", ".strArtcl", ".related_stories_left_block"))


def test_every_real_item(tmp_path, capsys):
    items = seed_items("moneycontrol")
    # Not read: the invented video, and a live blog (one page rewritten all day; the old crawler
    # kept its empty text container).
    stories = [i for i in items if "-liveblog-" not in i["link"]]
    entries = source.list_entries(responses.list_response(items))
    assert [(e.link, e.title) for e in entries] == [(i["link"], i["title"]) for i in stories]
    pairs = ((item, source.parse_article(responses.page_response(item, n), entry))
             for n, (item, entry) in enumerate(zip(stories, entries)))
    counts = check_real_items(f"moneycontrol ({len(items) - len(stories)} live blog not read)", pairs, tmp_path,
                              capsys, folder="moneycontrol", language="en", removed=NOT_ARTICLE,
                              want=lambda item: expected(item, named_by_id=False))
    assert len(stories) == len(items) - 1 and counts == {"written": len(stories)}


test_replayed_fixture_crawl_twice = replayed_fixture_test("moneycontrol")


def test_url_file_reads_the_pages_given_and_limit_caps_them(tmp_path):
    links = [i["link"] for i in seed_items("moneycontrol")[:3]]
    listed = tmp_path / "urls.txt"
    listed.write_text("# pages to read again\n" + "\n".join(links) + "\n", encoding="utf-8")
    direct = SiteSource("moneycontrol", url_file=str(listed), limit="2")

    async def start():
        return [r async for r in direct.spider.start()]

    assert [r.url for r in asyncio.run(start())] == links[:2]
    assert direct.stats["moneycontrol/skipped_limit"] == 1

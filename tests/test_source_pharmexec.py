"""pharmexec: every real item as the RSS feed (links on the sister host, pubDate in GMT) and the
article pages serve it, through the spider and the pipelines; the replayed
`scrapy crawl pharmexec` of fixtures/pharmexec/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.reader import NotArticle
from tests.support.shared import seed_items
from tests.support.site_pages import SitePages, check_site_items, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("pharmexec")  # sites/pharmexec.toml through its spider

# The feed: every item, its link on www.onclive.com, its pubDate in GMT (the page states no
# time); the page: the item's real body (#block-content, or the old hashed class) with an
# astro-island widget and a nested related article in it.
PAGES = SitePages(
    "https://www.pharmexec.com/rss", zone=dt.timezone.utc, page_time=False,
    feed_link=lambda item: item["link"].replace("://www.pharmexec.com/", "://www.onclive.com/"),
    ad='<astro-island uid="invented"><p>Invented newsletter sign-up</p></astro-island>'
       '<article class="related"><p>Invented related article</p></article>')

# A person keeps all of a pharmexec body, its image credits and sources too.
NOT_ARTICLE = NotArticle()


def test_every_real_item(tmp_path, capsys):
    items = seed_items("pharmexec")
    counts = check_site_items(source, PAGES, items, tmp_path, capsys, removed=NOT_ARTICLE)
    # One real body is an empty #block-content (the old crawler's too): no text, no file.
    assert counts == {"written": len(items) - 1, "dropped/no_body": 1}


def test_since_skips_the_older_feed_entries():
    items = seed_items("pharmexec")
    fresh = SiteSource("pharmexec", since="2025-02-03")
    entries = fresh.list_entries(PAGES.discovery_response(items, "rss"))
    newer = [i["link"] for i in items if i["pub_date"] >= "2025-02-03"]
    assert [e.link for e in entries] == newer and 0 < len(newer) < len(items)
    assert fresh.stats["pharmexec/skipped_old"] == len(items) - len(newer)


test_replayed_fixture_crawl_twice = replayed_fixture_test("pharmexec")

"""digitalcommerce360: every real item as the site's Algolia search answers it (the hit carries
the teaser that is the body), through the spider and the pipelines; `scrapy crawl
digitalcommerce360` of fixtures/digitalcommerce360/nightly against a local server with its
search key set (the site is disabled until it is)."""

from __future__ import annotations

import json

from tests.support import digitalcommerce360_responses as responses
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import check_served_fixture
from tests.support.site_runs import check_held_back_by
from tests.support.site_source import SiteSource

source = SiteSource("digitalcommerce360")  # sites/digitalcommerce360.toml through its spider


def test_every_real_item(tmp_path, capsys):
    items = seed_items("digitalcommerce360")
    requests, articles = source.discover(responses.search_response(items))
    assert not requests and [a["id"] for a in articles] == [str(i["id"]) for i in items]
    # A person keeps all of a teaser; the time is post_date in Beijing time (the old files were 8 hours early).
    counts = check_real_items("digitalcommerce360", zip(items, articles), tmp_path, capsys, folder="digitalcommerce360",
                              language="en", want=lambda item: {**expected(item, thumbnail=False),
                                                                "date": responses.beijing(item)})
    assert counts == {"written": len(items)}


def test_disabled_until_its_search_key_is_set():
    check_held_back_by("digitalcommerce360", "DIGITALCOMMERCE360_ALGOLIA_KEY")


def test_crawl_fixture_twice_with_the_key(tmp_path):
    (one, _two), requests = check_served_fixture(
        "digitalcommerce360", tmp_path,
        lambda server: {"discovery.url": server.url("/1/indexes/*/queries?x-algolia-application-id=RSX8Q1FOLA")},
        env={"DIGITALCOMMERCE360_ALGOLIA_KEY": "test-search-key"})
    searches = [r for r in requests if r.path.startswith("/1/indexes/")]
    # the list carries the articles: nothing but the search is requested
    assert one["discovered"] == 3 and len(searches) == 2
    assert all({k.lower(): v for k, v in r.headers.items()}.get("x-algolia-api-key") == "test-search-key"
               for r in searches)
    body = json.loads(searches[0].body)
    assert body["requests"][0]["indexName"] == "wp_searchable_posts_genre" and "genre%3A'News'" in body["requests"][0]["params"]

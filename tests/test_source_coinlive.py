"""coinlive: every real article as the news list API (POST) and the article pages serve it,
through the spider and the pipelines; and the replayed `scrapy crawl coinlive` of
fixtures/coinlive/nightly, twice."""

from __future__ import annotations

import json

from tests.support import coinlive_responses as responses
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

CATEGORY = "coinlive_articles"  # the archive's category: the old crawler's source name
source = SiteSource("coinlive")  # sites/coinlive.toml through its spider
# What a person removes from a real coinlive body: the community sign-up box one page carries
# inside the text (its likes star and image-preview mask show no text).
NOT_ARTICLE = NotArticle(lines=(r"^Gain a broader understanding of the crypto industry",))


def test_every_real_article(tmp_path, capsys):
    items = seed_items("coinlive")
    articles = responses.articles(items)
    entries = source.list_entries(responses.list_response(articles))
    assert [(e.id, e.link, e.title) for e in entries] == [(str(i["id"]), i["link"], i["title"]) for i in articles]
    pairs = ((item, source.parse_article(responses.page_response(item), entry))
             for item, entry in zip(articles, entries))
    counts = check_real_items(f"coinlive ({len(items) - len(articles)} newsletter items of kind 2 not archived)",
                              pairs, tmp_path, capsys, folder="coinlive", language="en", removed=NOT_ARTICLE,
                              want=lambda item: expected(item, category=CATEGORY))
    assert counts == {"written": len(articles)}


def test_the_list_is_asked_with_the_intended_body():
    (request,) = [r for r in source.spider.discovery_requests()]
    assert request.method == "POST" and request.url == responses.API
    assert json.loads(request.body) == {"symbols": [], "page": 1, "size": 10, "show_position": 2,
                                        "sort": "published_at"}
    assert request.headers.get("x-platform") == b"PC" and request.headers.get("x-zone") == b"8"


def test_a_page_without_its_share_block_falls_back_and_is_counted():
    fresh = SiteSource("coinlive")
    (entry,) = fresh.list_entries(responses.list_response(responses.articles(seed_items("coinlive"))[:1]))
    page = response(entry.link, b'<html><body><h1>T</h1><div class="content"><p>' + b"Invented text. " * 30
                    + b"</p></div></body></html>")
    article = fresh.parse_article(page, entry)
    assert article["body_fallback"] == "extract" and "Invented text." in article["body_html"]
    assert fresh.stats["coinlive/selector_missed/body"] == 1


test_replayed_fixture_crawl_twice = replayed_fixture_test("coinlive")

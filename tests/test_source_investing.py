"""investing: every real item as the news API serves it in its edition (en, zh-CN), through the
spider and the pipelines; the sponsor's link and the advert placeholders left out; and the
replayed `scrapy crawl investing` of fixtures/investing/nightly, twice."""

from __future__ import annotations

import re

import pytest

from crawler.arguments import ArgumentError
from crawler.spiders.generic import site_spider as SiteSpider_of

from tests.support import investing_responses as responses
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import check_fixture_twice
from tests.support.site_source import SiteSource

EDITIONS = {"en": (0, "investing_us"), "zh-CN": (1, "investing_cn")}  # [[discovery]] and category
# What a person removes: the placeholders of an InvestingPro advert inside the text.
PROMOTION = re.compile(r"\[\[pro_promotion \|.*?\]\]", re.S)
SPONSOR = "/jp.php?"  # a sponsor's link the en list carries among its stories
source = SiteSource("investing")  # sites/investing.toml through its spider


def test_every_real_item(tmp_path, capsys):
    items = seed_items("investing")
    pairs = []
    for language, (block, _category) in EDITIONS.items():
        stories = responses.of(items, language)
        requests, articles = source.discover(responses.answer(stories), block)
        assert not requests
        kept = [i for i in stories if SPONSOR not in i["link"]]
        kept = [i for n, i in enumerate(kept) if i["id"] not in {k["id"] for k in kept[:n]}]  # one story an id
        assert [(a["id"], a["link"], a["title"]) for a in articles] == [(str(i["id"]), i["link"], i["title"])
                                                                         for i in kept]
        pairs += [({**i, "description": PROMOTION.sub("", i["description"])}, a) for i, a in zip(kept, articles)]
    # The same id under two links twice (a running story whose slug changed): one file an id.
    stats = {k: v for k, v in source.stats.items() if k in ("investing/skipped_ad", "investing/duplicate")}
    assert stats == {"investing/skipped_ad": 1, "investing/duplicate": 2}
    counts = check_real_items(
        f"investing (at discovery: {stats})", pairs, tmp_path, capsys, folder="investing",
        language="en", want=lambda i: expected(i, category=EDITIONS[i["language"]][1], language=i["language"]))
    assert counts == {"written": len(items) - 1 - 2}


def test_replayed_fixture_crawl_twice(tmp_path):
    one, _two = check_fixture_twice("investing", tmp_path, articles=4)
    assert one["skipped"] == {"skipped_ad": 1}


def test_each_edition_is_asked_by_its_domain_id():
    requests = list(source.spider.discovery_requests())
    assert [(r.url, r.headers.get("Domain-Id")) for r in requests] == [(responses.API, b"www"), (responses.API, b"cn")]


def test_urls_are_refused_and_since_skips_older_stories():
    # The list carries the stories: there is no page of one to fetch.
    with pytest.raises(ArgumentError, match="urls=/url_file= do not apply"):
        SiteSpider_of("investing").check_arguments({"urls": ["https://www.investing.com/news/x-1"]}, source.crawler.settings)
    stories = responses.of(seed_items("investing"), "en")
    newer = SiteSource("investing", since="2026-01-01")
    _requests, articles = newer.discover(responses.answer(stories), 0)
    assert [a["link"] for a in articles] == [i["link"] for i in stories if i["pub_date"] >= "2026-01-01"
                                              and SPONSOR not in i["link"]]
    older = sum(i["pub_date"] < "2026-01-01" for i in stories)  # two of them an id's second story
    assert (newer.stats["investing/skipped_old"], newer.stats["investing/duplicate"]) == (older - 2, 2)

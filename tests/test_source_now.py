"""now: every real item as the news list API or the finance world list and the article pages
serve it, through the spider and the pipelines; the summary when a page cannot be had; and
the replayed `scrapy crawl now` of fixtures/now/nightly, twice."""

from __future__ import annotations

from crawler.sources.generic import Entry

from tests.support import now_responses as responses
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("now")  # sites/now.toml through its spider
BLOCKS = {"now": 0, "now_finance": 1}  # the site file's [[discovery]] of each list
# What a person removes from a real now body: the links closing technology stories taken from a
# magazine ("browse the MOBILE site", "read the whole article" there).
NOT_ARTICLE = NotArticle(lines=(r"^瀏覽MOBILE網頁$", r"^閱讀全文$"))


def entries(answer, block: int) -> list[Entry]:
    requests, articles = source.discover(answer, block)
    assert not articles
    return [Entry.from_meta(r.cb_kwargs["entry"]) for r in requests]


def test_every_real_item(tmp_path, capsys):
    items = seed_items("now")
    news, finance = responses.of(items, "now"), responses.of(items, "now_finance")
    found = entries(responses.news_response(news), 0) + entries(responses.finance_response(finance), 1)
    ordered = news + finance
    assert [(e.link, e.title, e.block) for e in found] == [(i["link"], i["title"], BLOCKS[i["source"]]) for i in ordered]
    pairs = ((item, source.parse_article(responses.page_response(item, n), entry))
             for n, (item, entry) in enumerate(zip(ordered, found)))
    counts = check_real_items(f"now ({len(news)} news, {len(finance)} finance)", pairs, tmp_path, capsys,
                              folder="now", language="zh-HK", removed=NOT_ARTICLE,
                              want=lambda i: expected(i, category=i["source"], named_by_id=False))
    assert counts == {"written": len(items)}


def test_a_page_that_cannot_be_had_gives_the_api_summary():
    item = responses.of(seed_items("now"), "now")[0]
    (entry,) = entries(responses.news_response([item]), 0)
    assert entry.summary == "Invented summary."
    article = source.parse_article(response(item["link"], b"gone", status=404), entry)
    assert article["body_fallback"] == "summary" and article["body_html"] == "<p>Invented summary.</p>"
    assert article["published"].strftime("%Y-%m-%d %H:%M:%S") == item["pub_date"]


def test_both_lists_are_asked_each_with_its_headers():
    requests = list(source.spider.discovery_requests())
    assert [r.url for r in requests] == [
        "https://newsapi1.now.com/pccw-news-api/api/getNewsListv2?category=121&pageSize=20&pageNo=1",
        "https://newsapi1.now.com/pccw-news-api/api/getNewsListv2?category=502&pageSize=20&pageNo=1",
        "https://finance.now.com/news/newsList.php?type=world"]
    assert [r.headers.get("x-requested-with") for r in requests] == [b"XMLHttpRequest", b"XMLHttpRequest", None]


test_replayed_fixture_crawl_twice = replayed_fixture_test("now")

"""mingpao: every real item as the instant news list and the finance pages serve it, through
the spider and the pipelines; disabled until its secret is set, and then the real
`scrapy crawl mingpao` of fixtures/mingpao/nightly against a local server, twice, the cookie
sent with every request."""

from __future__ import annotations


from tests.support import mingpao_responses as responses
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import check_served_fixture
from tests.support.site_runs import check_held_back_by
from tests.support.site_source import SiteSource

source = SiteSource("mingpao")  # sites/mingpao.toml through its spider


def test_every_real_item(tmp_path, capsys):
    items = seed_items("mingpao")
    entries = source.list_entries(responses.list_response(items))
    assert {e.link: e.title for e in entries} == {i["link"]: i["title"] for i in items}  # no other section
    by_link = {e.link: e for e in entries}
    pairs = ((item, source.parse_article(responses.page_response(item, n), by_link[item["link"]]))
             for n, item in enumerate(items))
    # A person keeps all of a mingpao body (the invented social line and frame are not the item's).
    counts = check_real_items("mingpao", pairs, tmp_path, capsys, folder="mingpao", language="zh-HK",
                              want=lambda item: expected(item, named_by_id=False))
    assert counts == {"written": len(items)}


def test_disabled_until_its_secret_is_set_then_crawled_twice(tmp_path):
    check_held_back_by("mingpao", "MINGPAO_COOKIE")  # crawlall leaves it out; by name it runs
    _reports, requests = check_served_fixture(
        "mingpao", tmp_path, lambda server: {"discovery.url": server.url("/ins/%E5%8D%B3%E6%99%82%E6%96%B0%E8%81%9E/main"),
                                             "request.article_url": f"{server.base}{{path}}"},
        env={"MINGPAO_COOKIE": "cf_clearance=invented"}, article=lambda p: p.startswith("/fin/"))
    sent = [r.headers.get("Cookie") for r in requests if not r.path.endswith("robots.txt")]
    assert len(sent) == 2 + 3 and set(sent) == {"cf_clearance=invented"}

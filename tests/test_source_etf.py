"""etf: every real item as the news list and the article pages serve it (the article among
several `.etf_articles__body` blocks), through the spider and the pipelines; `scrapy crawl etf`
of fixtures/etf/nightly against a local server with its cookie set (the site is disabled until
it is)."""

from __future__ import annotations

import datetime as dt

from tests.support.page_responses import response
from tests.support.site_pages import SitePages, check_served_fixture, every_real_item_test
from tests.support.site_runs import check_held_back_by
from tests.support.site_source import SiteSource

source = SiteSource("etf")  # sites/etf.toml through its spider

# The list: `.image-card` cards, the link relative in `.image-card__title > a`; the page: two
# short invented `.etf_articles__body` blocks (key points, author) before the item's real one,
# with a `.caas-da` ad slot; New York time.
PAGES = SitePages(
    "https://www.etf.com/news",
    card='<div class="image-card"><img src="/invented.jpg"><div class="image-card__title"><a href="{href}">{title}</a>'
         '</div></div>',
    page='<article><h1>{title}</h1><div class="etf_articles__body"><ul><li>Invented key point.</li></ul></div>'
         '<div class="etf_articles__body"><p>Invented author bio.</p></div>{body}</article>',
    ad='<div class="caas-da"><p>Invented advertisement</p></div>', zone=dt.timezone(dt.timedelta(hours=-5)))


# A person keeps all of an etf body (the invented blocks around it are not the item's).
test_every_real_item = every_real_item_test(source, PAGES)


def test_the_block_with_the_most_text_is_the_article_wherever_it_is():
    long = "<p>" + "Invented sentence of the article. " * 5 + "</p>"
    for blocks in ([long, "<p>Short one.</p>", "<p>Short two.</p>"], ["<p>Short one.</p>", long]):
        page = "".join(f'<div class="etf_articles__body">{b}</div>' for b in blocks)
        article = source.parse_article(response("https://www.etf.com/sections/news/x", f"<html><body><h1>T</h1>{page}"
                                                                                        "</body></html>".encode()))
        assert "Invented sentence" in article["body_html"] and "Short" not in article["body_html"]


def test_disabled_until_its_cookie_is_set():
    check_held_back_by("etf", "ETF_COOKIE")


def test_crawl_fixture_twice_with_the_cookie(tmp_path):
    _reports, requests = check_served_fixture(
        "etf", tmp_path, lambda server: {"discovery.url": server.url("/news"), "request.article_url": f"{server.base}{{path}}"},
        env={"ETF_COOKIE": "cf_clearance=test-clearance"}, article=lambda p: p.startswith("/sections/"))
    cookies = [r.headers.get("Cookie") for r in requests if r.path != "/robots.txt"]
    assert cookies and all(c == "cf_clearance=test-clearance" for c in cookies)

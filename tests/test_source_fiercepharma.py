"""fiercepharma: every real item as the marketing list and the article pages serve it, through
the spider and the pipelines; the replayed `scrapy crawl fiercepharma` of
fixtures/fiercepharma/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.reader import NotArticle
from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("fiercepharma")  # sites/fiercepharma.toml through its spider

# The list: `.content-wrapper` cards, the link relative in `.title a`; the page: the item's real
# `#article-body-row` with an `.ad` slot; New York time.
PAGES = SitePages(
    "https://www.fiercepharma.com/marketing",
    card='<div class="content-wrapper"><div class="title"><h3><a href="{href}">{title}</a></h3></div>'
         '<div class="summary">Invented summary.</div></div>',
    ad='<div class="ad"><p>Invented advertisement</p></div>', zone=dt.timezone(dt.timedelta(hours=-5)))

# What a person removes from a real fiercepharma body: the "Related" boxes between paragraphs
# (another story's link); the crawler removes them too.
NOT_ARTICLE = NotArticle(link_lists=(r"^Related$",))


test_every_real_item = every_real_item_test(source, PAGES, removed=NOT_ARTICLE)
test_replayed_fixture_crawl_twice = replayed_fixture_test("fiercepharma")

"""driveteslacanada: every real item as the home page and the WordPress article pages serve
it, through the spider and the pipelines; the replayed `scrapy crawl driveteslacanada` of
fixtures/driveteslacanada/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.reader import NotArticle
from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("driveteslacanada")  # sites/driveteslacanada.toml through its spider

# The home page: `article` cards inside `.entry-content` (`.entry-title > a`, absolute link); the
# page: the item's real `.entry-content` with a `.code-block` ad and a script; Vancouver time.
PAGES = SitePages(
    "https://driveteslacanada.ca/", relative_links=False,
    cards='<div class="entry-content">{cards}</div>',
    card='<article class="post"><div class="entry-thumb"><img src="{image}"></div><h3 class="entry-title">'
         '<a href="{href}">{title}</a></h3></article>',
    ad='<div class="code-block code-block-2"><p>Invented advertisement</p></div><script>invented()</script>',
    zone=dt.timezone(dt.timedelta(hours=-7)))

# What a person removes from a real driveteslacanada body: the "You might also like:" paragraph
# (links to other stories; the crawler's page hook takes it out).
NOT_ARTICLE = NotArticle(lines=(r"^You might also like:$", r"^•"))


test_every_real_item = every_real_item_test(source, PAGES, removed=NOT_ARTICLE)
test_replayed_fixture_crawl_twice = replayed_fixture_test("driveteslacanada")

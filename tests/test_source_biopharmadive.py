"""biopharmadive: every real item as the home page / press-release list and the article pages
serve it (news in .article-body or section.body, press releases in .content__text), through the
spider and the pipelines; the replayed `scrapy crawl biopharmadive` of
fixtures/biopharmadive/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("biopharmadive")  # sites/biopharmadive.toml through its spider

# The list: `.feed__item` cards, the link relative in `.feed__title > a`; the page: the item's
# real body container with a `.hybrid-ad-wrapper` slot; New York time.
PAGES = SitePages(
    "https://www.biopharmadive.com/",
    cards='<ul class="feed">{cards}</ul>',
    card='<li class="feed__item"><h3 class="feed__title"><a href="{href}">{title}</a></h3>'
         '<p class="feed__description">Invented description.</p></li>',
    ad='<div class="hybrid-ad-wrapper"><p>Invented advertisement</p></div>', zone=dt.timezone(dt.timedelta(hours=-5)))


# A person keeps all of a biopharmadive body (the invented ad slot is not the item's).
test_every_real_item = every_real_item_test(source, PAGES)
test_replayed_fixture_crawl_twice = replayed_fixture_test("biopharmadive")

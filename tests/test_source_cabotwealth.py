"""cabotwealth: every real item as the daily list and the article pages serve it, through the
spider and the pipelines; the replayed `scrapy crawl cabotwealth` of
fixtures/cabotwealth/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.reader import NotArticle
from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("cabotwealth")  # sites/cabotwealth.toml through its spider

# The list: `.PageList-items-item` promos (image, `.PagePromo-title > a`, absolute link); the
# page: `.Page-articleBody` around the item's real `.RichTextBody`, with an `.InternalAd`; New
# York time.
PAGES = SitePages(
    "https://www.cabotwealth.com/daily", relative_links=False,
    cards='<ul class="PageList-items">{cards}</ul>',
    card='<li class="PageList-items-item"><div class="PagePromo"><div class="PagePromo-media"><img src="{image}"></div>'
         '<h3 class="PagePromo-title"><a class="Link" href="{href}">{title}</a></h3></div></li>',
    page='<article class="Page-main"><h1 class="Page-headline">{title}</h1><div class="Page-articleBody">{body}</div>'
         '</article>',
    ad='<div class="InternalAd"><p>Invented advertisement</p></div>', zone=dt.timezone(dt.timedelta(hours=-5)))

# What a person removes from a real cabotwealth body: the author box's placeholder paragraph
# "[author_ad]" (the crawler's page hook takes it out).
NOT_ARTICLE = NotArticle(lines=(r"^\[author_ad\]$",))


test_every_real_item = every_real_item_test(source, PAGES, removed=NOT_ARTICLE)
test_replayed_fixture_crawl_twice = replayed_fixture_test("cabotwealth")

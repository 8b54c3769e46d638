"""techcrunch: every real item as the RSS feed and the article pages serve it, crawled once by
the real `scrapy crawl techcrunch` over 127.0.0.1 through the pipelines, each file checked;
the replayed fixture crawl of fixtures/techcrunch/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("techcrunch")  # sites/techcrunch.toml through its spider

# The feed: every item, its pubDate in UTC (+0000, as the WordPress feed writes it; the page
# states no time, so the feed's is the one read). The page: the article hero's `<h1>`, then
# the item's real `.entry-content` with the three inserts the old crawler removed (an ad
# unit, the newsletter call-to-action, a podcast player) after its first paragraph.
PAGES = SitePages(
    "https://techcrunch.com/feed/", relative_links=False, lang="en-US", page_time=False, zone=dt.timezone.utc,
    page='<div class="article-hero"><h1 class="article-hero__title wp-block-post-title">{title}</h1>'
         '<div class="article-hero__authors"><a href="/author/invented/">Invented Writer</a></div></div>{body}',
    ad='<div class="ad-unit"><div class="ad-unit__inner">Invented advertisement</div></div>'
       '<div class="marfeel-experience-inline-cta"><p>Invented newsletter: sign up for made-up news.</p></div>'
       '<div class="wp-block-tc23-podcast-player"><p>Invented podcast episode player</p></div>')


# A person keeps all of a techcrunch body: its contact-us callouts and image credits are
# the article's (the old crawler's video promos hold a player's script, no text).
test_every_real_item = every_real_item_test(source, PAGES, served=True)
test_replayed_fixture_crawl_twice = replayed_fixture_test("techcrunch")

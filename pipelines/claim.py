"""The claim stage: claim the article for this run (crawler.claims), right after validation; a
second version of an article already claimed in this run is dropped as `duplicate`."""

from __future__ import annotations

from scrapy import signals

from crawler.claims import ArticleClaims
from crawler.drops import DropArticle


class ClaimArticle:
    def __init__(self, claims: ArticleClaims):
        self.claims = claims

    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls(ArticleClaims.for_crawler(crawler))
        # The claim's outcome is the item's: through every pipeline (written, or already in
        # the archive) it is kept; dropped or failed later, it is released.
        crawler.signals.connect(pipe.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(pipe.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipe.item_error, signal=signals.item_error)
        return pipe

    async def process_item(self, item, spider=None):
        if not await self.claims.claim(item):
            raise DropArticle("duplicate", item.get("link") or "")
        return item

    def item_scraped(self, item, response=None, spider=None):
        self.claims.settle(item, kept=True)

    def item_dropped(self, item, response=None, exception=None, spider=None):
        self.claims.settle(item, kept=False)

    def item_error(self, item, response=None, spider=None, failure=None):
        self.claims.settle(item, kept=False)

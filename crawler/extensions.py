"""Crawl-wide bookkeeping wired by EXTENSIONS."""

from scrapy import signals

from pipelines.errors import DropArticle


class DropCounter:
    """Counts every dropped article as `article/dropped/<reason>` in the crawl stats."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        return ext

    def item_dropped(self, item, response, exception, spider):
        reason = exception.reason if isinstance(exception, DropArticle) else "other"
        self.stats.inc_value(f"article/dropped/{reason}")

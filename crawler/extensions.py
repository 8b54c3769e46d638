"""Crawl-wide bookkeeping wired by EXTENSIONS."""

from scrapy import signals

from crawler.archive_index import ArchiveIndex
from crawler.drops import DropArticle


class DropCounter:
    """Counts every dropped article as `article/dropped/<reason>` in the crawl stats, and
    remembers the articles dropped for a lasting reason (ARCHIVE_REMEMBER_DROPS: removed,
    paid) in the archive folder's drop ledger, so that later runs do not request them again."""

    def __init__(self, stats, index: ArchiveIndex | None = None, remember=()):
        self.stats = stats
        self.remember = frozenset(remember)
        self.index = index if self.remember else None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats, ArchiveIndex.for_crawler(crawler), crawler.settings.getlist("ARCHIVE_REMEMBER_DROPS"))
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        return ext

    def item_dropped(self, item, response, exception, spider):
        # A DropItem that is no DropArticle (another pipeline's, a plugin's) has no reason of ours.
        drop_reason = exception.reason if isinstance(exception, DropArticle) else "other"
        self.stats.inc_value(f"article/dropped/{drop_reason}")
        if self.index is not None and drop_reason in self.remember and hasattr(item, "get"):
            language, folder = item.get("language"), item.get("folder")
            if language and folder and (item.get("id") or item.get("link")):
                self.index.record_drop(language, folder, item.get("id"), item.get("link") or "", drop_reason)

"""The archive stage (the last): write the article's file into the archive, atomically and never over another,
and never outside the archive (a folder that is a symlink leading out of it is refused)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from crawler.archive import ArchiveEntry, has_id
from crawler.archive_index import ArchiveIndex
from crawler.drops import DropArticle
from crawler.durable_files import DurableFiles

logger = logging.getLogger(__name__)


class ArchiveWriter:
    def __init__(self, root: str | os.PathLike, stats=None, index: ArchiveIndex | None = None):
        self.root = Path(root).resolve()
        self.stats = stats
        self.index = index or ArchiveIndex(self.root)
        self.files = DurableFiles()

    @classmethod
    def from_crawler(cls, crawler):
        index = ArchiveIndex.for_crawler(crawler)
        return cls(index.root, crawler.stats, index)

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)

    def entry_for(self, item) -> ArchiveEntry:
        return ArchiveEntry(
            id=item.get("id"), title=item["title"], published=item["published"],
            summary=item.get("summary") or "", category=item["category"],
            language=item["language"], folder=item["folder"],
            thumbnail=item.get("thumbnail") or "", link=item["link"],
            body_markdown=item.get("body_markdown") or "",
        )

    def is_known(self, entry: ArchiveEntry) -> bool:
        if self.index.contains_name(entry.language, entry.folder, entry.name, include_dropped=False):
            return True
        # An md5 name changes with the title or time: such an article is known by its link.
        # Id names identify the article themselves, so their folders are never read.
        return not has_id(entry.id) and self.index.contains_link(entry.language, entry.folder, entry.link,
                                                                 include_dropped=False)

    def target_for(self, entry: ArchiveEntry) -> Path:
        """The file's absolute path. Folder names come from settings and sources (validated as
        one path segment); never let one lead out of its place in the root, whatever reached
        this point. The check is lexical (no file system call per article: resolve() made 20
        lstat calls per file); symlinks are judged once per folder (process_item)."""
        news = os.path.join(self.root, entry.language, "news")
        target = os.path.normpath(os.path.join(news, entry.folder, entry.name))
        if os.path.dirname(os.path.dirname(target)) != news or os.path.basename(target) != entry.name:
            raise DropArticle("bad_path", entry.path)
        return Path(target)

    async def process_item(self, item, spider=None):
        entry = self.entry_for(item)
        target = self.target_for(entry)
        # A folder (or its language or `news` directory) that is a symlink leading out of the
        # archive is never read or written through; checked once per folder, and the crawl is
        # refused (ArchiveIndex.on_refuse).
        problem = self.index.folder_problem(entry.language, entry.folder)
        if problem:
            raise DropArticle("unsafe_folder", problem)
        item["archive_path"] = entry.path
        item["archive_written"] = False
        # lexists: a symlink at the name (even a dangling one) is a taken name.
        if self.is_known(entry) or os.path.lexists(target):
            self._inc("archive/skipped_existing")
            logger.debug("Already in the archive: %s (%s)", entry.path, entry.link)
            return item
        # Durable before it has its name; in a crawl flushed together with the files that
        # arrive meanwhile (crawler.durable_files), so the crawl does not wait on the disk.
        written = await self.files.create(target, entry.text())
        self.index.add_name(entry.language, entry.folder, entry.name)
        self.index.add_link(entry.language, entry.folder, entry.link)
        self._inc("archive/written" if written else "archive/skipped_existing")
        item["archive_written"] = written
        return item

    def close_spider(self, spider=None):
        self.files.close()

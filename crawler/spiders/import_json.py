"""The spider behind `scrapy import-json`: old-crawler items through the normal pipelines.

It makes no request; it yields the files' items from start(), so they meet exactly the
pipelines, stats and drop counting of a crawl.
"""

from __future__ import annotations

from pathlib import Path

import scrapy

from crawler.legacy import LegacyFileError, article_from_legacy, read_legacy_file


class ImportJsonSpider(scrapy.Spider):
    name = "import-json"
    # The old items are what they are: their field coverage is reported, not judged.
    custom_settings = {"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "RUN_MIN_COVERAGE": {}}

    def __init__(self, paths=(), folder: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.paths = [Path(p) for p in (paths.split(",") if isinstance(paths, str) else paths)]
        self.folder = folder
        self.file_errors: list[str] = []

    def folder_for(self, path: Path) -> str:
        return self.folder or path.resolve().parent.name

    async def start(self):
        for item in self.items():
            yield item

    def items(self):
        for path in self.paths:
            folder = self.folder_for(path)
            self.crawler.stats.inc_value("import/files")
            try:
                for _position, obj in read_legacy_file(path):
                    self.crawler.stats.inc_value("import/items")
                    yield article_from_legacy(obj, folder)
            except LegacyFileError as exc:
                self.crawler.stats.inc_value("import/bad_files")
                self.file_errors.append(str(exc))
                self.logger.error("%s", exc)

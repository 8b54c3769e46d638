"""A site file's source driven through its real spider (crawler/spiders/generic.py) without a
crawl: discovery responses go into the spider's own callbacks, the article responses into the
callbacks of the requests it made, and the Articles come out, for the real-item tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler import settings as project_settings
from crawler.items import Article
from crawler.sources.generic import Entry
from crawler.spider_loader import SiteSpiderLoader


class SiteSource:
    """The spider of `sites/<name>.toml` (SITE_OVERRIDES: `overrides`), its archive an empty
    temporary folder unless `archive` is given."""

    def __init__(self, name: str, archive: str | Path | None = None, overrides: dict | None = None, **arguments):
        settings = Settings()
        settings.setmodule(project_settings)
        self._tmp = None
        if archive is None:
            self._tmp = tempfile.TemporaryDirectory(prefix=f"site-{name}-")
            archive = self._tmp.name
        settings.set("ARCHIVE_DIR", str(archive))
        if overrides:
            settings.set("SITE_OVERRIDES", {name: overrides})
        self._spidercls = SiteSpiderLoader.from_settings(settings).load(name)
        self._arguments = arguments
        self.crawler = Crawler(self._spidercls, settings)
        self.crawler.stats = MemoryStatsCollector(self.crawler)
        self.spider = self._spidercls.from_crawler(self.crawler, **arguments)
        self.config = self.spider.config
        self.FOLDER, self.LANGUAGE, self.CATEGORY = self.config.folder, self.config.language, self.config.category

    @property
    def stats(self) -> dict:
        return self.crawler.stats.get_stats()

    def discover(self, response: Response, block: int = 0) -> tuple[list[scrapy.Request], list[Article]]:
        """(article requests, Articles made from the entries alone) a new spider gives for one
        discovery response (a new one: the last one's would count these entries as seen)."""
        self.spider = self._spidercls.from_crawler(self.crawler, **self._arguments)
        request = scrapy.Request(response.url, cb_kwargs={"block": block})
        out = list(self.spider.parse_discovery(response.replace(request=request), **request.cb_kwargs))
        return [r for r in out if isinstance(r, scrapy.Request)], [a for a in out if isinstance(a, Article)]

    def list_entries(self, response: Response) -> list[Entry]:
        """The entries of the article requests the spider makes for a discovery response."""
        requests, articles = self.discover(response)
        assert not articles, "the list carries the articles: use discover()"
        return [Entry.from_meta(r.cb_kwargs["entry"]) for r in requests]

    def parse_article(self, response: Response, entry: Entry | dict | None = None) -> Article | None:
        """The Article the spider's article callback makes of the response (its request is the
        spider's own for the entry; a bare Entry of the URL without one), None when it makes none."""
        entry = Entry.from_meta(entry) or Entry(link=response.url, id=self.config.article_id(response.url))
        request = self.spider.article_request(entry)
        out = list(request.callback(response.replace(request=request), **request.cb_kwargs))
        assert len(out) <= 1, out
        return out[0] if out else None

"""The project's spiders plus one spider per site file: `scrapy crawl sina` runs `sites/sina.toml`.

Scrapy's SpiderLoader finds the classes of SPIDER_MODULES; this one also registers, for every
`<GENERIC_SITES_DIR>/<name>.toml`, a spider named `<name>` (crawler.spiders.generic.site_spider).
The files are only listed here, not read: a broken one fails the run that names it (exit 2),
never `scrapy list` or another source. A file named like a spider of code is not registered
(`scrapy crawlall` refuses the clash).
"""

from __future__ import annotations

from scrapy.spiderloader import SpiderLoader

from crawler.sources.site_file import SITE_NAME, site_files


class SiteSpiderLoader(SpiderLoader):
    def __init__(self, settings):
        super().__init__(settings)
        from crawler.spiders.generic import site_spider

        self.sites: list[str] = []
        self.clashes: list[str] = []
        for path in site_files(settings.get("GENERIC_SITES_DIR") or ""):
            name = path.stem
            if not SITE_NAME.fullmatch(name):
                continue
            if name in self._spiders:
                self.clashes.append(name)
                continue
            self._spiders[name] = site_spider(name)
            self.sites.append(name)

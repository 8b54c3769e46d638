"""Small runners shared by the per-source tests of site files: the requests a site's spider
starts with (its `-a urls=`/`url_file=`/`limit=` handling, no crawl), and the real
`scrapy crawl <site>` replaying a fixture folder (FIXTURES_REPLAY: the site's own URLs, no
server, no override)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.support.cli import run_scrapy

QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")


def start_requests(source) -> list:
    """What `source.spider.start()` yields (a tests.support.site_source.SiteSource)."""
    async def collect():
        return [r async for r in source.spider.start()]

    return asyncio.run(collect())


def replay(site: str, fixture: Path, archive: Path, *extra: str, env: dict | None = None):
    """`scrapy crawl <site>` answered from the fixture folder into `archive`."""
    return run_scrapy("crawl", site, "-s", f"FIXTURES_REPLAY={fixture}", "-s", f"ARCHIVE_DIR={archive}", *QUIET,
                      *extra, env=env)

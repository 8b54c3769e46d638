"""Small runners shared by the per-source tests of site files: the requests a site's spider
starts with (its `-a urls=`/`url_file=`/`limit=` handling, no crawl), the real
`scrapy crawl <site>` replaying a fixture folder (FIXTURES_REPLAY: the site's own URLs, no
server, no override), and the check of a site held back until its secret is set."""

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


def check_held_back_by(site: str, secret: str) -> None:
    """sites/<site>.toml is disabled, its reason names `secret`, its one secret."""
    from crawler.sources.site_file import load_site

    config = load_site(site, Path(__file__).resolve().parents[2] / "sites")
    assert (config.enabled, config.secrets) == (False, (secret,)) and secret in config.disabled_reason, \
        (config.enabled, config.secrets, config.disabled_reason)


def replay(site: str, fixture: Path, archive: Path, *extra: str, env: dict | None = None):
    """`scrapy crawl <site>` answered from the fixture folder into `archive`."""
    return run_scrapy("crawl", site, "-s", f"FIXTURES_REPLAY={fixture}", "-s", f"ARCHIVE_DIR={archive}", *QUIET,
                      *extra, env=env)

"""A spider whose feed callback crashes and whose item a pipeline refuses, for the error count.

    scrapy crawl crashfeed -s SPIDER_MODULES=tests.support.crash_spiders -a base=<url>

Feed page 1 answers text that is not JSON: `parse_feed` raises (a spider error); page 2 lists
one entry, whose item `RefusingPipeline` fails with ENOSPC (an item error, as a full disk).
"""

from __future__ import annotations

import errno
import json

import scrapy


class RefusingPipeline:
    def process_item(self, item, spider=None):
        raise OSError(errno.ENOSPC, "No space left on device")


class CrashFeedSpider(scrapy.Spider):
    name = "crashfeed"
    custom_settings = {
        "ITEM_PIPELINES": {"tests.support.crash_spiders.RefusingPipeline": 100},
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
    }

    def __init__(self, base: str = "http://127.0.0.1:8000", **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    async def start(self):
        for page in (1, 2):
            yield scrapy.Request(f"{self.base}/feed?page={page}", callback=self.parse_feed)

    def parse_feed(self, response):
        for entry in json.loads(response.text)["entries"]:  # page 1 is not JSON: raises here
            yield {"title": entry}


def add_crash_site(server) -> None:
    from tests.support.server import Reply

    server.add("GET", "/feed?page=1", Reply(body=b"<html>maintenance</html>", headers={"Content-Type": "text/html"}))
    server.add("GET", "/feed?page=2", Reply(body=json.dumps({"entries": ["one"]}).encode(),
                                            headers={"Content-Type": "application/json"}))

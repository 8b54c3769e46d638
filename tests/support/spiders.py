"""A tiny spider and the site it reads, for the record/replay, report and exit-status tests.

Run it with `scrapy crawl fixturetest -s SPIDER_MODULES=tests.support.spiders -a base=<url>`.
It behaves like a news source in small: discovery by POST feed pages that differ only by
their JSON body (errback counts `fixturetest/discovery_failed`), articles already in the
archive are skipped (`fixturetest/skipped_known`), the others requested
(`fixturetest/requested`) and turned into Articles written by the real archive pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import scrapy

from crawler.archive import archive_name
from crawler.archive_index import ArchiveIndex
from crawler.items import Article

SHANGHAI = ZoneInfo("Asia/Shanghai")


class FixtureTestSpider(scrapy.Spider):
    name = "fixturetest"
    custom_settings = {
        # Only the pipelines this test needs (the full chain belongs to the qq work).
        "ITEM_PIPELINES": {
            "pipelines.validate.ValidateArticle": 100,
            "pipelines.archive.ArchiveWriter": 500,
        },
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "RETRY_TIMES": 1,
        "LOG_LEVEL": "INFO",
    }

    def __init__(self, base: str = "http://127.0.0.1:8000", pages: str = "2", **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip("/")
        self.pages = int(pages)

    async def start(self):
        for page in range(1, self.pages + 1):
            yield scrapy.Request(
                f"{self.base}/api/feed", method="POST",
                body=json.dumps({"page": page, "channel": "test"}),
                headers={"Content-Type": "application/json"},
                callback=self.parse_feed, errback=self.feed_failed, dont_filter=True,
            )

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(f"{self.name}/{key}")

    def feed_failed(self, failure):
        self._inc("discovery_failed")
        self.logger.warning("Feed request failed: %s", failure.value)

    def parse_feed(self, response):
        if response.status != 200:
            self._inc("discovery_failed")
            return
        index = ArchiveIndex(self.settings.get("ARCHIVE_DIR"))
        for entry in json.loads(response.text)["data"]:
            self._inc("discovered")
            if index.contains_name("zh-CN", "test", archive_name(entry["id"], "", "", "zh-CN")):
                self._inc("skipped_known")
                continue
            self._inc("requested")
            yield response.follow(entry["url"], callback=self.parse_article, cb_kwargs={"article_id": entry["id"]})

    def parse_article(self, response, article_id):
        item = Article(id=article_id, link=response.url, language="zh-CN", folder="test",
                       category="test", thumbnail="")
        item["title"] = (response.css("h1::text").get() or "").strip()
        pub = response.css('meta[name="pubdate"]::attr(content)').get()
        if pub:
            item["published"] = dt.datetime.strptime(pub, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
        body = response.css("div#body")
        if not body:
            item["drop_reason"] = "no_body"
            return item
        item["body_html"] = body.get()
        item["body_markdown"] = "\n\n".join(t.strip() for t in body.css("p::text").getall())
        item["body_fallback"] = body.attrib.get("data-fallback", "")
        return item


# ------------
# The site


def _page(title: str, pub: str, paragraphs: list[str], *, body: bool = True, fallback: str = "") -> str:
    attr = f' data-fallback="{fallback}"' if fallback else ""
    inner = "".join(f"<p>{p}</p>" for p in paragraphs)
    content = f'<div id="body"{attr}>{inner}</div>' if body else f"<div class=new-layout>{inner}</div>"
    return (f'<html><head><meta name="pubdate" content="{pub}"><title>{title}</title></head>'
            f"<body><h1>{title}</h1>{content}</body></html>")


ARTICLES = {
    # id: (title, time, paragraphs, charset of the bytes, declared Content-Type)
    "T1": ("国内新闻：测试一", "2024-03-01 08:00:00", ["第一段。", "第二段。"], "gbk", "text/html; charset=GB2312"),
    "T2": ("Second test article", "2024-03-02 09:30:00", ["Hello.", "World."], "utf-8", "text/html; charset=utf-8"),
    "T3": ("财经：第三篇", "2024-03-03 10:15:00", ["三。"], "utf-8", "text/html; charset=gb2312"),
}


def add_test_site(server, *, body: bool = True, feed_status: int = 200, reset_article: str | None = None,
                  fallback_article: str | None = None):
    """Routes of the test site on a tests.support.server.TestServer.

    Feed page 1 lists T1 and T2 (T2 by an old URL that redirects), page 2 lists T3; the JSON
    bodies of the two feed requests differ only by "page".
    """
    from tests.support.server import Reply, redirect, reset_mid_body

    json_type = {"Content-Type": "application/json; charset=utf-8"}
    server.add("GET", "/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}))
    feeds = {
        1: [{"id": "T1", "url": "/a/T1"}, {"id": "T2", "url": "/old/T2"}],
        2: [{"id": "T3", "url": "/a/T3"}],
    }
    for page, data in feeds.items():
        if feed_status == 200:
            reply = Reply(body=json.dumps({"code": 0, "data": data}).encode(), headers=json_type)
        else:
            reply = Reply(status=feed_status, body=b"oops", headers={"Content-Type": "text/plain"})
        server.add("POST", "/api/feed", reply, body={"channel": "test", "page": page})
    server.add("GET", "/old/T2", redirect("/a/T2", 301))
    for article_id, (title, pub, paragraphs, charset, content_type) in ARTICLES.items():
        fallback = "originContent" if article_id == fallback_article else ""
        html = _page(title, pub, paragraphs, body=body, fallback=fallback).encode(charset)
        if article_id == reset_article:
            server.add("GET", f"/a/{article_id}", reset_mid_body(html, headers={"Content-Type": content_type}))
        else:
            server.add("GET", f"/a/{article_id}", Reply(body=html, headers={"Content-Type": content_type}))
    return server


def run_fixturetest(base: str, archive, *settings: str, timeout: float = 120, **spider_args):
    """`scrapy crawl fixturetest` in a subprocess (fresh reactor); `settings` are NAME=VALUE."""
    from tests.support.cli import run_scrapy

    args = ["crawl", "fixturetest", "-s", "SPIDER_MODULES=tests.support.spiders",
            "-s", f"ARCHIVE_DIR={archive}", "-a", f"base={base}"]
    for setting in settings:
        args += ["-s", setting]
    for name, value in spider_args.items():
        args += ["-a", f"{name}={value}"]
    return run_scrapy(*args, timeout=timeout)

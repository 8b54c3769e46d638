"""`scrapy crawl qq`: Tencent News articles into the archive.

Discovery: the PC feed (getPCList, one POST per channel and page), optionally the hot list,
or given article URLs (`-a urls=U1,U2`, `-a url_file=PATH`). Every endpoint is a setting
(QQ_FEED_URL, QQ_HOT_URL), so tests and users can point the spider elsewhere; page requests
go to the URL the feed gives. The archive is the state: an article whose file exists (either
qq id form) is not requested again.

Arguments: QqSpider.ARGUMENTS (channels=a,b pages=N limit=N since=YYYY-MM-DD urls=U1,U2
url_file=PATH hot=0|1; `scrapy crawlall --list-arguments` prints them with their help).
Settings: QQ_FEED_URL, QQ_CHANNELS, QQ_PAGES, QQ_ITEM_COUNT, QQ_HOT_ENABLED, QQ_HOT_URL,
QQ_REFERER, QQ_DEVICE_ID, QQ_QIMEI36, QQ_COOKIE (the last three also from the environment).
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import scrapy

from crawler.archive import archive_name
from crawler.arguments import LIMIT, Argument, read_setting
from crawler.sources.common import SourceError
from crawler.sources.qq import (
    FOLDER, LANGUAGE, FeedEntry, FeedResult, parse_article, qq_feed_items, qq_hot_items, url_id,
)
from crawler.spiders.base import SourceSpider
from crawler.timeutil import BEIJING, BadDate, format_archive_date, parse_beijing

SECRETS = ("QQ_DEVICE_ID", "QQ_QIMEI36", "QQ_COOKIE")


class QqSpider(SourceSpider):
    name = "qq"
    # qq's feed shows a cover for most articles and every page names its media.
    custom_settings = {"RUN_MIN_COVERAGE": {"body": 0.9, "thumbnail": 0.5, "author": 0.5}}
    FOLDER = FOLDER
    LANGUAGE = LANGUAGE
    KIND = "json"  # its discovery, as a site file would name it (`scrapy crawlall --list`)
    SECRETS = SECRETS
    SECRET_HEADERS = {"Cookie": "QQ_COOKIE"}

    ARGUMENTS = (
        Argument("channels", "names", "getPCList channels, e.g. news_news_finance,news_news_tech "
                                      "(default: QQ_CHANNELS)"),
        Argument("pages", "count", "feed pages per channel (default: QQ_PAGES)"),
        LIMIT,
        Argument("since", "day", "skip feed entries published before this day (Beijing time)"),
        Argument("urls", "names", "fetch these article pages instead of reading the feed"),
        Argument("url_file", "file", "as urls=, from a file: one URL a line, # starts a comment"),
        Argument("hot", "switch", "also read the hot list (default: QQ_HOT_ENABLED)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arg_channels = self.arguments["channels"]
        self.arg_pages = self.arguments["pages"]
        self.arg_hot = self.arguments["hot"]
        day = self.arguments["since"]
        self.since = dt.datetime(day.year, day.month, day.day, tzinfo=BEIJING) if day else None
        self.direct_urls = (self.arguments["urls"] or []) + (self.arguments["url_file"] or [])

    # ------------ configuration

    def read(self, name: str, kind: str):
        """A setting read as an `-a` argument of that kind is (ArgumentError when it cannot be)."""
        return read_setting(self.name, name, kind, self.setting(name))

    @property
    def channels(self) -> list[str]:
        return self.arg_channels if self.arg_channels is not None else self.read("QQ_CHANNELS", "names")

    @property
    def pages(self) -> int:
        return self.arg_pages or self.read("QQ_PAGES", "count")

    @property
    def hot_enabled(self) -> bool:
        return self.arg_hot if self.arg_hot is not None else self.read("QQ_HOT_ENABLED", "switch")

    # ------------ requests

    def feed_body(self, channel: str, page: int) -> dict:
        return {
            "base_req": {"from": "pc"},
            "forward": "1",
            "qimei36": self.setting("QQ_QIMEI36") or "",
            "device_id": self.setting("QQ_DEVICE_ID") or "",
            "flush_num": page,
            "channel_id": channel,
            "item_count": self.read("QQ_ITEM_COUNT", "count"),
            "is_local_chlid": "0",
        }

    def _headers(self, json_body: bool) -> dict:
        headers = {"Referer": self.setting("QQ_REFERER"), "Accept": "application/json, text/plain, */*"}
        if json_body:
            headers["Content-Type"] = "application/json;charset=UTF-8"
        return {**headers, **self.secret_headers()}

    def feed_requests(self):
        for channel in self.channels:
            for page in range(1, self.pages + 1):
                yield scrapy.Request(
                    self.setting("QQ_FEED_URL"), method="POST",
                    body=json.dumps(self.feed_body(channel, page), ensure_ascii=False, separators=(",", ":")),
                    headers=self._headers(True), callback=self.parse_feed, errback=self.discovery_failed,
                    cb_kwargs={"channel": channel}, dont_filter=True,
                    meta={"discovery": f"{channel} page {page}"},
                )
        if self.hot_enabled:
            yield scrapy.Request(
                self.setting("QQ_HOT_URL"), headers=self._headers(False), callback=self.parse_hot,
                errback=self.discovery_failed, dont_filter=True, meta={"discovery": "hot list"},
            )

    def initial_requests(self):
        if self.direct_urls:
            for url in self.direct_urls:
                request = self.article_request(FeedEntry(id=url_id(url), url=url), with_entry=False)
                if request is not None:
                    yield request
            return
        yield from self.feed_requests()

    async def start(self):
        for request in self.initial_requests():
            yield request

    def is_known(self, entry: FeedEntry) -> bool:
        """Is the article already in the archive (under either qq id form)?"""
        if entry.id:
            name = archive_name(entry.id, "", "", LANGUAGE)
        elif entry.title and entry.publish_time:
            try:
                name = archive_name("", entry.title, format_archive_date(parse_beijing(entry.publish_time)), LANGUAGE)
            except BadDate:
                return False
        else:
            return False
        return self.index.contains_name(LANGUAGE, FOLDER, name)

    def _too_old(self, entry: FeedEntry) -> bool:
        if self.since is None or not entry.publish_time:
            return False
        try:
            return parse_beijing(entry.publish_time) < self.since
        except BadDate:
            return False

    @property
    def article_domains(self) -> list[str]:
        """Hosts a feed may send us to: QQ_ARTICLE_DOMAINS (and their subdomains) and the
        feed's own hosts (a mirror or test server serves its pages itself)."""
        domains = [d.lower().lstrip(".") for d in self.read("QQ_ARTICLE_DOMAINS", "names")]
        for name in ("QQ_FEED_URL", "QQ_HOT_URL"):
            host = urlsplit(self.setting(name) or "").hostname
            if host:
                domains.append(host.lower())
        return domains

    def is_article_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.article_domains)

    def article_request(self, entry: FeedEntry, *, with_entry: bool = True) -> scrapy.Request | None:
        """The page request for one discovered article, or None (off-site, duplicate, old,
        known, limit)."""
        if with_entry and not self.is_article_host(entry.url):
            # A feed entry pointing elsewhere is not fetched (direct URLs are the user's).
            self.inc("offsite")
            self.logger.warning("qq: feed entry %s points off the article domains: %s", entry.id, entry.url)
            return None
        if not self.take(entry, key=entry.key, too_old=self._too_old(entry)):
            return None
        # dont_filter: the spider de-duplicates articles itself (by id); Scrapy's filter would
        # also drop the hops of a redirect loop silently instead of failing the request.
        return scrapy.Request(
            entry.url, callback=self.parse_page, errback=self.page_failed, dont_filter=True,
            cb_kwargs={"entry": entry.to_meta() if with_entry else None}, meta={"handle_httpstatus_list": [404, 410]},
        )

    # ------------ callbacks

    def _follow(self, result: FeedResult):
        for kind, count in result.skipped_types.items():
            self.inc(f"skipped_type/{kind}", count)
        self.inc("missing_link", result.missing_link)
        self.inc("duplicate", result.duplicates)
        for entry in result.entries:
            request = self.article_request(entry)
            if request is not None:
                yield request

    def parse_feed(self, response, channel: str = ""):
        try:
            result = qq_feed_items(response.body, channel=channel)
        except SourceError as exc:
            self.discovery_error(response.meta.get("discovery", response.url), str(exc))
            return
        yield from self._follow(result)

    def parse_hot(self, response):
        try:
            result = qq_hot_items(response.body)
        except SourceError as exc:
            self.discovery_error("hot list", str(exc))
            return
        yield from self._follow(result)

    def parse_page(self, response, entry=None):
        yield parse_article(response, entry)

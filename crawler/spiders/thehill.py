"""`scrapy crawl thehill`: The Hill articles into the archive.

Discovery: the RSS feed (THEHILL_FEED_URL). Each item whose WordPress post id is not yet a
file of the folder is requested from the WordPress REST API (THEHILL_POST_URL, `{id}` filled
in). When the post cannot be had (error, 401/403, 404, not a post) the RSS description is the
body (`thehill/body_fallback`, Article.body_fallback "rss_description").

Arguments: limit=N
Settings: THEHILL_FEED_URL, THEHILL_POST_URL, THEHILL_COOKIE (also from the environment,
empty by default; the old crawler hard-coded a PerimeterX cookie).
"""

from __future__ import annotations

import scrapy

from crawler.sources import thehill as source
from crawler.sources.common import SourceError, SourceSpider


class ThehillSpider(SourceSpider):
    name = "thehill"
    FOLDER = source.FOLDER
    LANGUAGE = source.LANGUAGE
    DEFAULTS = {
        "THEHILL_FEED_URL": source.FEED_URL,
        "THEHILL_POST_URL": source.POST_URL,
    }
    SECRETS = ("THEHILL_COOKIE",)

    def headers(self, accept: str) -> dict:
        headers = {"Accept": accept}
        cookie = self.setting("THEHILL_COOKIE")
        if cookie:
            headers["Cookie"] = cookie
        return headers

    async def start(self):
        yield scrapy.Request(
            self.setting("THEHILL_FEED_URL"),
            headers=self.headers("application/rss+xml, application/xml;q=0.9, */*;q=0.8"),
            callback=self.parse_feed, errback=self.discovery_failed, dont_filter=True,
            meta={"handle_httpstatus_list": [401, 403]},
        )

    def parse_feed(self, response):
        if self.denied(response):
            self.inc("discovery_failed")
            return
        try:
            entries = source.feed_entries(response.body)
        except SourceError as exc:
            self.discovery_error(response.url, str(exc))
            return
        for entry in entries:
            if not entry.link:
                self.inc("missing_link")
                continue
            if not entry.id:
                # No post id: the REST API cannot be asked; the feed is all there is. The
                # archive file gets an md5 name, so the article is known by its link.
                self.inc("missing_id")
                if self.take(entry.link):
                    yield self.finish(source.article_from_feed(entry))
                continue
            if not self.take(entry.id):
                continue
            yield scrapy.Request(
                self.setting("THEHILL_POST_URL").format(id=entry.id), headers=self.headers("application/json"),
                callback=self.parse_post, errback=self.post_failed,
                meta={"thehill_entry": entry.to_meta(), "handle_httpstatus_list": [401, 403, 404, 410]},
            )

    def finish(self, article):
        if article["body_fallback"]:
            self.inc("body_fallback")
        if not article["drop_reason"]:
            article["published"] = self.published_or_now(article["published"], article["link"])
        return article

    def parse_post(self, response):
        entry = source.FeedEntry.from_meta(response.meta.get("thehill_entry"))
        if self.denied(response):
            yield self.finish(source.article_from_feed(entry))
            return
        if response.status != 200:
            self.post_unavailable(response.url, f"HTTP {response.status}")
            yield self.finish(source.article_from_feed(entry))
            return
        try:
            article = source.parse_post(response.body, entry)
        except SourceError as exc:
            self.post_unavailable(response.url, str(exc))
            article = source.article_from_feed(entry)
        yield self.finish(article)

    def post_unavailable(self, url: str, why: str) -> None:
        # Expected now and then (a post removed or not public): the feed's text serves.
        self.inc("post_unavailable")
        self.logger.warning("thehill post unavailable (%s): %s; RSS description used", why, url)

    def post_failed(self, failure):
        self.page_failed(failure)
        request = getattr(failure, "request", None)
        entry = source.FeedEntry.from_meta(request.meta.get("thehill_entry")) if request is not None else None
        if entry is not None:
            yield self.finish(source.article_from_feed(entry))

"""`scrapy crawl sina`: 新浪财经 美股 articles (category sina_us_stock) into the archive.

Discovery: the Sina roll feed (SINA_ROLL_URL with {pageid} {lid} {num} {page} filled from
SINA_PAGEID, SINA_LID, SINA_NUM and pages 1..SINA_PAGES). Each entry whose `oid` is not yet a
file of the folder (an entry without oid: whose link is not yet in the folder) is requested
(SINA_ARTICLE_URL, `{url}` = the entry's URL by default; `{path}` for a mirror or test server)
and its `.article` becomes the body. Time: the feed's ctime/intime, else the page's.

Arguments: limit=N  pages=N
Settings: SINA_ROLL_URL, SINA_PAGEID, SINA_LID, SINA_NUM, SINA_PAGES, SINA_ARTICLE_URL,
SINA_COOKIE (also from the environment, empty by default; the old crawler hard-coded a
visitor cookie, which the feed does not need).
"""

from __future__ import annotations

from crawler.arguments import LIMIT, Argument
from crawler.sources import sina as source
from crawler.sources.common import SourceError, positive_int
from crawler.sources.pages import PageSourceSpider


class SinaSpider(PageSourceSpider):
    name = "sina"
    FOLDER = source.FOLDER
    LANGUAGE = source.LANGUAGE
    DEFAULTS = {
        "SINA_ROLL_URL": source.ROLL_URL,
        "SINA_PAGEID": source.PAGEID,
        "SINA_LID": source.LID,
        "SINA_NUM": 10,
        "SINA_PAGES": 1,
        "SINA_ARTICLE_URL": "{url}",
    }
    SECRETS = ("SINA_COOKIE",)
    COOKIE_SETTING = "SINA_COOKIE"
    ARTICLE_URL_SETTING = "SINA_ARTICLE_URL"

    ARGUMENTS = (LIMIT, Argument("pages", "count", "roll feed pages (default: SINA_PAGES)"))

    async def start(self):
        count = self.arguments["pages"] or positive_int(self.name, "SINA_PAGES", self.setting("SINA_PAGES"))
        for page in range(1, count + 1):
            url = source.roll_url(self.setting("SINA_ROLL_URL"), pageid=self.setting("SINA_PAGEID"),
                                  lid=self.setting("SINA_LID"), num=self.setting("SINA_NUM"), page=page)
            yield self.discovery_request(url, self.parse_feed, accept="application/json, text/javascript, */*")

    def parse_feed(self, response):
        if not self.discovery_ok(response):
            return
        try:
            entries = source.feed_entries(response.body)
        except SourceError as exc:
            self.discovery_error(response.url, str(exc))
            return
        for entry in entries:
            if not entry.id:
                self.inc("missing_id")
            if self.take(entry.id or entry.url):
                yield self.article_request(entry.url, self.parse_article, sina_entry=entry.to_meta())

    def parse_article(self, response):
        if not self.page_ok(response):
            return
        article = source.parse_article(response, response.meta.get("sina_entry"))
        if article["drop_reason"] == "no_body":
            self.page_error(response.url, "no .article on the page")
        yield self.finish(article)

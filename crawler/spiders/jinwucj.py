"""`scrapy crawl jinwucj`: 金吾财讯 articles from its two POST list APIs into the archive.

The lists carry the whole article (title, time, HTML body), so no article page is requested:
an entry whose id is already a file of the folder is skipped (`jinwucj/skipped_known`), the
others are emitted (`jinwucj/requested` counts them, as for the other spiders).

Arguments: limit=N  lists=ipo,hk (default: every list of JINWUCJ_LIST_URLS)
Settings: JINWUCJ_LIST_URLS ({list name: URL}), JINWUCJ_LINK_TEMPLATES ({list name: article
link with {id}}), JINWUCJ_PAGE_SIZE, JINWUCJ_REFERER, JINWUCJ_TOKEN (also from the environment).
"""

from __future__ import annotations

import json

import scrapy

from crawler.arguments import LIMIT, Argument, ArgumentError
from crawler.sources import jinwucj as source
from crawler.sources.common import SourceError, SourceSpider, positive_int


class JinwucjSpider(SourceSpider):
    name = "jinwucj"
    FOLDER = source.FOLDER
    LANGUAGE = source.LANGUAGE
    DEFAULTS = {
        "JINWUCJ_LIST_URLS": source.LIST_URLS,
        "JINWUCJ_LINK_TEMPLATES": source.LINK_TEMPLATES,
        "JINWUCJ_PAGE_SIZE": 10,
        "JINWUCJ_REFERER": "https://ipo.jinwucj.com/info",
    }
    SECRETS = ("JINWUCJ_TOKEN",)

    ARGUMENTS = (LIMIT, Argument("lists", "names", "read these lists only, e.g. ipo,hk "
                                                   "(default: every list of JINWUCJ_LIST_URLS)"))

    @classmethod
    def check_arguments(cls, values: dict, settings) -> None:
        """Before the crawl: every list to read has its URL and link template."""
        cls.list_names(values.get("lists"), settings)

    @classmethod
    def list_names(cls, wanted, settings) -> list[str]:
        urls = cls.setting_dict_of(settings, "JINWUCJ_LIST_URLS")
        links = cls.setting_dict_of(settings, "JINWUCJ_LINK_TEMPLATES")
        names = list(wanted or urls)
        for list_name in names:
            if list_name not in urls or list_name not in links:
                known = ", ".join(sorted(set(urls) & set(links))) or "none"
                raise ArgumentError(f"jinwucj spider: list {list_name!r} needs an entry in JINWUCJ_LIST_URLS "
                                    f"and JINWUCJ_LINK_TEMPLATES (lists: {known})")
        return names

    def list_requests(self):
        urls = self.setting_dict("JINWUCJ_LIST_URLS")
        links = self.setting_dict("JINWUCJ_LINK_TEMPLATES")
        page_size = positive_int(self.name, "JINWUCJ_PAGE_SIZE", self.setting("JINWUCJ_PAGE_SIZE"))
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/plain, */*",
                   "Referer": self.setting("JINWUCJ_REFERER")}
        token = self.setting("JINWUCJ_TOKEN")
        if token:
            headers["token"] = token
        for list_name in self.list_names(self.arguments["lists"], getattr(self, "settings", None)):
            yield scrapy.Request(
                urls[list_name], method="POST", headers=headers,
                body=json.dumps(source.list_body(1, page_size), separators=(",", ":")),
                callback=self.parse_list, errback=self.discovery_failed, dont_filter=True,
                cb_kwargs={"link_template": links[list_name]},
                meta={"handle_httpstatus_list": [401, 403]},
            )

    async def start(self):
        for request in self.list_requests():
            yield request

    def parse_list(self, response, link_template: str):
        if self.denied(response):
            self.inc("discovery_failed")
            return
        try:
            entries = source.list_entries(response.body, link_template)
        except SourceError as exc:
            self.discovery_error(response.url, str(exc))
            return
        for entry in entries:
            if not self.take(entry.id):
                continue
            article = source.to_article(entry)
            if not article["drop_reason"]:
                article["published"] = self.published_or_now(article["published"], article["link"])
            yield article

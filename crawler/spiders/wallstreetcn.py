"""`scrapy crawl wallstreetcn`: 华尔街见闻 articles and charts into the archive.

Discovery: the information-flow JSON (WALLSTREETCN_FLOW_URL); each article or chart whose id
is not yet a file of the folder is requested from its detail API (WALLSTREETCN_ARTICLE_URL or
WALLSTREETCN_CHART_URL, `{id}` filled in). Paid items (`is_need_pay`) are not requested
(`wallstreetcn/skipped_paid`).

Arguments: limit=N
Settings: WALLSTREETCN_FLOW_URL, WALLSTREETCN_ARTICLE_URL, WALLSTREETCN_CHART_URL,
WALLSTREETCN_HEADERS (static app headers), WALLSTREETCN_DEVICE_ID (sent as x-device-id and
x-taotie-device-id; also from the environment, empty by default).
"""

from __future__ import annotations

import scrapy

from crawler.sources import wallstreetcn as source
from crawler.sources.common import SourceError, SourceSpider


class WallstreetcnSpider(SourceSpider):
    name = "wallstreetcn"
    FOLDER = source.FOLDER
    LANGUAGE = source.LANGUAGE
    DEFAULTS = {
        "WALLSTREETCN_FLOW_URL": source.FLOW_URL,
        "WALLSTREETCN_ARTICLE_URL": source.ARTICLE_URL,
        "WALLSTREETCN_CHART_URL": source.CHART_URL,
        "WALLSTREETCN_HEADERS": {"x-client-type": "pc", "Referer": "https://wallstreetcn.com/"},
    }
    SECRETS = ("WALLSTREETCN_DEVICE_ID",)

    def headers(self) -> dict:
        headers = {"Accept": "application/json, text/plain, */*", **self.setting_dict("WALLSTREETCN_HEADERS")}
        device = self.setting("WALLSTREETCN_DEVICE_ID")
        if device:
            headers["x-device-id"] = device
            headers["x-taotie-device-id"] = device
        return headers

    async def start(self):
        yield scrapy.Request(
            self.setting("WALLSTREETCN_FLOW_URL"), headers=self.headers(), callback=self.parse_flow,
            errback=self.discovery_failed, dont_filter=True, meta={"handle_httpstatus_list": [401, 403]},
        )

    def parse_flow(self, response):
        if self.denied(response):
            self.inc("discovery_failed")
            return
        try:
            result = source.flow_entries(response.body)
        except SourceError as exc:
            self.discovery_error(response.url, str(exc))
            return
        for rtype, count in result.skipped_types.items():
            self.inc(f"skipped_type/{rtype}", count)
        for entry in result.entries:
            if entry.paid:
                self.inc("skipped_paid")
                continue
            if not self.take(entry.id):
                continue
            template = self.setting("WALLSTREETCN_ARTICLE_URL" if entry.kind == "article" else "WALLSTREETCN_CHART_URL")
            yield scrapy.Request(
                template.format(id=entry.id), headers=self.headers(), callback=self.parse_detail,
                errback=self.page_failed, meta={"wscn_entry": entry.to_meta(), "handle_httpstatus_list": [401, 403, 404, 410]},
            )

    def parse_detail(self, response):
        if self.denied(response):
            return
        if response.status != 200:
            self.page_error(response.url, f"HTTP {response.status}")
            return
        entry = source.FlowEntry.from_meta(response.meta.get("wscn_entry"))
        try:
            article = source.parse_detail(response.body, entry)
        except SourceError as exc:
            self.page_error(response.url, str(exc))
            return
        if not article["drop_reason"]:
            article["published"] = self.published_or_now(article["published"], article["link"])
        yield article

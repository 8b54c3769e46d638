"""`scrapy crawl stheadline`: 星島頭條 finance articles into the archive.

Discovery: the list page (STHEADLINE_LIST_URL, current `div.news-detail` or archive-era
`.latest-updates .media-body`; relative links resolved against STHEADLINE_SITE_URL). Each
article whose link is not yet in the folder (no id: files have md5 names) is requested
(STHEADLINE_ARTICLE_URL, `{url}` = the link by default; `{path}` for a mirror or test server);
its `div.content-body` (archive era `.paragraphs`) minus ads is the body, its
article:published_time / JSON-LD datePublished / visible time the time.

Arguments: limit=N
Settings: STHEADLINE_LIST_URL, STHEADLINE_SITE_URL, STHEADLINE_ARTICLE_URL, STHEADLINE_COOKIE
(also from the environment, empty by default; the old crawler hard-coded a session cookie).
"""

from __future__ import annotations

from crawler.sources import pages
from crawler.sources import stheadline as source


class StheadlineSpider(pages.ListPageSpider):
    name = "stheadline"
    FOLDER = source.FOLDER
    LANGUAGE = source.LANGUAGE
    SOURCE = source
    DEFAULTS = {
        "STHEADLINE_LIST_URL": source.LIST_URL,
        "STHEADLINE_SITE_URL": source.SITE_URL,
        "STHEADLINE_ARTICLE_URL": "{url}",
    }
    SECRETS = ("STHEADLINE_COOKIE",)
    LIST_URL_SETTING = "STHEADLINE_LIST_URL"
    SITE_URL_SETTING = "STHEADLINE_SITE_URL"
    COOKIE_SETTING = "STHEADLINE_COOKIE"
    ARTICLE_URL_SETTING = "STHEADLINE_ARTICLE_URL"

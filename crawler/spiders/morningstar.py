"""`scrapy crawl morningstar`: Morningstar news articles into the archive.

Discovery: the news list (MORNINGSTAR_LIST_URL, `.mdc-feed__mdc > a`; relative links resolved
against MORNINGSTAR_SITE_URL). Each article whose link is not yet in the folder (no id: files
have md5 names) is requested (MORNINGSTAR_ARTICLE_URL, `{url}` = the link by default; `{path}`
for a mirror or test server); its `.mdc-article-body` minus ads is the body, its
article:published_time / JSON-LD datePublished / visible time the time.

Arguments: limit=N
Settings: MORNINGSTAR_LIST_URL, MORNINGSTAR_SITE_URL, MORNINGSTAR_ARTICLE_URL,
MORNINGSTAR_COOKIE (also from the environment, empty by default; the old crawler hard-coded
an AWS WAF/session cookie that the site did not enforce).
"""

from __future__ import annotations

from crawler.sources import morningstar as source
from crawler.sources import pages


class MorningstarSpider(pages.ListPageSpider):
    name = "morningstar"
    FOLDER = source.FOLDER
    LANGUAGE = source.LANGUAGE
    SOURCE = source
    DEFAULTS = {
        "MORNINGSTAR_LIST_URL": source.LIST_URL,
        "MORNINGSTAR_SITE_URL": source.SITE_URL,
        "MORNINGSTAR_ARTICLE_URL": "{url}",
    }
    SECRETS = ("MORNINGSTAR_COOKIE",)
    LIST_URL_SETTING = "MORNINGSTAR_LIST_URL"
    SITE_URL_SETTING = "MORNINGSTAR_SITE_URL"
    COOKIE_SETTING = "MORNINGSTAR_COOKIE"
    ARTICLE_URL_SETTING = "MORNINGSTAR_ARTICLE_URL"

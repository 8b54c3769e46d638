"""Morningstar news (morningstar.com/news): HTML list for discovery, article pages for the body.

Structures (../shared/sources/CATALOG.md, 2.7 morningstar; unchanged from 2025 to 2026):

- list `GET https://www.morningstar.com/news`: one `.mdc-feed__mdc > a` per article, its href
  relative to the site (`/news/business-wire/<n>/<slug>`, `/news/globe-newswire/...`,
  `/news/marketwatch/...`), its title in `header > h2`.
- article page: the body is the first `.mdc-article-body` (paragraphs `p.mdc-article-paragraph`,
  images in `picture`, tables, `pre` for press-release blocks), with `.article-ad` slots in it;
  title `h1`; time from `meta[property="article:published_time"]`, JSON-LD `datePublished` or
  a visible `time` element (`datetime` attribute).

No id: the archive name is md5(title + time), so the time must be the article's own (the old
crawler used the crawl time, which gave a new name on every re-crawl); an article is known by
its link. Cover: the page's og:image.
"""

from __future__ import annotations

from crawler.items import Article
from crawler.sources import pages

FOLDER = "morningstar"
CATEGORY = "morningstar"
LANGUAGE = "en"

SITE_URL = "https://www.morningstar.com"
LIST_URL = "https://www.morningstar.com/news"

LIST_LINKS = ".mdc-feed__mdc > a"
CONTAINER = ".mdc-article-body"
REMOVED = (".article-ad", ".mdc-article-ad", "script", "style")
VISIBLE_TIME = ("time[datetime]", ".mdc-date", ".mdc-article-date")
TITLE = ("h1.mdc-heading::text", "article h1::text", "h1::text")
AUTHOR = ('meta[name="author"]::attr(content)',)

ListEntry = pages.ListEntry


def list_entries(page, site_url: str = SITE_URL) -> list[ListEntry]:
    """Articles of the news list, in page order, each link once."""
    return pages.list_from_links(
        ((node.attrib.get("href"), pages.clean_title("".join(node.css("header h2 ::text").getall())))
         for node in pages.as_selector(page).css(LIST_LINKS)), site_url)


def clean_body(html) -> str | None:
    """The first `.mdc-article-body` without ad slots, scripts and styles; None when absent."""
    return pages.body_container(html, CONTAINER, REMOVED)


def parse_article(response, entry: ListEntry | dict | None = None) -> Article:
    """The Article of an article page plus its list entry (None for a direct URL)."""
    return pages.listed_article(
        response, entry, containers=CONTAINER, removed=REMOVED, title_css=TITLE,
        visible_time=VISIBLE_TIME, category=CATEGORY, folder=FOLDER, language=LANGUAGE, author_css=AUTHOR,
    )

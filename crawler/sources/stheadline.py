"""星島頭條 (stheadline): HTML list for discovery, article pages for the body.

Structures (../shared/sources/CATALOG.md, 2.8 stheadline; the site moved from std. to www.
with a new layout between the archive era and now; both are read):

- current list `GET https://www.stheadline.com/finance/財經` (the path URL-encoded on the
  wire): one `div.news-detail` per article, `.title` its title, its first `a` a relative href
  (`/realtime-finance/<n>/<slug>`, the slug in Chinese).
- archive-era list `https://std.stheadline.com/realtime/即時`: `.latest-updates .media-body`,
  whose `.title` is the anchor (absolute href, text = title).
- article page: current `div.content-body` (`itemprop="articleBody"`), archive era the first
  `.paragraphs` (`div.video.paragraphs.medium`); ad slots (`.ad`, `.in-article-banner`,
  `.vdo-ad-container`), scripts and styles removed; photos and captions kept. Title `h1`;
  time from `meta[property="article:published_time"]`, JSON-LD `datePublished` or a visible
  time (`time[datetime]`, `.publish-date`, `.time`), Hong Kong time = UTC+8.

No id: the archive name is md5(title + time); an article is known by its link.
"""

from __future__ import annotations

from crawler.items import Article
from crawler.sources import pages

FOLDER = "stheadline"
CATEGORY = "stheadline"
LANGUAGE = "zh-HK"

SITE_URL = "https://www.stheadline.com"
LIST_URL = "https://www.stheadline.com/finance/財經"

CONTAINERS = ("div.content-body", ".paragraphs")
REMOVED = (".ad", "ad", ".in-article-banner", ".vdo-ad-container", "script", "style")
VISIBLE_TIME = ("time[datetime]", ".publish-date", ".article-date", ".time")
TITLE = ("article h1::text", "h1::text")

ListEntry = pages.ListEntry


def _text(node) -> str:
    return pages.clean_title("".join(node.css("::text").getall()))


def list_entries(page, site_url: str = SITE_URL) -> list[ListEntry]:
    """Articles of a list page (current `div.news-detail` or archive-era `.media-body`), in
    page order, each link once."""
    sel = pages.as_selector(page)
    found = []
    for node in sel.css("div.news-detail"):
        anchor, title = node.css("a[href]"), node.css(".title")
        found.append((anchor[0].attrib["href"] if anchor else "", _text((title or anchor)[0]) if title or anchor else ""))
    for node in sel.css(".latest-updates .media-body"):
        anchor, title = node.css("a.title[href], .title a[href], a[href]"), node.css(".title")
        if anchor:
            found.append((anchor[0].attrib["href"], _text((title or anchor)[0])))
    return pages.list_from_links(found, site_url)


def clean_body(html) -> str | None:
    """`div.content-body` (current) or `.paragraphs` (archive era) without ad slots, scripts
    and styles; None when the page has neither."""
    return pages.body_container(html, CONTAINERS, REMOVED)


def parse_article(response, entry: ListEntry | dict | None = None) -> Article:
    """The Article of an article page (either layout) plus its list entry (None for a direct URL)."""
    return pages.listed_article(
        response, entry, containers=CONTAINERS, removed=REMOVED, title_css=TITLE,
        visible_time=VISIBLE_TIME, category=CATEGORY, folder=FOLDER, language=LANGUAGE,
    )

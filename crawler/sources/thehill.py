"""The Hill (thehill.com): RSS feed for discovery, WordPress REST for the body.

Structures (../shared/sources/CATALOG.md, 2.14 thehill; WordPress REST API v2 post object):

- feed `GET https://thehill.com/feed/` (RSS 2.0): `item/title`, `link`, `description`,
  `pubDate` (RFC 822 with zone), `dc:creator`, `guid` (`https://thehill.com/?p=<id>` on
  WordPress), optionally `media:content`/`enclosure` images.
- post `GET https://thehill.com/wp-json/wp/v2/posts/<id>`: `{"id", "date" (site-local,
  naive), "date_gmt" (UTC, naive), "link", "title": {"rendered"}, "content": {"rendered"},
  "jetpack_featured_media_url"?}`. Rendered values are HTML (entities such as `&#8217;`).

The id is the WordPress post id, read from the link's `/<digits>-slug/` (else the guid's
`?p=`). Body: `content.rendered` minus `.ad-unit`, `.hardwall`, `style`, `script`, `aside`,
`.wp-block-embed`; when the post cannot be had, the RSS description (`body_fallback`
"rss_description"). Time: the post's `date_gmt`, else the feed's `pubDate`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from lxml import etree
from parsel import Selector

from crawler.html_clean import inner_html, is_plain_text, parse_body, plain_text_to_html, remove_keep_tail
from crawler.items import Article
from crawler.sources.common import MetaEntry, SourceError, first_text, load_json, source_time
from crawler.timeutil import BadDate, parse_http_date

FOLDER = "thehill"
CATEGORY = "thehill"
LANGUAGE = "en"

FEED_URL = "https://thehill.com/feed/"
POST_URL = "https://thehill.com/wp-json/wp/v2/posts/{id}"

_LINK_ID = re.compile(r"/(\d{4,})-[^/?#]*/?(?:[?#].*)?$")
_GUID_ID = re.compile(r"[?&]p=(\d+)")
REMOVED = (".ad-unit", ".hardwall", "style", "script", "aside", ".wp-block-embed")


@dataclass
class FeedEntry(MetaEntry):
    id: str
    title: str
    link: str
    description: str = ""
    pub_date: str = ""
    author: str = ""
    thumbnail: str = ""


def post_id(link: str, guid: str = "") -> str:
    m = _LINK_ID.search(link or "")
    if m:
        return m.group(1)
    m = _GUID_ID.search(guid or "")
    return m.group(1) if m else ""


def feed_entries(payload) -> list[FeedEntry]:
    """Items of the RSS feed. Raises SourceError when the answer is not an RSS channel."""
    try:
        selector = Selector(body=payload if isinstance(payload, bytes) else payload.encode("utf-8"), type="xml")
    except (ValueError, etree.XMLSyntaxError) as exc:
        raise SourceError(f"feed is not XML: {exc}") from None
    selector.register_namespace("dc", "http://purl.org/dc/elements/1.1/")
    selector.register_namespace("media", "http://search.yahoo.com/mrss/")
    if not selector.xpath("/rss/channel"):
        raise SourceError("feed answer is not an RSS channel")
    entries = []
    for item in selector.xpath("/rss/channel/item"):
        link = (item.xpath("link/text()").get() or "").strip()
        guid = (item.xpath("guid/text()").get() or "").strip()
        image = item.xpath("media:content[not(@medium) or @medium='image']/@url | media:thumbnail/@url"
                           " | enclosure[starts-with(@type, 'image')]/@url").get()
        entries.append(FeedEntry(
            id=post_id(link, guid),
            title=(item.xpath("title/text()").get() or "").strip(),
            link=link,
            description=item.xpath("description/text()").get() or "",
            pub_date=(item.xpath("pubDate/text()").get() or "").strip(),
            author=(item.xpath("dc:creator/text()").get() or "").strip(),
            thumbnail=(image or "").strip(),
        ))
    return entries


def clean_post_html(content: str) -> str:
    """`content.rendered` without ads, paywall notes, scripts, styles, asides and embeds."""
    body = parse_body(content or "")
    if body is None:
        return ""
    doomed = []
    for css in REMOVED:
        doomed += Selector(root=body, type="html").css(css)
    for node in doomed:
        element = node.root
        if element.getparent() is not None:
            remove_keep_tail(element)
    return inner_html(body)


def _rendered(value) -> str:
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _plain_title(rendered: str) -> str:
    # Only ASCII white space is collapsed: a no-break space of the title is kept as served.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]*>", "", rendered))).strip()


def feed_time(entry: FeedEntry) -> dt.datetime | None:
    if not entry.pub_date:
        return None
    try:
        return parse_http_date(entry.pub_date)
    except BadDate:
        return None


def fallback_body(entry: FeedEntry) -> str:
    description = (entry.description or "").strip()
    if not description:
        return ""
    return plain_text_to_html(description) if is_plain_text(description) else description


def article_from_feed(entry: FeedEntry) -> Article:
    """The Article made from the feed alone (post unavailable): RSS description as body."""
    body = fallback_body(entry)
    return Article(
        id=entry.id, title=html.unescape(entry.title), link=entry.link, published=feed_time(entry),
        author=entry.author, thumbnail=entry.thumbnail, body_html=body, category=CATEGORY,
        folder=FOLDER, language=LANGUAGE, body_fallback="rss_description",
        drop_reason="" if body else "empty_body",
    )


def parse_post(payload, entry: FeedEntry) -> Article:
    """The Article of a WordPress post answer plus its feed entry. Raises SourceError when the
    answer is no post; `published` is None when neither gives a readable time."""
    post = load_json(payload)
    if "content" not in post or "id" not in post:
        raise SourceError(f"post answer is no post (code {post.get('code')!r})")
    body = clean_post_html(_rendered(post.get("content")))
    fallback = ""
    if not body.strip() or not re.search(r"\S", re.sub(r"<[^>]*>", "", body)):
        body, fallback = fallback_body(entry), "rss_description"
    published = source_time(post.get("date_gmt"), default_tz=dt.timezone.utc) or feed_time(entry)
    article = Article(
        id=first_text(post.get("id")) or entry.id,
        title=_plain_title(_rendered(post.get("title"))) or html.unescape(entry.title),
        link=entry.link or first_text(post.get("link")),
        published=published, author=entry.author,
        thumbnail=first_text(post.get("jetpack_featured_media_url"), entry.thumbnail),
        body_html=body, category=CATEGORY, folder=FOLDER, language=LANGUAGE,
        body_fallback=fallback, drop_reason="" if body.strip() else "empty_body",
    )
    return article

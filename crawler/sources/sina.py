"""新浪财经 美股 (sina, category sina_us_stock): the Sina roll feed for discovery, article pages.

Structures (../shared/sources/CATALOG.md, 2.12 sina; the roll feed's keys also as read by
public crawlers of it: `ctime`, `url`, `wapurl`, `title`, `media_name`, `keywords`):

- roll feed `GET https://feed.mix.sina.com.cn/api/roll/get?pageid=153&lid=2518&k=&num=10&page=1`:
  `{"result": {"status": {"code": 0, "msg": "succ"}, "data": [{"oid", "url", "wapurl", "title",
  "intro", "author", "media_name", "ctime", "intime", "mtime" (unix seconds, as strings),
  "img": {"u", "w", "h"}, "images": [{"u", ...}], "docid"}]}}`. A JSONP wrapper is tolerated.
- article page (finance.sina.com.cn/stock/usstock/c/<date>/doc-<id>.shtml, UTF-8 today, GBK/
  GB2312 on older pages): title `h1.main-title`, time `.date-source .date`
  (`2019年09月09日 20:52`) and `meta[property="article:published_time"]`, body `.article`
  (`#artibody`) holding `.appendQr_wrap` (QR code), `.article-editor` (责任编辑), scripts and
  styles, which are removed.

The id is the feed's `oid`. Time: the feed's `ctime`, else `intime`, else the page's
article:published_time / JSON-LD / `.date`. Cover: the feed's `img`, else the page's og:image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.items import Article
from crawler.sources import pages
from crawler.sources.common import MetaEntry, SourceError, first_text, load_json, source_time

FOLDER = "sina"
CATEGORY = "sina_us_stock"
LANGUAGE = "zh-CN"

ROLL_URL = "https://feed.mix.sina.com.cn/api/roll/get?pageid={pageid}&lid={lid}&k=&num={num}&page={page}"
PAGEID = 153
LID = 2518  # 美股 (US stocks)

CONTAINER = ".article"
REMOVED = (".appendQr_wrap", ".article-editor", "style", "script")
VISIBLE_TIME = (".date-source .date", "span.date", ".date", "#pub_date", ".time-source")
TITLE = ("h1.main-title::text", "#artibody_title::text", "h1::text")
_JSONP = re.compile(r"^\s*[\w.$]+\s*\((.*)\)\s*;?\s*$", re.S)
_TITLE_SUFFIX = re.compile(r"\s*[_|]\s*新浪(?:财经|网)?(?:_新浪网)?\s*$")


@dataclass
class FeedEntry(MetaEntry):
    id: str
    url: str
    title: str = ""
    intro: str = ""
    author: str = ""
    media: str = ""
    ctime: str = ""
    intime: str = ""
    thumbnail: str = ""


def roll_url(template: str, *, pageid, lid, num, page) -> str:
    return template.format(pageid=pageid, lid=lid, num=num, page=page)


def _unwrap(payload):
    if isinstance(payload, (bytes, bytearray)):
        payload = bytes(payload).decode("utf-8-sig", "replace")
    if isinstance(payload, str):
        m = _JSONP.match(payload)
        if m and not payload.lstrip().startswith("{"):
            payload = m.group(1)
    return payload


def _image(raw: dict) -> str:
    img = raw.get("img")
    if isinstance(img, dict) and first_text(img.get("u")):
        return first_text(img.get("u"))
    images = raw.get("images")
    if isinstance(images, list):
        for one in images:
            if isinstance(one, dict) and first_text(one.get("u")):
                return first_text(one.get("u"))
    return ""


def feed_entries(payload) -> list[FeedEntry]:
    """Entries of a roll-feed answer (those without url left out). Raises SourceError when the
    answer is not a roll feed or reports an error."""
    data = load_json(_unwrap(payload))
    result = data.get("result")
    if not isinstance(result, dict):
        raise SourceError("roll feed answer has no result")
    status = result.get("status")
    if isinstance(status, dict) and str(status.get("code", 0)) != "0":
        raise SourceError(f"roll feed answered code {status.get('code')!r}: {first_text(status.get('msg'))}")
    items = result.get("data")
    if not isinstance(items, list):
        raise SourceError("roll feed answer has no result.data list")
    entries = []
    for raw in items:
        if not isinstance(raw, dict) or not first_text(raw.get("url")):
            continue
        entries.append(FeedEntry(
            id=first_text(raw.get("oid")), url=first_text(raw.get("url")), title=first_text(raw.get("title")),
            intro=first_text(raw.get("intro")), author=first_text(raw.get("author")),
            media=first_text(raw.get("media_name")), ctime=first_text(raw.get("ctime")),
            intime=first_text(raw.get("intime")), thumbnail=_image(raw),
        ))
    return entries


def clean_body(html: str) -> str | None:
    """The `.article` of a page (or of a saved body) without QR code, editor line, scripts
    and styles; None when there is no `.article`."""
    return pages.body_container(html, CONTAINER, REMOVED)


def page_title(page) -> str:
    title = pages.clean_title(pages.meta_content(page, *TITLE))
    if title:
        return title
    title = pages.meta_content(page, 'meta[property="og:title"]::attr(content)', "title::text")
    return _TITLE_SUFFIX.sub("", pages.clean_title(title))


def parse_article(response, entry: FeedEntry | dict | None = None) -> Article:
    """The Article of an article page (any encoding) plus its feed entry (None for a direct
    URL). `published` is None when neither gives a time; drop_reason "no_body" when the page
    has no `.article`, "empty_body" when it is empty."""
    if isinstance(entry, dict):
        entry = FeedEntry.from_meta(entry)
    response = pages.page_response(response)
    page = response.selector
    body = clean_body(page)
    link = entry.url if entry else (pages.meta_content(page, 'meta[property="og:url"]::attr(content)') or response.url)
    cover = entry.thumbnail if entry and entry.thumbnail else pages.meta_content(page, 'meta[property="og:image"]::attr(content)')
    published = source_time(entry.ctime, entry.intime) if entry else None
    article = Article(
        id=entry.id if entry else "", title=(entry.title if entry else "") or page_title(page), link=link,
        published=published or pages.page_time(page, VISIBLE_TIME),
        author=(entry.author or entry.media if entry else "") or pages.meta_content(
            page, 'meta[property="article:author"]::attr(content)', ".date-source .source::text"),
        thumbnail=pages.absolute_url(cover, link), body_html=body or "", category=CATEGORY, folder=FOLDER,
        language=LANGUAGE, body_fallback="", drop_reason=pages.body_drop_reason(body),
    )
    return article


"""Tencent News (qq.com): feed parsing and article page objects.

Plain code: every function takes bytes, dicts or a Scrapy response and returns values or an
Article, so it is tested without a crawl; the spider (crawler/spiders/qq.py) only wires it.
The structures read, and where they were seen: docs/qq.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape as html_escape
from urllib.parse import parse_qs, urlsplit

from parsel import Selector
from scrapy.http import HtmlResponse, Response

from crawler.archive import id_key
from crawler.charset import html_response
from crawler.html_clean import absolute_url, image_source
from crawler.items import Article
from crawler.page_depth import parsable, within_parse_depth
from crawler.sources.common import Carried, SourceError, source_time
from crawler.sources.json_api import load_answer
from crawler.sources.pages import without

CATEGORY = "qq"
FOLDER = "qq"
LANGUAGE = "zh-CN"

ARTICLE_TYPE = "0"
AGGREGATE_TYPE = "525"

# An article id of the rain/omn family: 14 characters, or 16 in links (two more at the end).
QQ_ID = r"\d{8}[A-Z][0-9A-Z]{5}(?:[0-9A-Z]{2})?"
_URL_ID = re.compile(rf"/(?:rain/a|a)/({QQ_ID})(?:[?#/]|$)")
# /omn/<date>/<ID>.html; the kv_srv list also gives /omn/TEC20201/TEC2020101401179000.html.
_OMN_URL = re.compile(r"/(?:omn|cmsn)/[0-9A-Za-z]+/([0-9A-Za-z]{8,})\.html?$")
_OLD_CHANNEL_URL = re.compile(r"/a/(\d{8})/(\d+)\.htm")
RAIN_LINK = "https://new.qq.com/rain/a/{}"

# `<title>` suffixes: `_腾讯新闻` (current, omn), `_腾讯网`, `_财经_腾讯网`, `_科技_腾讯网` (old).
_TITLE_SUFFIX = re.compile(r"\s*_(?:[^_\s]{1,12}_)?腾讯(?:新闻|网)\s*$")

# Body containers of the current layout, in the order they are tried.
CURRENT_CONTAINERS = (
    'div[class*="rich_media_content"]',
    "div.article-content-wrap",
    "#article-content",
)
CAPTION_SELECTORS = ("p.image_desc", "p.qqnews_image_desc", "span.img-desc", "span.caption", "i.desc")


# ------------
# Feeds
# ------------


@dataclass
class FeedEntry(Carried):
    """One article a feed lists: what is carried to the page request."""

    id: str
    url: str
    title: str = ""
    publish_time: str = ""
    thumbnail: str = ""
    media: str = ""  # only from feeds whose field is the media (kv_srv media_name, hot source)
    channel: str = ""

    @property
    def key(self) -> str:
        """Identity for de-duplication: both qq id forms give the same key."""
        return id_key(self.id or url_id(self.url) or self.url)


@dataclass
class FeedResult:
    entries: list[FeedEntry] = field(default_factory=list)
    skipped_types: Counter = field(default_factory=Counter)
    missing_link: int = 0
    duplicates: int = 0


def url_id(url: str) -> str:
    """The article id in a qq article URL, or ""."""
    path = urlsplit(url or "").path
    m = _URL_ID.search(path) or _OMN_URL.search(path)
    if m:
        return m.group(1)
    m = _OLD_CHANNEL_URL.search(path)
    return m.group(1) + m.group(2) if m else ""


def _load(payload) -> dict:
    data = payload if isinstance(payload, dict) else load_answer(payload)
    if not isinstance(data, dict):
        raise SourceError(f"feed answer is a JSON {type(data).__name__}, not an object")
    return data


def _first(value):
    if isinstance(value, list):
        return value[0] if value else ""
    return value or ""


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class _Collector:
    def __init__(self, channel: str):
        self.result = FeedResult()
        self.seen: set[str] = set()
        self.channel = channel

    def add(self, entry: FeedEntry) -> None:
        if entry.key in self.seen:
            self.result.duplicates += 1
            return
        self.seen.add(entry.key)
        self.result.entries.append(entry)

    def skip(self, kind) -> None:
        self.result.skipped_types[_text(kind) or "unknown"] += 1


def _web_link(url: str) -> str:
    """An entry's link when it is an http(s) URL ("//host/..." taken as https), else "".

    A `javascript:` (or any other scheme's) link is no article page; handed to scrapy.Request
    it raised ValueError in the feed callback and lost every later entry of the answer."""
    url = _text(url)
    if url.startswith("//"):
        url = "https:" + url
    return url if urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).netloc else ""


def _pc_entry(raw: dict, out: _Collector) -> None:
    kind = _text(raw.get("articletype"))
    if kind == AGGREGATE_TYPE:
        subs = raw.get("sub_item") or []
        if not isinstance(subs, list) or not subs:
            out.skip(AGGREGATE_TYPE)
        for sub in subs if isinstance(subs, list) else []:
            if isinstance(sub, dict):
                _pc_entry(sub, out)
        return
    if kind != ARTICLE_TYPE:
        out.skip(kind)
        return
    url = _web_link((raw.get("link_info") or {}).get("url")) if isinstance(raw.get("link_info"), dict) else ""
    if not url:
        out.result.missing_link += 1
        return
    pic = raw.get("pic_info") if isinstance(raw.get("pic_info"), dict) else {}
    # media_info.medal_info.medal_name is a reader badge: deliberately not read.
    out.add(FeedEntry(
        id=_text(raw.get("id")) or url_id(url), url=url, title=_text(raw.get("title")),
        publish_time=_text(raw.get("publish_time")), thumbnail=_text(_first(pic.get("big_img"))),
        channel=out.channel,
    ))


def _kv_entry(raw: dict, out: _Collector) -> None:
    kind = _text(raw.get("article_type"))
    if kind != ARTICLE_TYPE:
        out.skip(kind)
        return
    url = _web_link(raw.get("url"))
    if not url:
        out.result.missing_link += 1
        return
    out.add(FeedEntry(
        id=_text(raw.get("cms_id")) or url_id(url) or _text(raw.get("article_id")), url=url,
        title=_text(raw.get("title")), publish_time=_text(raw.get("publish_time")),
        thumbnail=_text(raw.get("img")) or _text(raw.get("thumb_nail_2x")) or _text(raw.get("thumb_nail")),
        media=_text(raw.get("media_name")), channel=out.channel,
    ))


def _hot_entry(raw: dict, out: _Collector) -> None:
    kind = _text(raw.get("articletype"))
    if kind != ARTICLE_TYPE:
        out.skip(kind)
        return
    url = _web_link(raw.get("url")) or _web_link(raw.get("surl"))
    if not url:
        out.result.missing_link += 1
        return
    thumb = _first(raw.get("thumbnails_big")) or _first(raw.get("thumbnails"))
    out.add(FeedEntry(
        id=_text(raw.get("id")) or url_id(url), url=url, title=_text(raw.get("title")),
        publish_time=_text(raw.get("time")), thumbnail=_text(thumb), media=_text(raw.get("source")),
        channel=out.channel,
    ))


def _read_list(listing, read_entry, out: _Collector, what: str) -> FeedResult:
    if not isinstance(listing, list):
        raise SourceError(f"feed answer has no {what}")
    for raw in listing:
        if isinstance(raw, dict):
            read_entry(raw, out)
        else:
            out.skip("not_an_object")
    return out.result


def qq_feed_items(payload, *, channel: str = "") -> FeedResult:
    """Articles of a getPCList answer (also the older kv_srv list and the hot list).

    Returns the entries (deduplicated within the answer), the skipped entry types with their
    counts, how many entries had no link. Raises SourceError when the answer is not usable.
    """
    data = _load(payload)
    if "idlist" in data:
        return qq_hot_items(data, channel=channel)
    out = _Collector(channel)
    if "code" in data:
        if str(data.get("code")) != "0":
            raise SourceError(f"feed answered code {data.get('code')!r}: {_text(data.get('msg') or data.get('message'))}")
        return _read_list(data.get("data"), _pc_entry, out, "data list")
    if "ret" in data:
        if str(data.get("ret")) != "0":
            raise SourceError(f"feed answered ret {data.get('ret')!r}: {_text(data.get('msg'))}")
        listing = (data.get("data") or {}).get("list") if isinstance(data.get("data"), dict) else None
        return _read_list(listing, _kv_entry, out, "data.list")
    raise SourceError("feed answer has neither code/data, ret/data.list nor idlist")


def qq_hot_items(payload, *, channel: str = "hot") -> FeedResult:
    """Articles of the hot ranking list; its first entry is the list's header and is skipped."""
    data = _load(payload)
    if "ret" in data and str(data.get("ret")) != "0":
        raise SourceError(f"hot list answered ret {data.get('ret')!r}")
    idlist = data.get("idlist")
    if not isinstance(idlist, list) or not idlist or not isinstance(idlist[0], dict):
        raise SourceError("hot list answer has no idlist")
    newslist = idlist[0].get("newslist")
    if not isinstance(newslist, list):
        raise SourceError("hot list answer has no newslist")
    out = _Collector(channel)
    for raw in newslist[1:]:
        if isinstance(raw, dict):
            _hot_entry(raw, out)
    return out.result


# ------------
# Article pages
# ------------


def json_object_after(text: str, marker: str) -> dict | None:
    """The JSON object assigned after `marker` (e.g. `window.DATA`), read by a JSON decoder.

    The object's end is found by `raw_decode`; nothing is evaluated. None when absent or not
    JSON.
    """
    for m in re.finditer(re.escape(marker) + r"\s*=\s*", text):
        start = m.end()
        try:
            value, _ = json.JSONDecoder().raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


_JS_STRING_FIELD = r"""(?:^|[\s{{,]){key}\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""


def js_string_field(script: str, key: str) -> str:
    """A string field of a JavaScript object literal (`ARTICLE_INFO`), without evaluating it."""
    m = re.search(_JS_STRING_FIELD.format(key=re.escape(key)), script, re.M)
    if not m:
        return ""
    raw = m.group(1) if m.group(1) is not None else m.group(2)
    return re.sub(r"\\(.)", r"\1", raw)


def strip_site_suffix(title: str) -> str:
    return _TITLE_SUFFIX.sub("", (title or "").strip()).strip()


def _clean_text(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _has_content(node: Selector) -> bool:
    text = "".join(node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    return bool(text.strip()) or bool(node.css("img"))


def _image_url(img: Selector) -> str:
    # The body's cleaning rules decide which attribute holds a lazy image's real URL.
    return (image_source(img.attrib) or "").strip()


def is_not_found(response: HtmlResponse) -> bool:
    """qq's not-found answer: a 404/410, or the `notfound.htm` landing page (served as 200)."""
    if response.status in (404, 410):
        return True
    if "notfound" in urlsplit(response.url).path.lower():
        return True
    # The landing page has no title and no text, only a script that redirects; a page with a
    # title is an article page (checked first: joining a whole page's text costs more).
    if _clean_text(response.xpath("//title/text()").get()):
        return False
    if response.xpath("//body//text()[not(ancestor::script)][normalize-space()]"):
        return False
    scripts = " ".join(response.xpath("//script/text()").getall())
    return "babygohome" in scripts or "notfound" in scripts


@dataclass
class PageData:
    """What one layout reads from a page, before the merge with the feed entry."""

    layout: str
    title: str = ""
    time: str = ""
    media: str = ""
    cover: str = ""
    body_html: str = ""
    body_fallback: str = ""
    article_id: str = ""
    canonical: str = ""
    paid: bool = False
    extra_times: list = field(default_factory=list)


def _page_title(response: HtmlResponse, *candidates: str) -> str:
    # Script data titles are kept as given (inner white space included); element texts are
    # squeezed. The article's own h1 first: the current layout has promotional h1 elsewhere.
    for value in candidates:
        title = strip_site_suffix(value or "")
        if title:
            return title
    article_h1 = response.css(".content-article h1::text, .LEFT h1::text, .qq_article h1::text, .hd h1::text").get()
    for value in (article_h1, response.css("h1::text").get(),
                  response.xpath('//meta[@property="og:title"]/@content').get(),
                  response.xpath("//title/text()").get()):
        title = strip_site_suffix(_clean_text(value))
        if title:
            return title
    return ""


def _og(response: HtmlResponse, prop: str) -> str:
    return (response.xpath(f'//meta[@property="og:{prop}"]/@content').get() or "").strip()


def _canonical(response: HtmlResponse) -> str:
    return ((response.xpath('//link[@rel="canonical"]/@href').get() or "").strip()
            or _og(response, "url"))


def _attr_image(attribute) -> tuple[str, str]:
    """(image URL, caption) of one originAttribute entry."""
    if not isinstance(attribute, dict):
        return "", ""
    url = ""
    for key in ("origUrl", "url", "src", "imgurl"):
        if isinstance(attribute.get(key), str) and attribute[key].strip():
            url = attribute[key].strip()
            break
    img = attribute.get("img")
    if not url and isinstance(img, dict):
        for size in ("imgurl0", "imgurl1000", "imgurl641", "imgurl640", *sorted(img)):
            sized = img.get(size)
            if isinstance(sized, dict) and isinstance(sized.get("imgurl"), str) and sized["imgurl"].strip():
                url = sized["imgurl"].strip()
                break
            if isinstance(sized, str) and sized.strip():
                url = sized.strip()
                break
    caption = attribute.get("desc") or attribute.get("caption") or ""
    return url, caption.strip() if isinstance(caption, str) else ""


def origin_content_html(data: dict) -> str:
    """`window.DATA.originContent.text` with its `<!--IMG_n-->` placeholders filled in.

    Each placeholder becomes the image (from `originAttribute`) and, when the attribute has
    a caption, the caption as its own paragraph (`p.image_desc`) under the image. A
    placeholder without attribute is removed. "" when there is no originContent text.
    """
    origin = data.get("originContent")
    text = origin.get("text") if isinstance(origin, dict) else origin if isinstance(origin, str) else ""
    if not isinstance(text, str) or not text.strip():
        return ""
    attributes = data.get("originAttribute") if isinstance(data.get("originAttribute"), dict) else {}

    def fill(m: re.Match) -> str:
        url, caption = _attr_image(attributes.get(m.group(1)))
        if not url:
            return ""
        html = f'<p><img src="{html_escape(url)}"/></p>'
        if caption:
            html += f'<p class="image_desc">{html_escape(caption)}</p>'
        return html

    filled = re.sub(r"<!--\s*((?:IMG|VIDEO)_\d+)\s*-->", fill, text)
    return f'<div class="rich_media_content">{filled}</div>'


def parse_current_layout(response: HtmlResponse, data: dict | None) -> PageData:
    """new.qq.com/rain/a/<ID> since 2024: window.DATA JSON plus a body container."""
    data = data or {}
    page = PageData(layout="current")
    page.title = _page_title(response, _text(data.get("title")))
    page.time = _text(data.get("pubtime") or data.get("publish_time"))
    page.media = _text(data.get("media")) or _clean_text(response.css(".media-name::text").get())
    page.article_id = _text(data.get("cms_id") or data.get("cmsId") or data.get("article_id"))
    page.canonical = _canonical(response)
    page.paid = bool(data.get("article_is_pay"))
    for key in ("shareImg", "share_img", "thumbnail", "bigImage", "img", "cover"):
        if isinstance(data.get(key), str) and data[key].strip():
            page.cover = data[key].strip()
            break
    page.cover = page.cover or _og(response, "image")
    container = None
    for selector in CURRENT_CONTAINERS:
        found = response.css(selector)
        if found:
            container = found[0]
            break
    if container is not None and _has_content(container):
        page.body_html = container.get()
    else:
        # The fallback is judged as the container is: a paid article's originContent is often
        # only the empty container (`<div id="article-content"></div>`), which is no body.
        fallback = origin_content_html(data)
        if fallback and _has_content(parsable(fallback)):
            page.body_html = fallback
            page.body_fallback = "originContent"
    # An article of a paid column shows its body to subscribers only: without a body it is
    # paid, not empty (with one, e.g. a free article of the column, it is kept).
    page.paid = page.paid or (not page.body_html and bool(data.get("is_column_pay")))
    return page


# Elements of the old templates' containers that are page furniture, not the article.
_OLD_FURNITURE = (
    "script", "style", "iframe", ".mbArticleShareBtn", ".rv-root-v2", "#tipsWBzf",
    "a#backqqcom", "#Status",
)


_INLINE_CAPTION_TAGS = ("i", "span", "em", "small")


def captions_on_own_line(body_html: str) -> str:
    """Inline captions (CAPTION_SELECTORS) that end the block holding their image become a
    paragraph of their own (`p.image_desc`) right after that block.

    The omn layout writes `<p class="one-p"><img class="content-picture"><i class="desc">…</i></p>`:
    left inline, the caption would run on the image's line. A caption with text after it in
    the same block is left where it is (moving it would change the text order).
    """
    if not body_html or ("desc" not in body_html and "caption" not in body_html):
        return body_html  # every caption class holds one of the two
    root = Selector(text=body_html, type="html").xpath("//body/*[1]")
    if not root:
        return body_html
    root = root[0]
    changed = False
    for selector in CAPTION_SELECTORS:
        for caption in root.css(selector):
            el = caption.root
            parent = el.getparent()
            if el.tag not in _INLINE_CAPTION_TAGS or parent is None or parent.getparent() is None:
                continue
            if not parent.xpath(".//img") or (el.tail or "").strip():
                continue
            if any((sib.text_content() or "").strip() or (sib.tail or "").strip() or sib.xpath(".//img")
                   for sib in el.itersiblings()):
                continue
            paragraph = parent.makeelement("p", {"class": "image_desc"})
            paragraph.text = el.text
            for child in list(el):
                paragraph.append(child)
            el.drop_tree()  # keeps its (blank) tail in place
            paragraph.tail, parent.tail = parent.tail, None
            parent.addnext(paragraph)
            changed = True
    return root.get() if changed else body_html


def parse_omn_layout(response: HtmlResponse, data: dict | None) -> PageData:
    """new.qq.com/omn/<date>/<ID>.html (2019 - April 2024): `.content-article` + window.DATA."""
    data = data or {}
    page = PageData(layout="omn")
    page.title = _page_title(response, _text(data.get("title")))
    page.time = _text(data.get("pubtime"))
    page.media = _text(data.get("media")) or _clean_text(response.css("a.author::text, .author .name::text").get())
    page.article_id = _text(data.get("cms_id") or data.get("article_id"))
    page.canonical = _canonical(response)
    container = response.css(".content-article")
    if container and _has_content(container[0]):
        page.body_html = without(container[0], _OLD_FURNITURE)
    first_img = response.css(".content-article img.content-picture")
    page.cover = _og(response, "image") or (_image_url(first_img[0]) if first_img else "")
    return page


def parse_channel_layout(response: HtmlResponse) -> PageData:
    """<channel>.qq.com/a/<date>/<n>.htm (to 2019): ARTICLE_INFO + #Cnt-Main-Article-QQ."""
    script = " ".join(s for s in response.xpath("//script/text()").getall() if "ARTICLE_INFO" in s)
    page = PageData(layout="channel")
    page.title = _page_title(response, js_string_field(script, "title"))
    page.time = js_string_field(script, "pubtime") or _clean_text(
        response.css("span.a_time::text, span.pubTime::text, span.article-time::text").get())
    page.media = _clean_text(
        response.css("span.a_source a::text, span.a_source::text, span.where a::text, span.where::text,"
                     " span.color-a-1 a::text").get())
    page.article_id = js_string_field(script, "id")
    page.canonical = js_string_field(script, "article_url") or _canonical(response)
    container = response.css("#Cnt-Main-Article-QQ")
    if container and _has_content(container[0]):
        page.body_html = without(container[0], _OLD_FURNITURE)
    page.cover = _og(response, "image")
    return page


def detect_layout(response: HtmlResponse, data: dict | None) -> str:
    if any(response.css(sel) for sel in CURRENT_CONTAINERS):
        return "current"
    # The current layout wraps its container in `.content-article > #ArticleContent` (the omn
    # layout has `.content-article` but no #ArticleContent): a current page whose container is
    # missing is still current (body from originContent, else empty_body), never read as omn,
    # which would take the headline and the media name for the body.
    if response.css("#ArticleContent"):
        return "current"
    if response.css(".content-article"):
        return "omn"
    if response.css("#Cnt-Main-Article-QQ") or "ARTICLE_INFO" in response.text:
        return "channel"
    if data is not None:
        return "current"
    return "unknown"


def article_link(article_id: str, response_url: str, canonical: str = "") -> str:
    """`https://new.qq.com/rain/a/<ID>` for rain/omn ids (the archive's form), else the page's."""
    for candidate in (url_id(response_url), article_id, url_id(canonical)):
        if candidate and re.fullmatch(QQ_ID, candidate):
            return RAIN_LINK.format(candidate)
    return canonical or response_url


def parse_article(response: Response, entry: FeedEntry | dict | None = None) -> Article:
    """Turn an article page (any qq layout) plus its feed entry into an Article.

    The feed's title, time and cover win; the page fills what the feed lacks. An Article
    that must make no file carries `drop_reason` ("removed", "paid", "empty_body",
    "bad_date", "no_body").
    """
    entry = FeedEntry.from_meta(entry)
    response = html_response(response)
    article = Article(
        id=(entry.id if entry else "") or url_id(response.url), title=entry.title if entry else "",
        link="", published=None, author="", thumbnail=entry.thumbnail if entry else "",
        body_html="", category=CATEGORY, folder=FOLDER, language=LANGUAGE, body_fallback="",
        drop_reason="",
    )
    if is_not_found(response):
        # The landing page names the missing article's address in `uri=`.
        missing = parse_qs(urlsplit(response.url).query).get("uri", [""])[0]
        original = entry.url if entry else (missing or response.url)
        article["id"] = article["id"] or url_id(original)
        article["link"] = article_link(article["id"], original)
        article["drop_reason"] = "removed"
        return article

    # A body nested deeper than libxml2 parses would come out empty (empty_body): flattened.
    response = within_parse_depth(response)
    data = json_object_after(response.text, "window.DATA")
    layout = detect_layout(response, data)
    if layout == "current":
        page = parse_current_layout(response, data)
    elif layout == "omn":
        page = parse_omn_layout(response, data)
    elif layout == "channel":
        page = parse_channel_layout(response)
    else:
        page = PageData(layout="unknown", title=_page_title(response), canonical=_canonical(response))

    article["id"] = article["id"] or page.article_id
    article["link"] = article_link(article["id"] or page.article_id, response.url, page.canonical)
    article["title"] = article["title"] or page.title
    article["author"] = page.media or (entry.media if entry else "")
    article["body_html"] = page.body_html = captions_on_own_line(page.body_html)
    article["body_fallback"] = page.body_fallback
    if entry:
        # The archive shows the cover the feed showed, and none when the feed had none
        # (as every qq file of the archive does); the page's pictures are not covers.
        cover = entry.thumbnail
    else:
        # A direct URL has no feed entry: the page's own cover, else its first picture.
        cover = page.cover
        if not cover and page.body_html:
            imgs = Selector(text=page.body_html).css("img")
            cover = _image_url(imgs[0]) if imgs else ""
    article["thumbnail"] = absolute_url(cover, response.url) if cover else ""
    article["published"] = source_time(entry.publish_time if entry else "", page.time)  # the feed's first

    if layout == "unknown":
        article["drop_reason"] = "no_body"  # not an article page of a known layout
    elif page.paid:
        article["drop_reason"] = "paid"
    elif article["published"] is None:
        article["drop_reason"] = "bad_date"
    elif not page.body_html:
        article["drop_reason"] = "empty_body"
    return article

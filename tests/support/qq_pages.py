"""Pages of qq's current layout built around a real corpus body (tests and benchmarks).

The skeleton follows the structure of the real May 2024 page
(../shared/corpus/qq/pages/rain_20240513A00GCM00_2024-05-13_magic-html.html): `<title>` with
the `_腾讯新闻` suffix, a one-line `window.DATA = {...}` JSON in a `<script>` of the head (keys
url, article_id (14 chars), cmsId/cms_id (16), title, desc, media, media_id, pubtime,
originContent, originAttribute, article_is_pay, videoArr), and the body in
`div.content-article` > `#ArticleContent` > container. The text around the body is our own.
The body itself is read at run time from the corpus item handed in; nothing real is stored.
"""

from __future__ import annotations

import html
import json
import re

from crawler.sources.qq import FeedEntry

VARIANTS = ("rich_media_content", "autoTypeSetting", "article-content-wrap", "article-content", "originContent")

_OPEN_TAGS = {
    "rich_media_content": '<div class="rich_media_content">',
    "autoTypeSetting": '<div class="rich_media_content autoTypeSetting24psection">',
    "article-content-wrap": '<div class="article-content-wrap">',
    "article-content": '<div id="article-content">',
    "originContent": '<div id="article-content">',
}

MEDIA = "示例财经号"  # invented media name written into every page


def inner_body(description: str) -> str:
    """The HTML inside a corpus body's outer container element."""
    text = (description or "").strip()
    m = re.match(r"<div\b[^>]*>", text)
    if not m or not text.endswith("</div>"):
        return text
    return text[m.end():-len("</div>")]


def _origin(inner: str) -> tuple[str, dict]:
    """The body as originContent text: every <img> becomes an `<!--IMG_n-->` placeholder."""
    attributes: dict = {}

    def placeholder(m: re.Match) -> str:
        tag = m.group(0)
        src = re.search(r'\bdata-src="([^"]*)"', tag) or re.search(r'\bsrc="([^"]*)"', tag)
        key = f"IMG_{len(attributes)}"
        attributes[key] = {"img": {"imgurl1000": {"imgurl": html.unescape(src.group(1)) if src else ""}},
                           "desc": ""}
        return f"<!--{key}-->"

    return re.sub(r"<img\b[^>]*>", placeholder, inner), attributes


def long_id(item: dict) -> str:
    return item["link"].rstrip("/").rsplit("/", 1)[-1]


def feed_entry(item: dict) -> FeedEntry:
    """The feed entry a getPCList answer would have given for this item."""
    return FeedEntry(id=str(item.get("id") or ""), url=item["link"], title=item["title"],
                     publish_time=item["pub_date"], thumbnail=item.get("image") or "")


def current_layout_page(item: dict, variant: str) -> bytes:
    """A UTF-8 page of the current layout holding the item's body in the container `variant`."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {VARIANTS}")
    inner = inner_body(item.get("description") or "")
    cms_id = long_id(item)
    data = {
        "url": f"https://view.inews.qq.com/a/{cms_id}",
        "article_id": cms_id[:14],
        "article_type": "0",
        "title": item["title"],
        "desc": "示例摘要。",
        "abstract": "示例摘要。",
        "catalog1": "finance",
        "media": MEDIA,
        "media_id": "1000001",
        "pubtime": item["pub_date"],
        "cmsId": cms_id,
        "cms_id": cms_id,
        "originContent": {"directory": {"enable": 2, "list": None}, "text": ""},
        "originAttribute": {},
        "article_is_pay": False,
        "payment_info": {},
        "videoArr": [],
    }
    if variant == "originContent":
        text, attributes = _origin(inner)
        data["originContent"]["text"] = text
        data["originAttribute"] = attributes
        container = _OPEN_TAGS[variant] + "</div>"
    else:
        container = _OPEN_TAGS[variant] + inner + "</div>"
    # `</` inside the script would end it early in an HTML parser: escape the slash as JSON allows.
    data_json = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    title = html.escape(item["title"], quote=False)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
    <title>{title}_腾讯新闻</title>
<meta name="Description" content="示例摘要。">
    <meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
<script>
  window.DATA = {data_json};
</script>
</head>
<body>
<div id="root"><div class="layout">
                <div class="content-article">
          <div id="ArticleColumnTag"></div><h1>{title}</h1><div id="ArticleAuthor"><div id="article-author" class="article-author"><div class="media-info"><div><p class="media-name">{MEDIA}</p><p class="media-meta"><span>{html.escape(item["pub_date"][:16])}</span></p></div></div></div></div><div id="ArticleContent">{container}</div>
        </div>
</div></div>
</body>
</html>
"""
    return page.encode("utf-8")

"""华尔街见闻 (wallstreetcn): information-flow JSON for discovery, detail JSON for the body.

Structures (../shared/sources/CATALOG.md, 2.18 wallstreetcn; the field names also as read by
public code of news aggregators: `display_time` in unix seconds, `content_short`, `uri`):

- flow `GET https://api-one-wscn.awtmt.com/apiv1/content/information-flow?channel=global&
  accept=article&cursor=&limit=20&action=upglide`: `{"code": 20000, "data": {"items": [
  {"resource_type": "article" | "live" | "chart" | "ad" | "theme" ..., "resource": {"id",
  "title", "uri", "display_time", "is_need_pay", "image": {"uri"}, "images": [{"uri"}],
  "author": {"display_name"}, "content_short"}}]}}`.
- article `GET …/apiv1/content/articles/<id>?extract=0&accept_theme=theme,premium-theme`:
  `{"data": {"id", "title", "uri", "display_time", "content", "image": {"uri"}, "author":
  {"display_name"}, "is_need_pay"}}`.
- chart (the flow's live/chart items) `GET …/apiv1/content/charts/<id>`: `{"data": {"id",
  "title", "uri", "display_time", "content", "images": [{"uri"}]}}`; the first image is
  appended to the body as `<p><img></p>` (as the old crawler did) unless the body shows it.

Items with `is_need_pay` are paid: skipped at discovery (counted) or, when only the detail
says so, dropped as "paid". `<img>` whose src is "None" (a missing image the old crawler
wrote) is removed. The resource id names the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as html_escape

from crawler.items import Article
from crawler.sources.common import SourceError, first_text, load_json, source_time

FOLDER = "wallstreetcn"
CATEGORY = "wallstreetcn"
LANGUAGE = "zh-CN"

FLOW_URL = ("https://api-one-wscn.awtmt.com/apiv1/content/information-flow"
            "?channel=global&accept=article&cursor=&limit=20&action=upglide")
ARTICLE_URL = "https://api-one-wscn.awtmt.com/apiv1/content/articles/{id}?extract=0&accept_theme=theme,premium-theme"
CHART_URL = "https://api-one-wscn.awtmt.com/apiv1/content/charts/{id}"

# resource_type -> detail kind; other types (ad, theme, topic ...) are not articles.
KINDS = {"article": "article", "live": "chart", "chart": "chart"}
DEFAULT_LINKS = {"article": "https://wallstreetcn.com/articles/{id}", "chart": "https://wallstreetcn.com/charts/{id}"}

_NONE_IMG = re.compile(r"""<p>\s*<img[^>]*\bsrc\s*=\s*["']None["'][^>]*>\s*</p>|<img[^>]*\bsrc\s*=\s*["']None["'][^>]*>""", re.I)


@dataclass
class FlowEntry:
    id: str
    kind: str  # "article" or "chart"
    title: str = ""
    link: str = ""
    display_time: object = None
    thumbnail: str = ""
    author: str = ""
    paid: bool = False

    def to_meta(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_meta(cls, meta: dict | None) -> "FlowEntry | None":
        return cls(**meta) if isinstance(meta, dict) else None


@dataclass
class FlowResult:
    entries: list
    skipped_types: dict


def _image(resource: dict) -> str:
    image = resource.get("image")
    if isinstance(image, dict) and first_text(image.get("uri")) not in ("", "None"):
        return first_text(image.get("uri"))
    images = resource.get("images")
    if isinstance(images, list):
        for img in images:
            uri = first_text(img.get("uri")) if isinstance(img, dict) else first_text(img)
            if uri and uri != "None":
                return uri
    return ""


def _author(resource: dict) -> str:
    author = resource.get("author")
    return first_text(author.get("display_name")) if isinstance(author, dict) else ""


def flow_entries(payload) -> FlowResult:
    """Articles and charts of an information-flow answer (paid ones flagged)."""
    data = load_json(payload)
    block = data.get("data")
    items = block.get("items") if isinstance(block, dict) else None
    if not isinstance(items, list):
        raise SourceError(f"flow answer has no data.items (code {data.get('code')!r}, "
                          f"message {first_text(data.get('message'))!r})")
    entries, skipped = [], {}
    for item in items:
        if not isinstance(item, dict):
            continue
        rtype = first_text(item.get("resource_type")) or "?"
        resource = item.get("resource")
        kind = KINDS.get(rtype)
        if kind is None or not isinstance(resource, dict) or not first_text(resource.get("id")):
            skipped[rtype] = skipped.get(rtype, 0) + 1
            continue
        rid = first_text(resource.get("id"))
        entries.append(FlowEntry(
            id=rid, kind=kind, title=first_text(resource.get("title")),
            link=first_text(resource.get("uri")) or DEFAULT_LINKS[kind].format(id=rid),
            display_time=resource.get("display_time"), thumbnail=_image(resource),
            author=_author(resource), paid=bool(resource.get("is_need_pay")),
        ))
    return FlowResult(entries, skipped)


def detail_body(data: dict, kind: str) -> str:
    content = data.get("content") if isinstance(data.get("content"), str) else ""
    content = _NONE_IMG.sub("", content)
    if kind == "chart":
        image = _image({"images": data.get("images")})
        if image and image not in content:
            content += f'<p><img src="{html_escape(image)}" /></p>'
    return content


def parse_detail(payload, entry: FlowEntry) -> Article:
    """The Article of an article/chart detail answer plus its flow entry. `published` is None
    when neither gives a readable time (the spider then uses the crawl time, counted)."""
    answer = load_json(payload)
    data = answer.get("data")
    if not isinstance(data, dict):
        raise SourceError(f"detail answer has no data (code {answer.get('code')!r}, "
                          f"message {first_text(answer.get('message'))!r})")
    body = detail_body(data, entry.kind)
    article = Article(
        id=first_text(data.get("id")) or entry.id,
        title=first_text(data.get("title"), entry.title, data.get("content_text")),
        link=first_text(data.get("uri"), entry.link) or DEFAULT_LINKS[entry.kind].format(id=entry.id),
        published=source_time(data.get("display_time"), entry.display_time),
        author=_author(data) or entry.author,
        thumbnail=_image(data) or entry.thumbnail,
        body_html=body, category=CATEGORY, folder=FOLDER, language=LANGUAGE,
        body_fallback="", drop_reason="",
    )
    if data.get("is_need_pay") or entry.paid:
        article["drop_reason"] = "paid"
    elif not body.strip():
        article["drop_reason"] = "empty_body"
    return article

"""金吾财讯 (jinwucj): two POST JSON list APIs that carry the whole article.

Structures (../shared/sources/CATALOG.md, 2.11 jinwucj):

- `POST https://ipo.jinwucj.com/api/info/getInfoList` ("ipo" list), body `{"pageNum":1,
  "pageSize":10}`; answer `{"body": {"list": [{"id", "title", "updatedTime", "content"}]}}`;
  link `https://ipo.jinwucj.com/info/infoDetails/<id>`.
- `POST https://pro-app-sky-api.szfiu.com/news/v1/list` ("hk" list), same body; answer
  `{"body": {"list": [{"id", "title", "pubDate", "content"}]}}`; link
  `https://sky.szfiu.com/info/hk/details/<id>`.

Times are naive Beijing strings (`YYYY-MM-DD HH:MM:SS`). The id is numeric and names the file.
The old crawler sent a static frontend `token` header; here it is the JINWUCJ_TOKEN setting or
environment variable (empty by default).
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.items import Article
from crawler.sources.common import SourceError, first_text, load_json, source_time

FOLDER = "jinwucj"
CATEGORY = "jinwucj"
LANGUAGE = "zh-CN"

LIST_URLS = {
    "ipo": "https://ipo.jinwucj.com/api/info/getInfoList",
    "hk": "https://pro-app-sky-api.szfiu.com/news/v1/list",
}
LINK_TEMPLATES = {
    "ipo": "https://ipo.jinwucj.com/info/infoDetails/{id}",
    "hk": "https://sky.szfiu.com/info/hk/details/{id}",
}
# The time fields of the two lists, in order of preference (hk: pubDate, ipo: updatedTime).
TIME_FIELDS = ("pubDate", "publishTime", "updatedTime", "createTime")


@dataclass
class ListEntry:
    id: str
    title: str
    content: str
    time: str
    link: str


def list_body(page: int = 1, page_size: int = 10) -> dict:
    return {"pageNum": page, "pageSize": page_size}


def list_entries(payload, link_template: str) -> list[ListEntry]:
    """Entries of one list answer (`body.list[]`); entries without id are left out.
    Raises SourceError when the answer has no `body.list`."""
    data = load_json(payload)
    body = data.get("body")
    listing = body.get("list") if isinstance(body, dict) else None
    if not isinstance(listing, list):
        detail = first_text(data.get("msg"), data.get("message"), str(data.get("code", "")))
        raise SourceError(f"list answer has no body.list{': ' + detail if detail else ''}")
    entries = []
    for raw in listing:
        if not isinstance(raw, dict):
            continue
        article_id = first_text(raw.get("id"))
        if not article_id:
            continue
        entries.append(ListEntry(
            id=article_id,
            title=first_text(raw.get("title")),
            content=raw.get("content") if isinstance(raw.get("content"), str) else "",
            time=first_text(*(raw.get(name) for name in TIME_FIELDS)),
            link=link_template.format(id=article_id),
        ))
    return entries


def to_article(entry: ListEntry) -> Article:
    """The Article of one list entry. `published` is None when the entry has no readable
    time (the spider then uses the crawl time, counted); an entry without body text is
    marked `empty_body`."""
    article = Article(
        id=entry.id, title=entry.title, link=entry.link,
        published=source_time(entry.time), author="", thumbnail="",
        body_html=entry.content, category=CATEGORY, folder=FOLDER, language=LANGUAGE,
        body_fallback="", drop_reason="",
    )
    if not entry.content.strip():
        article["drop_reason"] = "empty_body"
    return article

"""Real now items (../shared/corpus/seed-json/now) as the two lists and the article pages serve
them.

`now` items (news.now.com) become entries of the news list API (a JSON array: `newsId` from
the link, `title`, `summary`, `imageUrl` = the item's image, `categoryName`, `publishDate` =
unix ms of the item's pub_date, Beijing time) and player pages holding `.newsLeading`: the
item's own (2026 items: the page's element) or the item's body wrapped in one (2025 items: the
API summary the old crawler kept), with an invented `.imagesCollection` photo strip.
`now_finance` items become entries of the world news list (JSONP: `callback([...])`, `id`,
`title`) and post pages holding the item's real `.newsParagraphs` with an invented `.ad`
inside; their time is written into the page (meta, JSON-LD or <time>, in turn).
"""

from __future__ import annotations

import json
import re

from tests.support.page_responses import (esc, head_time, inject_after_first_paragraph, published, response,
                                          time_form, visible_time)

NEWS_API = "https://newsapi1.now.com/pccw-news-api/api/getNewsListv2?category=121&pageSize=20&pageNo=1"
FINANCE_LIST = "https://finance.now.com/news/newsList.php?type=world"
PHOTOS = ('<div class="imagesCollection"><div class="imageItem"><img src="https://invented.example/photo.jpg">'
          '<p>Invented photo caption</p></div></div>')
AD = '<div class="ad"><p>Invented advertisement</p></div>'


def of(items: list[dict], source: str) -> list[dict]:
    return [i for i in items if i["source"] == source]


def news_id(item: dict) -> str:
    return re.search(r"newsId=(\d+)", item["link"]).group(1)


def post_id(item: dict) -> str:
    return re.search(r"[?&]id=(\d+)", item["link"]).group(1)


def news_entry(item: dict) -> dict:
    return {"newsId": news_id(item), "title": item["title"], "summary": "Invented summary.",
            "imageUrl": item.get("image"), "categoryName": item.get("category") or "",
            "publishDate": int(published(item).timestamp() * 1000), "newsType": "news"}


def news_response(items: list[dict]):
    body = json.dumps([news_entry(i) for i in items], ensure_ascii=False).encode("utf-8")
    return response(NEWS_API, body, "application/json;charset=UTF-8")


def finance_response(items: list[dict]):
    entries = [{"id": post_id(i), "title": i["title"], "type": "world"} for i in items]
    return response(FINANCE_LIST, f"callback({json.dumps(entries, ensure_ascii=False)})".encode("utf-8"),
                    "text/javascript; charset=utf-8")


def leading(item: dict) -> str:
    body = item["description"]
    if not body.lstrip().startswith('<div class="newsLeading"'):
        body = f'<div class="newsLeading" itemprop="articleBody">{body}</div>'
    at = body.find(">") + 1
    return body[:at] + PHOTOS + body[at:]


def news_page(item: dict) -> str:
    cover = f'<meta property="og:image" content="{esc(item["image"])}">' if item.get("image") else ""
    return ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])} - Now 新聞</title>{cover}</head><body>'
            '<header class="header"><a href="/">Invented header</a></header><div class="newsContainer">'
            f'<h1 class="newsTitle">{esc(item["title"])}</h1>{leading(item)}'
            '<div class="relatedNews"><a href="/home/finance/player?newsId=1">Invented related story</a></div>'
            '</div></body></html>')


def finance_page(item: dict, index: int) -> str:
    form = time_form(index)
    return ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])} - Now 財經</title>{head_time(item, form)}</head><body>'
            '<div class="header">Invented header</div><div class="newsContent">'
            f'<h1 class="newsTitle">{esc(item["title"])}</h1>{visible_time(item, form, css="newsTime")}'
            f'{inject_after_first_paragraph(item["description"], AD)}</div>'
            '<div class="footer">Invented footer</div></body></html>')


def page_response(item: dict, index: int):
    html = news_page(item) if item["source"] == "now" else finance_page(item, index)
    return response(item["link"], html.encode("utf-8"))

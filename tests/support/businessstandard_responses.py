"""Real businessstandard items (../shared/corpus/seed-json/businessstandard) as the site serves them.

The latest-news page is a Next.js shell whose `script#__NEXT_DATA__` holds
`props.pageProps.newsData[]`: each item's `article_id`, `article_url` (relative), `heading1`,
`isLiveBlog` (0), and for every other item `published_date` (unix seconds); an invented live
blog among them is skipped. Each article page holds the item's `#parent_top_div` (the body as
the old crawler cut it) in the page's layout, with invented blocks the crawler must remove put
into it (an ad paragraph `.storyadsprg`, a `.recommendsection`), and the time in
`article:published_time` (India time, +05:30). The items' `pub_date` is the crawl time in
Beijing (the old crawler's); it is the moment both the list and the page state.
"""

from __future__ import annotations

import datetime as dt
import html
import json

SITE = "https://www.business-standard.com"
LIST = f"{SITE}/latest-news"
BEIJING = dt.timezone(dt.timedelta(hours=8))
INDIA = dt.timezone(dt.timedelta(hours=5, minutes=30))
INSIDE = ('<div class="storyadsprg"><p>Invented advertisement paragraph</p></div>'
          '<div class="recommendsection"><h3>Recommended for you</h3><a href="/x">An invented recommended story</a></div>')
LIVE = {"article_id": 999000000001, "article_url": "/markets/news/invented-live-blog-999000000001_1.html",
        "heading1": "Invented market live blog", "isLiveBlog": 1}


def published(item: dict) -> dt.datetime:
    return dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)


def list_entry(item: dict, index: int) -> dict:
    entry = {"article_id": item["id"], "article_url": item["link"][len(SITE):], "heading1": item["title"],
             "isLiveBlog": 0, "sub_heading": "An invented summary line"}
    if index % 2 == 0:
        entry["published_date"] = int(published(item).timestamp())
    return entry


def list_page(items: list[dict]) -> bytes:
    data = {"props": {"pageProps": {"newsData": [LIVE] + [list_entry(i, n) for n, i in enumerate(items)]}},
            "page": "/latest-news", "buildId": "invented"}
    return ('<!DOCTYPE html><html><head><title>Latest News | Business Standard</title></head><body>'
            '<div id="__next"><div class="listing">Loading</div></div>'
            f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data, ensure_ascii=False)}</script>'
            '</body></html>').encode("utf-8")


def page(item: dict, index: int) -> bytes:
    body = item["description"]
    at = body.find("</p>")
    if at >= 0 and index % 3 == 0:
        body = body[:at + 4] + INSIDE + body[at + 4:]
    when = published(item).astimezone(INDIA).isoformat()
    title = html.escape(item["title"], quote=True)
    return (f'<!DOCTYPE html><html><head><title>{title}</title><meta property="og:title" content="{title}">'
            f'<meta property="article:published_time" content="{when}"></head><body>'
            f'<header class="header"><a href="/">Business Standard</a></header><div class="storydetail">'
            f'<h1 class="stryhdtp">{title}</h1><h2 class="strydsc">An invented standfirst</h2>{body}'
            f'<div class="recommendsection"><p>More invented stories</p></div></div></body></html>').encode("utf-8")

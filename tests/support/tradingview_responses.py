"""Real tradingview items (../shared/corpus/seed-json/tradingview) as the site serves them.

Each item becomes an entry of the news-flow answer (`items[]`: `id`, `title`, `published` in
unix seconds, `source` = the provider, `storyPath` = the link's path) and a story page with
the item's body container (`<div class="body-XXXXXXXX …">`, hashed class names) inside
`<article>`, beside the page's title, time and a related-stories rail. The old crawler took
`published` as it was (its `pub_date` is that moment in Beijing time), so the answer carries
the item's `pub_date` back as unix seconds. It removed the ticker chips (`<a href="/symbols/…">`)
from the body: every third page gets an invented chip back, which the crawler must remove.
"""

from __future__ import annotations

import datetime as dt
import html
import json

SITE = "https://www.tradingview.com"
API = "https://news-mediator.tradingview.com/news-flow/v1/news?filter=lang:en&streaming=true"
BEIJING = dt.timezone(dt.timedelta(hours=8))
CHIP = '<a href="/symbols/NASDAQ-INVNT/" class="chip-Zq3x9AbC">INVNT</a>'


def published(item: dict) -> int:
    naive = dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S")
    return int(naive.replace(tzinfo=BEIJING).timestamp())


def story_path(item: dict) -> str:
    assert item["link"].startswith(SITE + "/news/"), item["link"]
    return item["link"][len(SITE):]


def api_answer(items: list[dict]) -> bytes:
    entries = [{"id": i["id"], "title": i["title"], "published": published(i), "urgency": 2,
                "source": i["source"], "storyPath": story_path(i),
                "relatedSymbols": [{"symbol": "NASDAQ:INVNT"}]} for i in items]
    return json.dumps({"items": entries, "streaming": {"channel": "news-flow"}}, ensure_ascii=False).encode("utf-8")


def with_chip(body: str) -> str:
    at = body.find("</p>")
    return body[:at] + " " + CHIP + body[at:] if at >= 0 else body


def page(item: dict, index: int) -> bytes:
    body = item["description"]
    if index % 3 == 0:
        body = with_chip(body)
    when = dt.datetime.fromtimestamp(published(item), dt.timezone.utc)
    title = html.escape(item["title"], quote=True)
    text = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} — TradingView News</title>'
            f'<meta property="og:title" content="{title}"></head><body>'
            f'<div class="tv-header"><a href="/">TradingView</a><a href="/news/">News</a></div>'
            f'<div class="container-T9qVbCwe"><article class="article-X1M9Mm0a">'
            f'<header class="header-fxEA38GZ"><h1 class="title-KPJkIcCo">{title}</h1>'
            f'<span class="provider-TUPxzdRV">{html.escape(item["source"])}</span>'
            f'<time datetime="{when:%Y-%m-%dT%H:%M:%S.000Z}">{when:%b %d, %Y %H:%M} UTC</time></header>'
            f'{body}</article>'
            f'<div class="related-qHv7Pn2L"><h2>More news from {html.escape(item["source"])}</h2>'
            f'<a href="/news/invented:0-another-story/">An invented other story with a long enough headline</a></div>'
            f'</div></body></html>')
    return text.encode("utf-8")

"""Real benzinga items (../shared/corpus/seed-json/benzinga) as the news API and the pages serve them.

The old crawler's body is the API's `teaserText` (HTML-escaped plain text, often a single
space). Each item becomes an entry of the API's list (`storyId`, `title` and `teaserText` as
served, entities and all; `created` in UTC: the item's `pub_date` less the 8 hours the old
crawler added; `image` a URL) and an article page whose `#article-body > div:first-child`
holds the teaser's text as its paragraph, between invented blocks the crawler must remove
(a "See Also:" link block, an ad slot, a figure, a call to action) and a second child of
`#article-body` (the related-stories rail) it must not take.
"""

from __future__ import annotations

import datetime as dt
import json

API = "https://www.benzinga.com/api/news?limit=20"
AROUND = ('<div class="core-block"><p>See Also: <a href="https://www.benzinga.com/x/1">An invented other story</a></p></div>'
          '<div class="adthrive-content"><p>Invented advertisement</p></div>'
          '<figure><img src="https://cdn.benzinga.com/files/invented.jpg" alt=""><figcaption>Invented caption</figcaption></figure>'
          '<div class="call-to-action-container"><p>Invented: trade now</p></div>')


def created(item: dict) -> str:
    naive = dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S")
    return (naive - dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_answer(items: list[dict]) -> bytes:
    entries = [{"storyId": i["id"], "title": i["title"], "url": i["link"], "created": created(i),
                "image": i.get("image") or "", "teaserText": i["description"], "channels": [{"name": "News"}]}
               for i in items]
    return json.dumps(entries, ensure_ascii=False).encode("utf-8")


def page(item: dict) -> bytes:
    text = item["description"].strip()
    paragraph = f"<p>{text}</p>" if text else ""
    return (f'<!DOCTYPE html><html><head><title>{item["title"]} - Benzinga</title></head><body>'
            f'<nav class="header"><a href="/">Benzinga</a><a href="/recent">Recent</a></nav>'
            f'<main><h1 class="layout-title">{item["title"]}</h1><div class="article-date-wrap">'
            f'<span class="date">{created(item)}</span></div>'
            f'<div id="article-body"><div class="article-content-body-only">'
            f'<div class="core-block">{paragraph}</div>{AROUND}</div>'
            f'<div class="related-articles"><h2>Trending</h2><p>An invented trending headline that is long</p></div>'
            f'</div></main></body></html>').encode("utf-8")

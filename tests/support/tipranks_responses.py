"""Real tipranks items (../shared/corpus/seed-json/tipranks) as the feeds and the pages serve them.

Each item becomes an entry of the feed its file came from (`path`): list.json the header's
`posts[]` (links relative to https://tipranks.com), announcements.json the announcements'
`data[]`, the others (category, topic and author feeds) a news feed's `data[]`; fields `_id`,
`title`, `link`, `date` (UTC with `Z`: the item's `pub_date` less the 8 hours the old crawler
added), `image.src`, `author.name`. Its page is the app's shell (a loading placeholder, a script
calling document.querySelectorAll) with the post in `window.__STATE__=JSON.parse("…")`: the state
as a JSON string (`<` written `\\u003C`, as pages do inside a script), the post's `content` (the
item's body, whole document and trending list as the old crawler found them) followed by its
`date`, beside other objects of the state (the user, a trending list without content).
"""

from __future__ import annotations

import datetime as dt
import json

HEADER = "https://tr-cdn.tipranks.com/bff/prod/header/payload.json"
ANNOUNCEMENTS = "https://www.tipranks.com/api/news/posts?per_page=20&category=company-announcements"
NEWS = "https://www.tipranks.com/api/news/posts?per_page=20&category=article"
FEEDS = (HEADER, ANNOUNCEMENTS, NEWS)  # by discovery block


def block(item: dict) -> int:
    name = item["path"].rsplit("/", 1)[-1]
    return {"list.json": 0, "announcements.json": 1}.get(name, 2)


def date(item: dict) -> str:
    naive = dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S")
    return (naive - dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def post(item: dict) -> dict:
    link = item["link"]
    if block(item) == 0:
        assert link.startswith("https://tipranks.com/"), link
        link = link[len("https://tipranks.com"):]
    return {"_id": item["id"], "title": item["title"], "link": link, "date": date(item),
            "image": {"src": item["image"]} if item.get("image") else None,
            "author": {"name": item.get("author") or ""}, "categories": [{"name": "Invented"}]}


def feed_answer(items: list[dict], kind: int) -> bytes:
    posts = [post(i) for i in items]
    answer = {"posts": posts, "menu": []} if kind == 0 else {"data": posts, "total": len(posts)}
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


def page(item: dict) -> bytes:
    state = {"user": {"plan": "free", "content": None},
             "trending": [{"_id": 1, "title": "An invented trending post", "date": date(item)}],
             "news": {"post": {"_id": item["id"], "title": item["title"], "author": {"name": item.get("author") or ""},
                               "content": item["description"], "date": date(item), "link": item["link"]}}}
    literal = json.dumps(json.dumps(state, ensure_ascii=False), ensure_ascii=False).replace("<", "\\u003C")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Loading | TipRanks.com</title></head>'
            '<body><div id="app"><div class="loader">Loading invented app…</div></div>'
            '<script>document.querySelectorAll("link[data-preload]").forEach(function (l) { l.rel = "stylesheet"; });'
            f'</script><script>window.__STATE__=JSON.parse({literal});</script></body></html>').encode("utf-8")

"""Real investing items (../shared/corpus/seed-json/investing) as the news API serves them.

One answer per edition (`items[]`): `id`, `href` (the link less its edition's host), `headline`,
`body` (the story's text: the item's body less the `<div>` the old crawler wrapped it in, its
`<br>` turned back into the line breaks it stood for), `updated_date` (the item's pub_date,
Beijing time, written in UTC with a Z, as the API does), and an invented `provider_name`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlsplit

from tests.support.page_responses import published, response

API = "https://api.investing.com/api/news/homepage/21/5?is-ad-free-user=false&is-pro-user=false&max-pro-news-updated-hours=12"
HOSTS = {"en": "https://www.investing.com", "zh-CN": "https://cn.investing.com"}
_WRAPPED = re.compile(r"\A<div>(.*)</div>\Z", re.S)


def of(items: list[dict], language: str) -> list[dict]:
    return [i for i in items if i["language"] == language]


def href(item: dict) -> str:
    parts = urlsplit(item["link"])
    assert item["link"].startswith(HOSTS[item["language"]] + "/")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def text(item: dict) -> str:
    return _WRAPPED.match(item["description"]).group(1).replace("<br>", "\n")


def story(item: dict) -> dict:
    updated = published(item).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": item["id"], "headline": item["title"], "href": href(item), "body": text(item),
            "updated_date": updated, "provider_name": "Invented Provider", "is_pro": False}


def answer(items: list[dict]):
    body = json.dumps({"items": [story(i) for i in items]}, ensure_ascii=False).encode("utf-8")
    return response(API, body, "application/json")

"""Real digitalcommerce360 items (../shared/corpus/seed-json/digitalcommerce360) as the site's
Algolia search answers them: `results[0].hits[]`, one hit per item (`post_id`, `post_title`,
`permalink`, `subhead` = the item's body, a one-paragraph teaser, `post_date` in unix seconds)
with invented facet values. The items' `pub_date` is the old crawler's local time of
`post_date` on a UTC runner: the hit's `post_date` is that wall time read as UTC, and the file
must say it in Beijing time (8 hours later).
"""

from __future__ import annotations

import datetime as dt
import json

from tests.support.page_responses import response

SEARCH = "https://rsx8q1fola-dsn.algolia.net/1/indexes/*/queries?x-algolia-application-id=RSX8Q1FOLA"


def post_date(item: dict) -> int:
    return int(dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc).timestamp())


def beijing(item: dict) -> str:
    when = dt.datetime.fromtimestamp(post_date(item), dt.timezone(dt.timedelta(hours=8)))
    return when.strftime("%Y-%m-%d %H:%M:%S")


def hit(item: dict) -> dict:
    return {"post_id": item["id"], "post_type": "post", "post_title": item["title"], "permalink": item["link"],
            "subhead": item["description"], "post_date": post_date(item), "post_date_formatted": "invented",
            "taxonomies": {"genre": ["News"], "vertical": ["Invented vertical"]}, "objectID": f"{item['id']}-0"}


def search_answer(items: list[dict]) -> bytes:
    result = {"hits": [hit(i) for i in items], "nbHits": len(items), "page": 0, "nbPages": 1, "hitsPerPage": 20,
              "facets": {"genre": {"News": len(items)}}, "index": "wp_searchable_posts_genre"}
    return json.dumps({"results": [result]}, ensure_ascii=False).encode("utf-8")


def search_response(items: list[dict]):
    return response(SEARCH, search_answer(items), "application/json; charset=UTF-8")

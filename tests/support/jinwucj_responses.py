"""Real jinwucj items (../shared/corpus/seed-json/jinwucj) as the list answers jinwucj serves.

Each item becomes one entry of the list it came from (`path` list.json -> the "ipo" list with
`updatedTime`, list_hk.json -> the "hk" list with `pubDate`), in the documented shape
`{"code": 200, "body": {"list": [{"id", "title", "<time field>", "content"}]}}`. The items'
`pub_date` was copied from these API fields verbatim, so it is the time the answer carries.
"""

from __future__ import annotations

import json


def list_name(item: dict) -> str:
    return "hk" if item["path"].endswith("list_hk.json") else "ipo"


def list_entry(item: dict) -> dict:
    time_field = "pubDate" if list_name(item) == "hk" else "updatedTime"
    return {"id": item["id"], "title": item["title"], time_field: item["pub_date"], "content": item["description"]}


def list_answer(items: list[dict]) -> bytes:
    return json.dumps({"code": 200, "msg": "success", "body": {"total": len(items), "list": [list_entry(i) for i in items]}},
                      ensure_ascii=False).encode("utf-8")

"""Real wallstreetcn items (../shared/corpus/seed-json/wallstreetcn) as the API answers.

Each item becomes a flow entry (`data.items[]`: resource_type "article" for /articles/ links
(also /member/ and /premium/ ones), "chart" for /charts/ links) and its detail answer
(`data.content` = the item's body). The old crawler appended a chart's first image to the
body as `<p><img src='…' /></p>` (or `src='None'` when there was none); the helper moves it
back into `images[]`, where the API has it. The items' `pub_date` is crawl time (old crawler):
it is put into `display_time` (unix seconds) so that the test checks the spider reads it.
"""

from __future__ import annotations

import datetime as dt
import json
import re

BEIJING = dt.timezone(dt.timedelta(hours=8))
_APPENDED_IMG = re.compile(r"""\s*<p><img src='([^']*)' /></p>\s*$""")


def kind(item: dict) -> str:
    return "chart" if "/charts/" in item["link"] else "article"


def display_time(item: dict) -> int:
    naive = dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S")
    return int(naive.replace(tzinfo=BEIJING).timestamp())


def split_chart_body(item: dict) -> tuple[str, list]:
    body = item["description"]
    m = _APPENDED_IMG.search(body)
    if kind(item) != "chart" or not m:
        return body, []
    images = [{"uri": m.group(1)}] if m.group(1) != "None" else []
    return body[: m.start()], images


def resource(item: dict) -> dict:
    res = {"id": item["id"], "title": item["title"], "uri": item["link"], "display_time": display_time(item),
           "is_need_pay": False, "content_short": ""}
    if kind(item) == "chart":
        _, images = split_chart_body(item)
        res["images"] = images
    else:
        res["image"] = {"uri": item["image"]} if item.get("image") else None
        res["author"] = {"display_name": item.get("author") or ""}
    return res


def flow_answer(items: list[dict]) -> bytes:
    data = {"items": [{"resource_type": kind(i), "resource": resource(i)} for i in items], "next_cursor": ""}
    return json.dumps({"code": 20000, "message": "OK", "data": data}, ensure_ascii=False).encode("utf-8")


def detail_answer(item: dict) -> bytes:
    data = resource(item)
    content, images = split_chart_body(item)
    data["content"] = content
    if kind(item) == "chart":
        data["images"] = images
    return json.dumps({"code": 20000, "message": "OK", "data": data}, ensure_ascii=False).encode("utf-8")

"""Real jin10 items (../shared/corpus/seed-json/jin10) as the reference API and the article
pages serve them.

The API answer (`data.list[]`) holds one free original news entry per item (`id`, `title`,
`display_datetime` = the item's pub_date, Beijing time, `web_thumbs` = its image) and, when
asked, entries the site file must skip (a VIP one, a video, a reprint). Each article page
(skeleton written here) holds the item's real body `<div>` inside `.setWebViewConentHeight`,
with an invented `<ad>` slot after its first paragraph.
"""

from __future__ import annotations

import json

from tests.support.page_responses import esc, inject_after_first_paragraph, response

API = "https://reference-api.jin10.com/reference?page_size=10&nav_bar_id=28"
AD = '<ad><a href="https://invented.example/promo">Invented advert: open an account today</a></ad>'
SKIPPED = [
    {"id": 9001, "title": "Invented VIP piece", "type": "news", "vip": 1, "original_article": 1},
    {"id": 9002, "title": "Invented video", "type": "video", "vip": 0, "original_article": 1},
    {"id": 9003, "title": "Invented reprint", "type": "news", "vip": 0, "original_article": 0},
]


def entry(item: dict) -> dict:
    return {"id": item["id"], "title": item["title"], "type": "news", "vip": 0, "original_article": 1,
            "display_datetime": item["pub_date"], "web_thumbs": [item["image"]] if item.get("image") else [],
            "introduction": "Invented introduction."}


def list_answer(items: list[dict], skipped: list[dict] = ()) -> bytes:
    answer = {"status": 200, "message": "OK", "data": {"list": [*skipped, *map(entry, items)], "has_more": True}}
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


def list_response(items: list[dict], skipped: list[dict] = ()):
    return response(API, list_answer(items, skipped), "application/json; charset=utf-8")


def page_html(item: dict) -> str:
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])}_金十数据</title></head><body><div id="app">'
            '<header class="jin-header"><a href="/">Invented site header</a></header>'
            f'<div class="detail-main"><h1 class="detail-title">{esc(item["title"])}</h1>'
            '<div class="detail-info"><span>Invented byline</span></div>'
            f'<div class="detail-content setWebViewConentHeight">{inject_after_first_paragraph(item["description"], AD)}'
            '</div></div><footer class="jin-footer">Invented footer</footer></div></body></html>')


def page_response(item: dict):
    return response(item["link"], page_html(item).encode("utf-8"))

"""Real coinlive articles (../shared/corpus/seed-json/coinlive, kind 1) as the news list API
and the article pages serve them.

The API answer (`data.list[]`) holds one entry per item: `id`, `title`, `tid` (the link's
slug), `cover_img` (the item's image), `published_at` (unix seconds of the item's pub_date,
Beijing time). Each article page (skeleton written here) holds the item's real
`share__` body inside a `detail_html__…` block, with an invented `ad_wrap__…` slot after its
first paragraph and an invented `share_container__…` bar at its end.
"""

from __future__ import annotations

import json

from tests.support.page_responses import esc, inject_after_first_paragraph, published, response

API = "https://api.coinlive.com/api/v1/news/list"
AD = '<div class="ad_wrap__k3Jd9"><a href="https://invented.example/ad"><p>Invented advert: trade now</p></a></div>'
SHARE = '<div class="share_container__Xy12z"><span>Share to</span><a href="https://invented.example/x">X</a></div>'


def articles(items: list[dict]) -> list[dict]:
    return [i for i in items if i["kind"] == 1]


def tid(item: dict) -> str:
    return item["link"].rsplit("/", 1)[1]


def entry(item: dict) -> dict:
    return {"id": item["id"], "title": item["title"], "tid": tid(item), "cover_img": item.get("image") or "",
            "published_at": int(published(item).timestamp()), "source": "Invented wire", "is_top": 0}


def list_answer(items: list[dict]) -> bytes:
    answer = {"code": 0, "msg": "success", "data": {"list": [entry(i) for i in items], "total": len(items)}}
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


def list_response(items: list[dict]):
    return response(API, list_answer(items), "application/json")


def page_html(item: dict) -> str:
    body = inject_after_first_paragraph(item["description"], AD)
    at = body.rfind("</div>")
    body = body[:at] + SHARE + body[at:]
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])} | Coinlive</title></head><body><div id="__next">'
            '<header class="header_wrap__a1B2c"><a href="/">Invented site header</a></header>'
            f'<main><h1 class="detail_title__d3E4f">{esc(item["title"])}</h1>'
            f'<div class="detail_html__Zz9Yy">{body}</div>'
            '<aside class="related_wrap__g5H6i"><h2>Invented related news</h2></aside></main></div>'
            '<script id="__NEXT_DATA__" type="application/json">{"props": {}}</script></body></html>')


def page_response(item: dict):
    return response(item["link"], page_html(item).encode("utf-8"))

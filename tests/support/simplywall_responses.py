"""Real simplywall items (../shared/corpus/seed-json/simplywall) as the news list and the
article pages serve them.

The list holds one `<article>` per item in `div[data-cy-id="list-article"]` (the current
layout, relative href; the archive era's `<div><article>` with an absolute href for every
other item). Each article page (skeleton written here) holds the item's real
`div[data-cy-id="article-content"]`, with an invented `article-body-ad` slot after its first
paragraph and, where the item has none (the archive era's crawler cut it), an invented closing
sign-up box; its time (the item's pub_date, Beijing) is `article:published_time` or JSON-LD
`datePublished` in turn, its cover the item's image as `og:image`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support.page_responses import esc, head_time, inject_after_first_paragraph, response

AD = ('<div class="relative grid" data-cy-id="article-body-ad"><div class="text-tiny">Advertisement</div>'
      '<div class="relative h-80"><div id="news_incontent_9"></div></div></div>')
SIGN_UP = ('<div class="sc-80c0fb9d-0 hLZAWP"><h3>Invented: a sign-up box</h3><p>Invented offer text.</p>'
           '<a href="/dashboard">Try an invented thing for free</a></div>')
_BOX = 'class="sc-80c0fb9d-0'


def card(item: dict, index: int) -> str:
    link = item["link"]
    if index % 2:  # the archive era's layout, absolute links
        return (f'<div class="sc-old"><article><div><a href="{esc(link)}"><img src="{esc(item.get("image") or "")}"></a>'
                f'</div><div><a href="{esc(link)}"><h2>{esc(item["title"])}</h2></a></div></article></div>')
    path = urlsplit(link).path
    return (f'<article><div><a href="{esc(path)}"><img src="{esc(item.get("image") or "")}"></a></div>'
            f'<div><a href="{esc(path)}"><h2>{esc(item["title"])}</h2></a><p>Invented teaser.</p></div></article>')


def list_response(items: list[dict]):
    cards = "".join(card(i, n) for n, i in enumerate(items))
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Stock Market News | Simply Wall St</title>'
            '</head><body><nav><a href="/markets">Markets</a></nav><main><h1>Invented news list</h1>'
            f'<div data-cy-id="list-article">{cards}</div></main></body></html>')
    return response("https://simplywall.st/news", html.encode("utf-8"))


def content(item: dict) -> str:
    body = inject_after_first_paragraph(item["description"], AD)
    if _BOX not in body:
        at = body.rfind("</div>")
        body = body[:at] + SIGN_UP + body[at:]
    return body


def page_response(item: dict, index: int):
    cover = f'<meta property="og:image" content="{esc(item["image"])}">' if item.get("image") else ""
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])} - Simply Wall St News</title>{cover}'
            f'{head_time(item, "meta" if index % 2 else "jsonld")}</head><body><div id="__next">'
            '<header><a href="/">Invented site header</a></header><main><article>'
            f'<h1>{esc(item["title"])}</h1><div class="byline">Invented author</div>{content(item)}</article>'
            '<aside><h2>Invented related stories</h2></aside></main></div></body></html>')
    return response(item["link"], html.encode("utf-8"))

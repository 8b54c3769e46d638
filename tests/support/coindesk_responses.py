"""Real coindesk items (../shared/corpus/seed-json/coindesk) as the list pages and the article
pages serve them.

A list page (the markets one here; business has the same grid) holds a `.grid` of cards, each
`.flex` with two anchors to the article (relative href): the picture's, without text, then the
headline's. An article page has the headline in `<h1>` and the item's real first
`.document-body` (the key points), an invented `.article-ad` slot (`AD`) inside it, and a
second invented `.document-body` after it. The time (the item's `pub_date`, Beijing) is given
in UTC as article:published_time or JSON-LD datePublished, one form per item in turn.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from tests.support.page_responses import esc, head_time, inject_after_first_paragraph, response

LIST = "https://www.coindesk.com/markets"
AD = '<div class="article-ad"><p>Invented advertisement slot</p></div>'


def time_form(index: int) -> str:
    return ("meta", "jsonld")[index % 2]


def list_html(items: list[dict]) -> str:
    cards = "".join(
        f'<div class="flex flex-col gap-2"><a href="{esc(urlsplit(i["link"]).path)}"><img src="/x.jpg" alt=""></a>'
        f'<a href="{esc(urlsplit(i["link"]).path)}"><h2 class="font-headline-xs">{esc(i["title"])}</h2></a></div>'
        for i in items)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Markets | CoinDesk</title></head><body>'
            '<nav><div class="flex"><a href="/markets">Markets</a><a href="/business">Business</a></div></nav>'
            f'<main><div class="grid grid-cols-4">{cards}</div></main></body></html>')


def list_response(items: list[dict], url: str = LIST):
    return response(url, list_html(items).encode("utf-8"))


def page_html(item: dict, index: int) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])}</title>{head_time(item, time_form(index), dt.timezone.utc)}</head><body>'
            '<header><a href="/">CoinDesk</a></header><main><article>'
            f'<div class="flex"><h1 class="font-headline-lg">{esc(item["title"])}</h1></div>'
            '<div class="flex gap-2 font-metadata"><span>Invented Author</span><span>Invented date line</span></div>'
            f'{inject_after_first_paragraph(item["description"], AD)}'
            '<div class="document-body font-body-lg"><p>Invented further paragraph, not read.</p></div>'
            '</article><aside><h3>More For You</h3><a href="/markets/2030/01/01/x">Invented story</a></aside></main>'
            '</body></html>')


def page_response(item: dict, index: int):
    return response(item["link"], page_html(item, index).encode("utf-8"))

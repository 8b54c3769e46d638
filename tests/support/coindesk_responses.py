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

from tests.support.page_responses import (cards, esc, head_time, html_doc, html_responses, inject_after_first_paragraph,
                                          meta_or_jsonld)

LIST = "https://www.coindesk.com/markets"
AD = '<div class="article-ad"><p>Invented advertisement slot</p></div>'
time_form = meta_or_jsonld


def list_html(items: list[dict]) -> str:
    grid = cards('<div class="flex flex-col gap-2"><a href="{href}"><img src="/x.jpg" alt=""></a>'
                 '<a href="{href}"><h2 class="font-headline-xs">{title}</h2></a></div>', items)
    return html_doc("en", "Markets | CoinDesk", '<nav><div class="flex"><a href="/markets">Markets</a>'
                    f'<a href="/business">Business</a></div></nav><main><div class="grid grid-cols-4">{grid}</div></main>')


def page_html(item: dict, index: int) -> str:
    return html_doc("en", esc(item["title"]), head=head_time(item, time_form(index), dt.timezone.utc), body=(
        '<header><a href="/">CoinDesk</a></header><main><article>'
        f'<div class="flex"><h1 class="font-headline-lg">{esc(item["title"])}</h1></div>'
        '<div class="flex gap-2 font-metadata"><span>Invented Author</span><span>Invented date line</span></div>'
        f'{inject_after_first_paragraph(item["description"], AD)}'
        '<div class="document-body font-body-lg"><p>Invented further paragraph, not read.</p></div>'
        '</article><aside><h3>More For You</h3><a href="/markets/2030/01/01/x">Invented story</a></aside></main>'))


list_response, page_response = html_responses(LIST, list_html, page_html)

"""Real morningstar items (../shared/corpus/seed-json/morningstar) as the news list and the
article pages serve them.

The list page holds one `.mdc-feed__mdc > a` card per item (href relative to the site, title in
`header > h2`); each article page (skeleton written here) holds the item's real
`.mdc-article-body` with an invented `.article-ad` slot inserted after its first paragraph.
The time (the item's `pub_date`, Beijing) is written in UTC, as `article:published_time`,
JSON-LD `datePublished` or a visible `<time datetime>` (one form per item, in turn).
"""

from __future__ import annotations

import datetime as dt

from tests.support.page_responses import (cards, esc, head_time, html_doc, html_responses, inject_after_first_paragraph,
                                          time_form, visible_time)

LIST = "https://www.morningstar.com/news"
UTC = dt.timezone.utc
AD = '<div class="article-ad"><p>Advertisement: invented sponsor text</p></div>'


def list_html(items: list[dict]) -> str:
    feed = cards('<a class="mdc-feed-card" href="{href}"><header><span class="mdc-kicker">News</span>'
                 '<h2 class="mdc-heading">{title}</h2></header><p class="mdc-teaser">Invented teaser.</p></a>', items)
    return html_doc("en", "News | Morningstar", '<nav class="mdc-nav"><a href="/markets">Markets</a>'
                    '<a href="/funds">Funds</a></nav><main><section class="mdc-feed">'
                    f'<div class="mdc-feed__mdc">{feed}</div></section></main>')


def page_html(item: dict, index: int) -> str:
    form = time_form(index)
    return html_doc(
        "en", f'{esc(item["title"])} | Morningstar',
        head=f'<link rel="canonical" href="{esc(item["link"])}">{head_time(item, form, UTC)}', body=(
            '<div id="__nuxt"><header class="mdc-site-header"><a href="/">Invented site header</a></header><main>'
            f'<article class="mdc-article"><header><h1 class="mdc-heading">{esc(item["title"])}</h1>'
            f'<div class="mdc-byline">Invented byline {visible_time(item, form, UTC, "mdc-date")}</div></header>'
            f'<div class="mdc-article__content">{inject_after_first_paragraph(item["description"], AD)}</div></article>'
            '<aside class="mdc-related"><h2>Invented related stories</h2></aside></main></div>'
            '<script>window.__NUXT__ = {"state": "invented"};</script>'))


list_response, page_response = html_responses(LIST, list_html, page_html)

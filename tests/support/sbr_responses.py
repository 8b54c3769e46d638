"""Real sbr items (../shared/corpus/seed-json/sbr) as the news list and the article pages serve
them.

The list page holds one `.with-border-bottom > .item__title` per item with the article's
absolute anchor. An article page is an `<article>` with the `h1.nf__title` heading and the
item's real `div.nf__description`, an invented `.block-newsletter` sign-up box (`AD`) inserted
after its first paragraph. The time (the item's `pub_date`, Beijing time, which is Singapore
time) is the JSON-LD `@graph`'s datePublished with its +08:00 offset, as public scrapers of the
site read it; every third page gives article:published_time in UTC instead.
"""

from __future__ import annotations

import datetime as dt
import json

from tests.support.page_responses import cards, esc, html_doc, html_responses, inject_after_first_paragraph, iso

LIST = "https://sbr.com.sg/news"
AD = ('<div class="block-newsletter"><h3>Get the latest news</h3><p>Invented newsletter sign-up text.</p>'
      '<form><input type="email" placeholder="Email"><button>Subscribe</button></form></div>')


def list_html(items: list[dict]) -> str:
    rows = cards('<div class="item with-border-bottom"><div class="item__category"><a href="https://sbr.com.sg/news">News'
                 '</a></div><h3 class="item__title"><a href="{link}">{title}</a></h3>'
                 '<div class="item__snippet">Invented snippet.</div></div>', items)
    return html_doc("en", "News | Singapore Business Review", '<nav class="main-nav"><a href="/">Home</a>'
                    f'<a href="/news">News</a></nav><main><div class="news-list">{rows}</div>'
                    '<ul class="pager"><li><a href="/news?page=1">Next</a></li></ul></main>')


def time_form(index: int) -> str:
    return "meta" if index % 3 == 2 else "jsonld"


def head_time(item: dict, index: int) -> str:
    if time_form(index) == "meta":
        return f'<meta property="article:published_time" content="{iso(item, dt.timezone.utc)}">'
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": item["title"], "datePublished": iso(item), "dateModified": iso(item),
         "mainEntityOfPage": item["link"]},
        {"@type": "Organization", "name": "Singapore Business Review"}]}
    return f'<script type="application/ld+json">{json.dumps(graph, ensure_ascii=False)}</script>'


def page_html(item: dict, index: int) -> str:
    return html_doc("en", f'{esc(item["title"])} | Singapore Business Review', head=head_time(item, index), body=(
        '<header class="site-header"><a href="/">Singapore Business Review</a></header><main>'
        f'<article class="nf"><h1 class="nf__title">{esc(item["title"])}</h1>'
        '<div class="nf__meta"><span class="nf__author">Invented Staff Reporter</span></div>'
        f'{inject_after_first_paragraph(item["description"], AD)}'
        '<div class="nf__tags"><a href="/tags/x">Invented tag</a></div></article>'
        '<aside class="sidebar"><h3>Most read</h3><a href="/news/1">Invented other story</a></aside>'
        '</main><footer>Invented footer</footer>'))


list_response, page_response = html_responses(LIST, list_html, page_html)

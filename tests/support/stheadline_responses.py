"""Real stheadline items (../shared/corpus/seed-json/stheadline) as the list and article pages
of the site serve them, in the layout of the item's era.

- www.stheadline.com items (current): a list of `div.news-detail` (relative href, `.title`)
  and an article page whose body is the item's real `div.content-body`;
- std.stheadline.com items (archive era): a list of `.latest-updates .media-body` (`a.title`,
  absolute href) and an article page whose body is the item's real `.paragraphs`.

An invented `.ad` slot is inserted after the body's first paragraph. The time (the item's
`pub_date`; Hong Kong time is UTC+8) is written as `article:published_time`, JSON-LD
`datePublished` or a visible `<time datetime>` (one form per item, in turn).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support.page_responses import (cards, esc, head_time, html_doc, html_responses, inject_after_first_paragraph,
                                          time_form, visible_time)

LIST = "https://www.stheadline.com/finance/%E8%B2%A1%E7%B6%93"
AD = '<div class="ad"><div class="ad-slot">廣告：虛構的贊助內容</div></div>'


def current(item: dict) -> bool:
    return urlsplit(item["link"]).netloc == "www.stheadline.com"


def list_html(items: list[dict]) -> str:
    new = cards('<div class="news-block"><div class="news-detail"><a href="{href}"><span class="title">{title}</span></a>'
                '<div class="time">虛構時間</div></div></div>', [i for i in items if current(i)])
    old = cards('<div class="media"><div class="media-body"><a class="title" href="{link}">{title}</a>'
                '<span class="time">虛構</span></div></div>', [i for i in items if not current(i)])
    return html_doc("zh-HK", "財經 | 星島頭條", '<nav><a href="/">首頁</a><a href="/finance">財經</a></nav>'
                    f'<div class="news-list">{new}</div><div class="latest-updates">{old}</div>')


def page_html(item: dict, index: int) -> str:
    form = time_form(index)
    body = inject_after_first_paragraph(item["description"], AD)
    article = (f'<article class="article-content"><h1>{esc(item["title"])}</h1>'
               f'<div class="article-info">虛構作者 {visible_time(item, form)}</div>{body}'
               '<div class="article-tags">虛構標籤</div></article>')
    return html_doc(
        "zh-HK", f'{esc(item["title"])} | 星島頭條',
        head=f'<meta property="og:title" content="{esc(item["title"])}">{head_time(item, form)}', body=(
            '<header class="site-header">虛構網站頁首</header><div class="container"><div class="row">'
            f'<div class="col-main">{article}</div><div class="col-side"><h3>虛構熱門</h3></div></div></div>'
            '<script>window.dataLayer = [];</script>'))


list_response, page_response = html_responses(LIST, list_html, page_html)

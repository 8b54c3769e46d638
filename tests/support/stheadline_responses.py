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

from tests.support.page_responses import (esc, head_time, inject_after_first_paragraph, response,
                                          time_form, visible_time)

AD = '<div class="ad"><div class="ad-slot">廣告：虛構的贊助內容</div></div>'


def current(item: dict) -> bool:
    return urlsplit(item["link"]).netloc == "www.stheadline.com"


def href(item: dict) -> str:
    parts = urlsplit(item["link"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def list_html(items: list[dict]) -> str:
    new = "".join(
        f'<div class="news-block"><div class="news-detail"><a href="{esc(href(i))}">'
        f'<span class="title">{esc(i["title"])}</span></a><div class="time">虛構時間</div></div></div>'
        for i in items if current(i))
    old = "".join(
        f'<div class="media"><div class="media-body"><a class="title" href="{esc(i["link"])}">{esc(i["title"])}</a>'
        '<span class="time">虛構</span></div></div>'
        for i in items if not current(i))
    return ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8"><title>財經 | 星島頭條</title></head>'
            '<body><nav><a href="/">首頁</a><a href="/finance">財經</a></nav>'
            f'<div class="news-list">{new}</div><div class="latest-updates">{old}</div></body></html>')


def list_response(items: list[dict], url: str = "https://www.stheadline.com/finance/%E8%B2%A1%E7%B6%93"):
    return response(url, list_html(items).encode("utf-8"))


def page_html(item: dict, index: int) -> str:
    form = time_form(index)
    body = inject_after_first_paragraph(item["description"], AD)
    article = (f'<article class="article-content"><h1>{esc(item["title"])}</h1>'
               f'<div class="article-info">虛構作者 {visible_time(item, form)}</div>{body}'
               '<div class="article-tags">虛構標籤</div></article>')
    return (
        '<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8">'
        f'<title>{esc(item["title"])} | 星島頭條</title><meta property="og:title" content="{esc(item["title"])}">'
        f'{head_time(item, form)}</head><body><header class="site-header">虛構網站頁首</header>'
        f'<div class="container"><div class="row"><div class="col-main">{article}</div>'
        '<div class="col-side"><h3>虛構熱門</h3></div></div></div>'
        '<script>window.dataLayer = [];</script></body></html>'
    )


def page_response(item: dict, index: int):
    return response(item["link"], page_html(item, index).encode("utf-8"))

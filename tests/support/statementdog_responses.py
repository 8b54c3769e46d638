"""Real statementdog items (../shared/corpus/seed-json/statementdog) as the news list and the
article pages serve them.

The list page links each article twice (a desktop and a mobile card), each an
`a.statementdog-news-list-item-link` with the absolute href and the title in `data-title`. An
article page holds the item's real `<article class="main-news-content">` with, put back in
(invented text), what the old crawler removed from it: the `.main-news-title` heading, the
`.main-news-time` line, a `<picture>`, the `.main-news-tag-section` and `.main-news-editors`
boxes, and an ad slot (`AD`) after the first paragraph. The time (the item's `pub_date`,
Taiwan time = Beijing time) is the page's 發布時間 line, article:published_time or JSON-LD
datePublished, one form per item in turn.
"""

from __future__ import annotations

import re

from tests.support.page_responses import (esc, head_time, html_doc, html_responses, inject_after_first_paragraph,
                                          published, time_form)

LIST = "https://statementdog.com/news/latest"
AD = '<div class="main-news-tag-section"><p>廣告：虛構的贊助內容</p></div>'
_OPEN = re.compile(r"^\s*<article[^>]*>")


def list_html(items: list[dict]) -> str:
    def card(item, layout):
        return (f'<div class="statementdog-news-list-item {layout}"><a class="statementdog-news-list-item-link" '
                f'href="{esc(item["link"])}" data-title="{esc(item["title"])}"><div class="statementdog-news-list-item-title">'
                f'{esc(item["title"])}</div><div class="statementdog-news-list-item-date">虛構日期</div></a></div>')
    desktop = "".join(card(i, "desktop") for i in items)
    mobile = "".join(card(i, "mobile") for i in items)
    return html_doc("zh-TW", "最新新聞 | 財報狗", '<nav class="statementdog-nav"><a href="/news">新聞</a>'
                    f'<a href="/analysis">分析</a></nav><main><div class="news-list desktop">{desktop}</div>'
                    f'<div class="news-list mobile">{mobile}</div></main>')


def article_html(item: dict, index: int) -> str:
    """The item's `<article>` with the parts the old crawler removed put back."""
    body = item["description"]
    head = _OPEN.match(body)
    when = published(item)
    time_line = (f'<div class="main-news-time">發布時間：{when:%Y/%m/%d %H:%M:%S}</div>'
                 if time_form(index) == "visible" else "")
    inserted = (f'<h1 class="main-news-title">{esc(item["title"])}</h1>{time_line}'
                '<picture><source srcset="https://statementdog.com/example/cover.webp" type="image/webp">'
                '<img src="https://statementdog.com/example/cover.jpg" alt="虛構的封面圖說"></picture>')
    body = body[:head.end()] + inserted + inject_after_first_paragraph(body[head.end():], AD)
    at = body.rfind("</article>")
    return (body[:at] + '<div class="main-news-tag-section"><a href="/tags/1">虛構標籤</a></div>'
            '<div class="main-news-editors"><p>虛構的編輯：某某</p></div>' + body[at:])


def page_html(item: dict, index: int) -> str:
    return html_doc(
        "zh-TW", f'{esc(item["title"])} | 財報狗',
        head=f'<meta property="og:title" content="{esc(item["title"])} | 財報狗">{head_time(item, time_form(index))}', body=(
            '<header class="statementdog-header"><a href="/">財報狗</a><a href="/news">新聞</a></header>'
            f'<main class="main-news"><div class="main-news-container">{article_html(item, index)}</div>'
            '<aside class="main-news-aside"><h3>虛構的熱門新聞</h3><a href="/news/1">另一篇</a></aside></main>'
            '<footer>虛構的頁尾</footer><script>window.dataLayer = [];</script>'))


list_response, page_response = html_responses(LIST, list_html, page_html)

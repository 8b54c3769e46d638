"""Real pingwest items (../shared/corpus/seed-json/pingwest) as the two list APIs and the article
pages serve them.

An item's `source` says which list it came from: `pingwest` the news list (index_news_list),
`pingwest_status` the status list (state/list). Both answer `{"code": 200, "data": {"list":
"<html>", "last_id": …}}`. The news list's HTML has one `<article>` per item, the link
(protocol-relative) in `.title > a` and again in `.text > a` around the teaser; the status
list's has one `section.item` per item with the item's unix time in `data-t`, a picture link
and tag links before the title link `p.title a`. An article page holds the item's real
`<article class="… article-style">` with an invented `.ad` slot (`AD`) inside it. The time
(the item's `pub_date`, Beijing): a status item's is its `data-t` (its page gives none), a
news item's its page's article:published_time or JSON-LD datePublished, in turn.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from tests.support.page_responses import (esc, head_time, html_doc, inject_after_first_paragraph,
                                          meta_or_jsonld, page_responder, published, response)

NEWS = "https://www.pingwest.com/api/index_news_list?last_id="
STATUS = "https://www.pingwest.com/api/state/list?last_id="
AD = '<div class="ad"><a href="https://www.pingwest.com/ad"><img src="https://cdn.pingwest.com/ad.jpg">虚构的广告</a></div>'


def status(item: dict) -> bool:
    return item["source"] == "pingwest_status"


def relative(item: dict) -> str:
    parts = urlsplit(item["link"])
    return f"//{parts.netloc}{parts.path}"


def news_html(items: list[dict]) -> str:
    return "".join(
        f'<article class="item clearfix"><section class="news-img"><a href="{relative(i)}" target="_blank">'
        '<img src="https://cdn.pingwest.com/portal/x.jpg"></a></section><section class="news-info">'
        f'<p class="title"><a href="{relative(i)}" target="_blank">{esc(i["title"])}</a></p>'
        f'<p class="text"><a href="{relative(i)}" target="_blank">虚构的导语。</a></p>'
        '<p class="author"><a href="/user/1">虚构作者</a></p></section></article>' for i in items)


def status_html(items: list[dict]) -> str:
    return "".join(
        f'<section class="item clearfix" data-t="{int(published(i).timestamp())}"><section class="time">'
        f'<span>{published(i):%H:%M}</span></section><section class="news-info">'
        '<p class="item-tag-list"><a href="/tag/AI" class="item-tag">虚构标签</a></p>'
        f'<p class="title"><a href="{relative(i)}" target="_blank">{esc(i["title"])}</a></p>'
        '<p class="description">虚构的摘要。</p></section></section>' for i in items)


def list_answer(items: list[dict], of_status: bool) -> bytes:
    html = status_html(items) if of_status else news_html(items)
    return json.dumps({"code": 200, "message": "success", "data": {"list": html, "last_id": 300000}},
                      ensure_ascii=False).encode("utf-8")


def list_response(items: list[dict], of_status: bool):
    return response(STATUS if of_status else NEWS, list_answer(items, of_status), "application/json")


time_form = meta_or_jsonld


def page_html(item: dict, index: int) -> str:
    head = "" if status(item) else head_time(item, time_form(index))
    return html_doc("zh-CN", f'{esc(item["title"])}-品玩', head=head, body=(
        '<header class="header"><a href="/">品玩</a><a href="/status">实时要闻</a></header><section class="main">'
        f'<section class="article-box"><h1 class="title">{esc(item["title"])}</h1>'
        '<p class="author">虚构作者</p>'
        f'{inject_after_first_paragraph(item["description"], AD)}'
        '<section class="tag-box"><a href="/tag/AI">虚构标签</a></section></section>'
        '<aside class="aside"><h3>虚构的相关文章</h3><a href="//www.pingwest.com/a/1">另一篇</a></aside>'
        '</section><footer>虚构页脚</footer>'))


page_response = page_responder(page_html)

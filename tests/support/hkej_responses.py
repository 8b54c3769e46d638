"""Real hkej items (../shared/corpus/seed-json/hkej) as the two lists and the article pages
serve them.

Instant news items become `<h3><a>` (every other one `h4.hkej_hl-news_topic_2014 a`) of the
instant news list, relative links, among invented links to other pages; daily paper items
become `<option value='…'>` of the headline section's drop-down. Each page (skeleton written
here) holds the item's body as the old crawler sliced it out of the page: the instant news'
`<div id='article-content'>` (its slice ends with the div's closing tag) or the daily paper's
`<div id="article-detail-wrapper">`, followed by an invented non-subscriber advert; its time
(the item's pub_date, Beijing) is `article:published_time` or JSON-LD `datePublished` in turn.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support.page_responses import esc, head_time, response

INSTANT = "https://www2.hkej.com/instantnews"
DAILY = "https://www1.hkej.com/dailynews/headline"
NONSUBSCRIBER = '<div id="hkej_sub_ex_article_nonsubscriber_ad_2014"><p>Invented subscription offer</p></div>'


def daily(item: dict) -> bool:
    return "/dailynews/" in item["link"]


def path(item: dict) -> str:
    parts = urlsplit(item["link"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def instant_response(items: list[dict]):
    links = "".join(
        (f'<h4 class="hkej_hl-news_topic_2014"><a href="{esc(path(i))}">{esc(i["title"])}</a></h4>' if n % 2 else
         f'<div class="hkej_toc_listingAll_news2_2014"><h3><a href="{esc(path(i))}">{esc(i["title"])}</a></h3></div>')
        for n, i in enumerate(items))
    html = ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8"><title>即時新聞 - 信報網站</title></head><body>'
            '<h3><a href="/instantnews/index">Invented section link</a></h3>'
            f'<div id="hkej_toc_listingAll_2014">{links}</div><h3><a href="https://subscribe.hkej.com/">Subscribe</a></h3>'
            '</body></html>')
    return response(INSTANT, html.encode("utf-8"))


def daily_response(items: list[dict]):
    options = "".join(f"<option value='{esc(path(i))}'>{esc(i['title'])}</option>" for i in items)
    html = ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8"><title>信報 - 要聞</title></head><body>'
            f"<form><select name='article'><option value=''>請選擇文章</option>{options}</select></form>"
            '<div id="leftNews"><p>Invented teaser of the section</p></div></body></html>')
    return response(DAILY, html.encode("utf-8"))


def content(item: dict) -> str:
    if daily(item):
        return f'<div  id="article-detail-wrapper">{item["description"]}</div>'
    return f"<div id='article-content'>{item['description']}"  # its closing tag ends the slice


def page_response(item: dict, index: int):
    html = ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])} - 信報網站 hkej.com</title>'
            f'{head_time(item, "meta" if index % 2 else "jsonld")}</head><body>'
            '<div id="hkej_navi_wrapper_2014"><a href="/">Invented navigation</a></div><div id="mid_content">'
            f'<h1>{esc(item["title"])}</h1>{content(item)}{NONSUBSCRIBER}</div>'
            '<script>var isFullArticle=false;</script></body></html>')
    return response(item["link"], html.encode("utf-8"))

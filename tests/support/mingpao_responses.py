"""Real mingpao items (../shared/corpus/seed-json/mingpao) as the instant news list and the
finance pages serve them.

The list holds one `.contentwrapper` card per item (its `.title` label 經 濟 for /instantf/
links, 地 產 for /instantp/ ones; link and title in `figure a`'s href and title attribute) among
invented cards of other sections. Each page (skeleton written here) holds the item's real
`.article_content` with an invented `p[dir='ltr']` and a Facebook frame inside; its time (the
item's pub_date) is `article:published_time` or JSON-LD `datePublished` in turn.
"""

from __future__ import annotations

from tests.support.page_responses import esc, head_time, inject_after_first_paragraph, response

LIST = "https://news.mingpao.com/ins/%E5%8D%B3%E6%99%82%E6%96%B0%E8%81%9E/main"
EXTRA = ('<p dir="ltr">Invented social line</p>'
         '<iframe src="https://www.facebook.com/plugins/post.php?href=invented"></iframe>')
OTHER = ('<div class="contentwrapper"><div class="title">港 聞</div><figure><a href="/ins/港聞/article/1/x" '
         'title="Invented local story"><img src="x.jpg"></a></figure></div>')


def card(item: dict) -> str:
    label = "地 產" if "/instantp/" in item["link"] else "經 濟"
    return (f'<div class="contentwrapper"><div class="title">{label}</div><figure><a href="{esc(item["link"])}" '
            f'title="{esc(item["title"])}"><img src="https://fs.mingpao.com/invented.jpg"></a></figure>'
            f'<h1><a href="{esc(item["link"])}">{esc(item["title"])}</a></h1><p>Invented teaser</p></div>')


def list_response(items: list[dict]):
    cards = OTHER + "".join(card(i) for i in items) + OTHER
    html = ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8"><title>即時新聞 - 明報新聞網</title></head>'
            f'<body><div id="maincontent">{cards}</div></body></html>')
    return response(LIST, html.encode("utf-8"))


def page_response(item: dict, index: int):
    html = ('<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])} - 明報財經網</title>{head_time(item, "meta" if index % 2 else "jsonld")}'
            '</head><body><div id="topbar">Invented navigation</div><div id="blockcontent">'
            f'<hgroup><h1>{esc(item["title"])}</h1></hgroup>{inject_after_first_paragraph(item["description"], EXTRA)}'
            '</div><div id="footer">Invented footer</div></body></html>')
    return response(item["link"], html.encode("utf-8"))

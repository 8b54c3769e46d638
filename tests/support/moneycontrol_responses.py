"""Real moneycontrol items (../shared/corpus/seed-json/moneycontrol) as the markets list and the
article pages serve them.

The list holds one `#cagetory li h2 > a` per item (absolute href, the title as its text) and an
invented video story. Each article page (skeleton written here) holds the item's real
`.content_wrapper`, with an invented second `.content_wrapper` (a sidebar's) after it; its
time (the item's pub_date) is JSON-LD `datePublished` or `article:published_time` in India
time (+05:30), in turn.
"""

from __future__ import annotations

import datetime as dt

from tests.support.page_responses import esc, head_time, response

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
VIDEO = "https://www.moneycontrol.com/news/videos/markets/an-invented-video-12000001.html"


def list_response(items: list[dict]):
    rows = "".join(f'<li class="clearfix" id="newslist-{n}"><h2><a href="{esc(i["link"])}" title="{esc(i["title"])}">'
                   f'{esc(i["title"])}</a></h2><p>Invented teaser.</p></li>' for n, i in enumerate(items))
    rows += f'<li><h2><a href="{VIDEO}">An invented video</a></h2></li>'
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Markets News | Moneycontrol</title>'
            '</head><body><div class="header">Invented header</div>'
            f'<div class="fleft"><ul id="cagetory">{rows}</ul></div></body></html>')
    return response("https://www.moneycontrol.com/news/business/markets/", html.encode("utf-8"))


def page_response(item: dict, index: int):
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<title>{esc(item["title"])} | Moneycontrol</title>'
            f'{head_time(item, "meta" if index % 2 else "jsonld", IST)}</head><body>'
            '<div class="header">Invented header</div><div class="page_left_wrapper">'
            f'<h1 class="article_title artTitle">{esc(item["title"])}</h1>'
            '<div class="article_schedule"><span>Invented schedule line</span></div>'
            f'{item["description"]}</div>'
            '<div class="content_wrapper sidebar"><p>Invented sidebar text</p></div></body></html>')
    return response(item["link"], html.encode("utf-8"))

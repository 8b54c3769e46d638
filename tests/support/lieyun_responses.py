"""Real lieyun items (../shared/corpus/seed-json/lieyun) as the news-flash list serves them:
one `.news1-item` card per item, its time (the item's pub_date, Beijing, as the card writes it),
`.news1-title`, `.news1-content` holding the item's text (plain text, as the old crawler kept
it), and the share QR code whose image URL carries the link; plus, when asked, a card without
a QR code (a promotion) that the site file must leave out.
"""

from __future__ import annotations

from tests.support.page_responses import esc, response

LIST = "https://lieyunpro.com/news"
PROMOTION = ('<div class="news1-item"><div class="news1-title">Invented promotion</div>'
             '<div class="news1-content">Invented text of a card without a share code.</div>'
             '<img src="https://www.lieyunpro.com/static/invented-banner.png"></div>')


def card(item: dict) -> str:
    return ('<div class="news1-item"><div class="news1-left"><span class="news1-time">'
            f'{item["pub_date"]}</span></div><div class="news1-right"><div class="news1-title">{esc(item["title"])}</div>'
            f'<div class="news1-content">{esc(item["description"])}</div><div class="news1-share"><span>Invented share</span>'
            f'<img src="https://www.lieyunpro.com/site/qrcode?url={esc(item["link"])}"></div></div></div>')


def list_html(items: list[dict], promotion: bool = False) -> str:
    cards = (PROMOTION if promotion else "") + "".join(card(i) for i in items)
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>快讯 - 猎云网</title></head><body>'
            '<header class="header"><a href="/">猎云网</a></header>'
            f'<div class="news1-list">{cards}</div><footer>Invented footer</footer></body></html>')


def list_response(items: list[dict], promotion: bool = False):
    return response(LIST, list_html(items, promotion).encode("utf-8"))

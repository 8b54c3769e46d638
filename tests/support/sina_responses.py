"""Real sina items (../shared/corpus/seed-json/sina) as the roll feed and article pages serve them.

Each item becomes a roll-feed entry (`result.data[]`: `oid`, `url`, `title`, `intro` = the
item's summary, `author`, `media_name`, `ctime`/`intime` as unix-second strings, `img` empty:
the items have no cover) and a finance.sina.com.cn article page (skeleton written here, the
item's body = its real `.article` in it). The time (the item's `pub_date`) is given by the
feed's `ctime` (1 item in 3), only `intime` (1 in 3), or only the page's article:published_time
(1 in 3); every other page is encoded GB18030 and declared `gb2312` (header and meta), as
older sina pages are, the others UTF-8.
"""

from __future__ import annotations

import json

from tests.support.page_responses import esc, iso, published, response

FEED_TIME = ("ctime", "intime", "page")


def feed_time(index: int) -> str:
    return FEED_TIME[index % 3]


def gbk(index: int) -> bool:
    return index % 2 == 1


def feed_entry(item: dict, index: int) -> dict:
    seconds = str(int(published(item).timestamp()))
    form = feed_time(index)
    return {
        "docid": f"comos:{item['link'].rsplit('-i', 1)[-1].split('.')[0]}",
        "oid": item["id"], "url": item["link"], "wapurl": "", "title": item["title"],
        "intro": item.get("summary") or "", "author": item.get("author") or "", "media_name": "新浪财经",
        "ctime": seconds if form == "ctime" else "", "intime": seconds if form in ("ctime", "intime") else "",
        "mtime": "", "img": {"u": "", "w": 0, "h": 0}, "images": [],
    }


def feed_answer(items: list[dict], start: int = 0) -> bytes:
    data = [feed_entry(item, start + i) for i, item in enumerate(items)]
    answer = {"result": {"status": {"code": 0, "msg": "succ"}, "timestamp": "Tue Feb 04 08:00:00 +0800 2025",
                         "total": len(data), "lid": "2518", "data": data}}
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


def page_html(item: dict, index: int) -> str:
    charset = "gb2312" if gbk(index) else "utf-8"
    shown = published(item)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}">'
        f'<title>{esc(item["title"])}_新浪财经_新浪网</title>'
        f'<meta property="og:type" content="news"><meta property="og:title" content="{esc(item["title"])}">'
        f'<meta property="og:url" content="{esc(item["link"])}">'
        f'<meta property="article:published_time" content="{iso(item)}">'
        '<script>window.__pageConfig = {"channel": "测试频道"};</script></head>\n<body>'
        '<div class="top-nav">测试导航 首页 美股</div>'
        f'<div class="main-content"><h1 class="main-title">{esc(item["title"])}</h1>'
        f'<div class="top-bar-wrap"><div class="date-source"><span class="date">{shown:%Y年%m月%d日 %H:%M}</span>'
        '<span class="source">测试来源</span></div></div>'
        '<div class="article-content clearfix"><div class="article-content-left">'
        f'{item["description"]}\n'
        '</div></div>'
        '<div class="article-bottom"><p>测试页脚：相关阅读不属于正文。</p></div></div>'
        '<script>var trace = "not the article";</script></body></html>'
    )


def page_response(item: dict, index: int):
    text = page_html(item, index)
    if gbk(index):
        return response(item["link"], text.encode("gb18030"), "text/html; charset=GB2312")
    return response(item["link"], text.encode("utf-8"), "text/html; charset=utf-8")

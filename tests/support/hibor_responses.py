"""Real hibor items (../shared/corpus/seed-json/hibor) as the elite list, the report pages and
the NewContent answers serve them.

The list is a table of `.trContent` rows: a number, the report's anchor (relative href; its
`title` attribute "<broker>-<title>-<yymmdd>", its text a shortened title), type, broker,
pages, and the date column (the item's `pub_date`, which the old crawler copied verbatim). A
report page holds only the script naming the abstract's key (`var ncid = '…'`); the POST of
that key answers the item's `.abstruct-info` without the "来源: <broker>" line the old crawler
appended (the broker comes from the list), with an invented `.related_stories_left_block`
(`AD`) after its first paragraph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from tests.support.page_responses import esc, inject_after_first_paragraph, response

LIST = "https://www.hibor.com.cn/elitelist.html"
CONTENT = "https://www.hibor.com.cn/hiborweb/DocDetail/NewContent?ncid={ncid}"
AD = ('<div class="related_stories_left_block"><p>虚构的相关报告推荐</p>'
      '<a href="https://www.hibor.com.cn/data/x.html">虚构的另一篇报告</a></div>')
_BROKER_LINE = re.compile(r"\s*<p>来源: ([^<]*)</p>(\s*</div>\s*)$")


def broker(item: dict) -> str:
    return _BROKER_LINE.search(item["description"]).group(1)


def abstract(item: dict) -> str:
    """The item's body as NewContent serves it: without the appended broker line."""
    return _BROKER_LINE.sub(r"\2", item["description"])


def ncid(item: dict) -> str:
    h = hashlib.md5(item["link"].encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def row(item: dict, number: int) -> str:
    day = dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S")
    title = f"{broker(item)}-{item['title']}-{day:%y%m%d}"
    return (f'<tr class="trContent"><td>{number}</td><td><a href="{esc(item["link"].replace("https://www.hibor.com.cn", ""))}" '
            f'title="{esc(title)}" target="_blank">{esc(item["title"][:20])}…</a></td><td>行业分析</td>'
            f'<td>{esc(broker(item))}</td><td>12</td><td>{item["pub_date"]}</td></tr>')


def list_html(items: list[dict]) -> str:
    rows = "".join(row(i, n) for n, i in enumerate(items, 1))
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>精选报告-慧博投研资讯</title></head><body>'
            '<div class="top"><a href="/">慧博投研资讯</a><a href="/login.html">登录</a></div>'
            '<table class="tab_lt"><tr class="trTitle"><td>序号</td><td>标题</td><td>类型</td><td>机构</td><td>页数</td>'
            f'<td>日期</td></tr>{rows}</table></body></html>')


def list_response(items: list[dict]):
    return response(LIST, list_html(items).encode("utf-8"))


def page_response(item: dict):
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>虚构的报告页</title></head><body>'
            '<div class="detail-head"><h1>虚构的报告页标题</h1></div><div id="abstract">加载中…</div>'
            f"<script type=\"text/javascript\">var docid = '1'; var ncid = '{ncid(item)}';</script>"
            '<script src="/js/detail.js"></script></body></html>')
    return response(item["link"], page.encode("utf-8"))


def content_response(item: dict):
    return response(CONTENT.format(ncid=ncid(item)), inject_after_first_paragraph(abstract(item), AD).encode("utf-8"))

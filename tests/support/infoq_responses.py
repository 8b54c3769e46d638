"""Real infoq items (../shared/corpus/seed-json/infoq) as the site's APIs serve them: the topic
list (`data[]`: `uuid`, `article_title`, `article_cover`, `sub_type` 4 for a /news/ link,
`publish_time` in unix ms), each article's detail (`data.content_url`) and the JSON document
tree at that URL, built here from the item's body as the old crawler wrote it: `<p>` with text
and marks (`<strong>`, `<italic>`, `<color>`, `<span style=color>`), `<h2>`, `<ul><li><p>`,
and images written `<img>URL<img>` (an image node of that URL).

The items' `pub_date` is the old crawler's local time of `publish_time` on a UTC runner: the
list's `publish_time` is that wall time read as UTC, the file must say it in Beijing time.
"""

from __future__ import annotations

import datetime as dt
import json

from lxml import html as lxml_html

from tests.support.page_responses import response

LIST = "https://www.infoq.cn/public/v1/article/getList"
DETAIL = "https://www.infoq.cn/public/v1/article/getDetail"
_MARKS = {"strong": "strong", "b": "strong", "italic": "italic", "em": "italic", "i": "italic", "color": "color",
          "span": "color"}


def publish_time(item: dict) -> int:
    when = dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
    return int(when.timestamp() * 1000)


def beijing(item: dict) -> str:
    when = dt.datetime.fromtimestamp(publish_time(item) / 1000, dt.timezone(dt.timedelta(hours=8)))
    return when.strftime("%Y-%m-%d %H:%M:%S")


def content_url(item: dict) -> str:
    return f"https://static001.infoq.cn/resource/content/{item['id']}.json"


def list_answer(items: list[dict]) -> bytes:
    data = [{"uuid": i["id"], "article_title": i["title"], "article_cover": i["image"], "article_summary": "虚构摘要",
             "sub_type": 4 if "/news/" in i["link"] else 1, "publish_time": publish_time(i), "score": publish_time(i)}
            for i in items]
    return json.dumps({"code": 0, "data": data}, ensure_ascii=False).encode("utf-8")


def list_response(items: list[dict]):
    return response(LIST, list_answer(items), "application/json; charset=utf-8")


def detail_answer(item: dict) -> bytes:
    data = {"uuid": item["id"], "article_title": item["title"], "content_url": content_url(item), "is_collect": False}
    return json.dumps({"code": 0, "data": data}, ensure_ascii=False).replace("/", "\\/").encode("utf-8")


def _text_nodes(element, marks=()) -> list[dict]:
    nodes = []
    if element.text:
        nodes.append({"type": "text", "text": element.text, **({"marks": list(marks)} if marks else {})})
    for child in element:
        mark = _MARKS.get(child.tag)
        nodes += _text_nodes(child, (*marks, {"type": mark}) if mark else marks)
        if child.tail:
            nodes.append({"type": "text", "text": child.tail, **({"marks": list(marks)} if marks else {})})
    return nodes


def _blocks(element) -> list[dict]:
    out = []
    for child in element:
        if child.tag == "p" and child.find("img") is not None:  # <p><img>URL<img></p>: an image
            out += [{"type": "image", "attrs": {"src": img.tail.strip()}} for img in child.iter("img") if (img.tail or "").strip()]
        elif child.tag == "p":
            content = _text_nodes(child)
            out.append({"type": "paragraph", **({"content": content} if content else {})})
        elif child.tag in ("h1", "h2", "h3", "h4"):
            out.append({"type": "heading", "attrs": {"level": int(child.tag[1])}, "content": _text_nodes(child)})
        elif child.tag in ("ul", "ol"):
            items = [{"type": "listitem", "content": _blocks(li) or [{"type": "paragraph", "content": _text_nodes(li)}]}
                     for li in child if li.tag == "li"]
            out.append({"type": "bulletedlist" if child.tag == "ul" else "numberedlist", "content": items})
        else:
            out += _blocks(child)
    return out


def document(item: dict) -> bytes:
    root = lxml_html.fragment_fromstring(item["description"], create_parent="div")
    return json.dumps({"type": "doc", "content": _blocks(root)}, ensure_ascii=False).encode("utf-8")

"""Shared pieces of the test helpers that turn real items into the HTML pages of a site
(sina, morningstar, stheadline): times in the forms pages state them, and responses.

Items of these sources carry no time of their own that the site gave (the old crawlers used
the crawl time); their `pub_date` (Beijing time) is what the helpers put into the responses,
in one of the forms the spiders read, chosen per item so that every form is exercised:
`meta` (article:published_time), `jsonld` (datePublished), `visible` (<time datetime>).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from tests.support.reader import NotArticle, body_verdict, reader_text

BEIJING = dt.timezone(dt.timedelta(hours=8))
TIME_FORMS = ("meta", "jsonld", "visible")


def published(item: dict) -> dt.datetime:
    return dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)


def time_form(index: int) -> str:
    return TIME_FORMS[index % len(TIME_FORMS)]


def meta_or_jsonld(index: int) -> str:
    """The time form of a site whose pages state it only in their head (no visible time read)."""
    return TIME_FORMS[index % 2]


def iso(item: dict, zone: dt.tzinfo = BEIJING) -> str:
    """ISO 8601 with offset (UTC written as Z)."""
    text = published(item).astimezone(zone).isoformat()
    return text.replace("+00:00", "Z")


def head_time(item: dict, form: str, zone: dt.tzinfo = BEIJING, kind: str = "NewsArticle") -> str:
    if form == "meta":
        return f'<meta property="article:published_time" content="{iso(item, zone)}">'
    if form == "jsonld":
        data = {"@context": "https://schema.org", "@type": kind, "headline": item["title"],
                "datePublished": iso(item, zone), "mainEntityOfPage": item["link"]}
        return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    return ""


def visible_time(item: dict, form: str, zone: dt.tzinfo = BEIJING, css: str = "publish-date") -> str:
    if form != "visible":
        return ""
    when = published(item).astimezone(zone)
    return f'<time class="{css}" datetime="{iso(item, zone)}">{when:%Y-%m-%d %H:%M}</time>'


def esc(value: str) -> str:
    return html.escape(value or "", quote=True)


def inject_after_first_paragraph(body: str, snippet: str) -> str:
    """The body with `snippet` inserted after its first </p> (or before its last closing tag)."""
    at = body.find("</p>")
    if at >= 0:
        return body[:at + 4] + snippet + body[at + 4:]
    at = body.rfind("</")
    return body[:at] + snippet + body[at:] if at >= 0 else body + snippet


def path_of(url: str) -> str:
    """The path (and query) of a URL: a link relative to its site, a route of the test server."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def cards(template: str, items) -> str:
    """`template` filled in for each item, escaped: `{href}` (the path of its link), `{link}`,
    `{title}`."""
    return "".join(template.format(href=esc(path_of(i["link"])), link=esc(i["link"]), title=esc(i["title"]))
                   for i in items)


def html_doc(lang: str, title: str, body: str, head: str = "") -> str:
    """An invented HTML page declaring UTF-8: its language, `title` (escaped already), `head`'s
    further tags, `body`."""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f'<body>{body}</body></html>')


def html_responses(list_url: str, list_html, page_html):
    """(`list_response(items, url=list_url)`, `page_response(item, index)`): what
    `list_html(items)` and `page_html(item, index)` write, served as UTF-8 HTML at the list's
    URL and at the item's link (`page_responder`)."""
    def list_response(items: list[dict], url: str = list_url) -> HtmlResponse:
        return response(url, list_html(items).encode("utf-8"))

    return list_response, page_responder(page_html)


def page_responder(page_html):
    """`page_response(item, index)`: what `page_html(item, index)` writes, served as UTF-8 HTML
    at the item's link."""
    def page_response(item: dict, index: int) -> HtmlResponse:
        return response(item["link"], page_html(item, index).encode("utf-8"))

    return page_response


def response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200) -> HtmlResponse:
    return HtmlResponse(url=url, body=body, status=status, headers={"Content-Type": content_type})


def md5_item(item: dict) -> dict:
    """The item as check_file needs it for a source without id: the md5 name's stem as `id`."""
    import hashlib

    return {"id": hashlib.md5((item["title"].strip() + item["pub_date"]).encode("utf-8")).hexdigest(),
            "link": item["link"]}


def parsed_problems(article, item: dict, removed: NotArticle) -> dict:
    """Differences between a parsed Article and what the item says it must be; the body's text
    must be what a person keeps of the item's real body (tests.support.reader.body_verdict:
    "left_in" for what `removed.left_in` names)."""
    got = {
        "title": article["title"], "link": article["link"], "drop": article["drop_reason"],
        "date": article["published"].strftime("%Y-%m-%d %H:%M:%S") if article["published"] else None,
        "offset": article["published"].utcoffset().seconds if article["published"] else None,
        "thumbnail": article["thumbnail"],
    }
    want = {"title": item["title"].strip(), "link": item["link"], "drop": "", "date": item["pub_date"],
            "offset": 8 * 3600, "thumbnail": ""}
    problems = {k: (str(got[k])[:80], str(want[k])[:80]) for k in got if got[k] != want[k]}
    verdict = body_verdict(reader_text(article["body_html"]), item["description"], removed)
    if verdict:
        problems["text"] = verdict
    return problems

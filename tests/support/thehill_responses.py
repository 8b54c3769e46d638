"""Real thehill items (../shared/corpus/seed-json/thehill) as the feed and WordPress answers.

Each item becomes an RSS `<item>` (title, link, guid `?p=<id>`, a short plain-text
description, `pubDate` in US Eastern time with its offset, dc:creator) and a WordPress post
(`id`, `date` in the site's zone, `date_gmt` in UTC, `link`, `title.rendered` with the
entities WordPress writes, `content.rendered` = the item's body). The items' `pub_date` is
crawl time in Beijing (old crawler); it is the time put into both answers, so the test checks
that the spider reads `date_gmt` as UTC (a spider reading `date` as Beijing time would be
12 or 13 hours off).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from email.utils import format_datetime
from xml.sax.saxutils import escape

BEIJING = dt.timezone(dt.timedelta(hours=8))
EASTERN = dt.timezone(dt.timedelta(hours=-4), "EDT")


def published(item: dict) -> dt.datetime:
    return dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)


def rendered_title(title: str) -> str:
    # WordPress (wptexturize + esc_html) writes typographic quotes and & as entities.
    out = html.escape(title, quote=False)
    return out.replace("\u2019", "&#8217;").replace("\u2018", "&#8216;").replace("\u201c", "&#8220;").replace("\u201d", "&#8221;")


def excerpt(item: dict) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", item["description"])).strip()
    return text[:200]


def rss_item(item: dict) -> str:
    return (
        "<item>"
        f"<title>{escape(item['title'])}</title>"
        f"<link>{escape(item['link'])}</link>"
        f"<guid isPermaLink=\"false\">https://thehill.com/?p={item['id']}</guid>"
        f"<pubDate>{format_datetime(published(item).astimezone(EASTERN))}</pubDate>"
        "<dc:creator><![CDATA[The Hill staff]]></dc:creator>"
        f"<description>{escape(excerpt(item))}</description>"
        "</item>"
    )


def feed_answer(items: list[dict]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            "<title>The Hill</title><link>https://thehill.com</link><description>News</description>"
            + "".join(rss_item(i) for i in items) + "</channel></rss>").encode("utf-8")


def post_answer(item: dict) -> bytes:
    when = published(item)
    post = {
        "id": item["id"],
        "date": when.astimezone(EASTERN).strftime("%Y-%m-%dT%H:%M:%S"),
        "date_gmt": when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        "link": item["link"], "type": "post", "status": "publish",
        "title": {"rendered": rendered_title(item["title"])},
        "content": {"rendered": item["description"], "protected": False},
    }
    return json.dumps(post, ensure_ascii=False).encode("utf-8")

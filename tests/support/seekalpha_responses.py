"""Real seekalpha items (../shared/corpus/seed-json/seekalpha) as the JSON:API answers.

Market news (`source` seekalpha) become entries of the news list that carry their body
(`attributes.content`); analysis articles (`seekalpha_articles`) entries of the article list
and each its own article answer (`data.attributes.content`). The image goes where the API has
it: Getty images in `attributes.gettyImageUrl`, others in `links.uriImage`. Every third body
gets back what the crawler must remove and the old crawler already had: an invented "More on"
link list (`#more-links`), sign-up and ad slots.

Time: the 2025 items' `pub_date` is US Eastern wall time plus 8 hours (the old crawler dropped
publishOn's offset), so publishOn is that wall time less 8 hours with its Eastern offset; the
2026 items' is the crawl time in Beijing, written back as that moment in Eastern time. `published`
is the true moment either way, which the file must show in Beijing time.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

SITE = "https://seekingalpha.com"
NEWS_API = (f"{SITE}/api/v3/news?filter[category]=market-news::all&filter[since]=0&filter[until]=0"
            "&isMounting=true&page[size]=20&page[number]=1")
ARTICLES_API = (f"{SITE}/api/v3/articles?filter[category]=latest-articles&filter[since]=0&filter[until]=0"
                "&include=author,primaryTickers,secondaryTickers&isMounting=true&page[size]=20&page[number]=1")
EASTERN = ZoneInfo("America/New_York")
BEIJING = dt.timezone(dt.timedelta(hours=8))
EXTRAS = ('<div id="more-links"><p>More on Invented Corp</p><ul><li><a href="/news/1-invented">Invented story</a></li>'
          '</ul></div><div class="signup_widget_placeholder"><p>Sign up for invented alerts</p></div>')
AD = '<div class="inline_ad_placeholder"><p>Invented advertisement</p></div>'


def is_article(item: dict) -> bool:
    return item["source"] == "seekalpha_articles"


def published(item: dict) -> dt.datetime:
    """The true moment of the item (see the module's docstring)."""
    written = dt.datetime.strptime(item["pub_date"], "%Y-%m-%d %H:%M:%S")
    if item["repo"] == "genkin-he/News":
        return (written - dt.timedelta(hours=8)).replace(tzinfo=EASTERN)
    return written.replace(tzinfo=BEIJING)


def expected_date(item: dict) -> str:
    return published(item).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _resource(item: dict, index: int) -> dict:
    kind = "article" if is_article(item) else "news"
    path = item["link"][len(SITE):]
    links = {"self": path, "uriImage": ""}
    if index % 2 == 0:  # archive-era news answers carried the canonical link too
        links["canonical"] = item["link"]
    attributes = {"publishOn": published(item).astimezone(EASTERN).isoformat(), "title": item["title"],
                  "isLockedPro": False, "commentCount": 3, "gettyImageUrl": None}
    image = item.get("image") or ""
    if "/getty_images/" in image:
        attributes["gettyImageUrl"] = image
    else:
        links["uriImage"] = image
    return {"id": str(item["id"]), "type": kind, "attributes": attributes, "links": links,
            "relationships": {"author": {"data": {"id": "7", "type": "author"}}}}


def content(item: dict, index: int) -> str:
    body = item["description"]
    if index % 3 == 0:
        at = body.rfind("</body>") if body.endswith("</html>") else len(body)
        body = body[:at] + (EXTRAS if not is_article(item) else AD) + body[at:]
    return body


def news_answer(items: list[dict]) -> bytes:
    data = []
    for index, item in enumerate(items):
        resource = _resource(item, index)
        resource["attributes"]["content"] = content(item, index)
        data.append(resource)
    return json.dumps({"data": data, "included": [], "meta": {"page": {"size": 20}}}, ensure_ascii=False).encode("utf-8")


def articles_answer(items: list[dict]) -> bytes:
    data = [_resource(item, index) for index, item in enumerate(items)]
    return json.dumps({"data": data, "included": [{"id": "7", "type": "author", "attributes": {"nick": "Invented"}}]},
                      ensure_ascii=False).encode("utf-8")


def article_answer(item: dict, index: int) -> bytes:
    resource = _resource(item, index)
    resource["attributes"]["content"] = content(item, index)
    return json.dumps({"data": resource, "included": []}, ensure_ascii=False).encode("utf-8")

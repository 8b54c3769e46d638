"""wallstreetcn (sites/wallstreetcn.toml): a chart's (the flow's `live` and `chart` items) first
image is appended to its body as `<p><img></p>`, as the old crawler did, unless the body shows
it already; a chart without `uri` links to its page on the site."""

from __future__ import annotations

from html import escape

from crawler.sources import json_api

CHARTS = ("live", "chart")
CHART_LINK = "https://wallstreetcn.com/charts/{id}"


def chart_body(article, data, entry):
    if entry.kind not in CHARTS:
        return article
    images = data.get("images") if isinstance(data.get("images"), list) else []
    image = next((u for u in (json_api.text(i.get("uri") if isinstance(i, dict) else i) for i in images) if u), "")
    if image and image not in article["body_html"]:
        article["body_html"] += f'<p><img src="{escape(image)}" /></p>'
        if article["drop_reason"] == "empty_body":
            article["drop_reason"] = ""
    if not article["link"]:
        article["link"] = CHART_LINK.format(id=article["id"])
    return article

"""tradingview (sites/tradingview.toml): a story's path holds its provider id without the
prefix the news-flow API gives Reuters (`tag:`) and MT Newswires (`urn:newsml:`) stories, so a
story fetched by its link alone (-a urls=) gets the name discovery would give it."""

from __future__ import annotations

# The path's form of the id -> the prefix the API's id has (every real item: 2,342 ids are the
# path's as they are, 1,613 Reuters ids take tag:, 1,054 MT Newswires ids take urn:newsml:).
PREFIXES = (("reuters.com,", "tag:"), ("mtnewswires.com:", "urn:newsml:"))


def provider_id(article, data, entry):
    for start, prefix in PREFIXES:
        if article["id"].startswith(start):
            article["id"] = prefix + article["id"]
            break
    return article

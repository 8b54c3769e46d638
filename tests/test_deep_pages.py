"""qq article pages whose body nests deeper than libxml2 parses (2,048 levels): the text is
kept (crawler.page_depth), not cut off and dropped as `empty_body`. Pages are invented."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.body import body_markdown
from crawler.sources.qq import parse_article
from tests.support.qq_pages import current_layout_page, feed_entry

LINK = "https://new.qq.com/rain/a/20250204A00DEP00"
DEPTH = 3_000
EXPECTED = "开头一段。\n\n深处的正文\n\n结尾一段。"


def _deep_item(depth: int) -> dict:
    # Below html_clean.FLATTEN_DEPTH the tags go (the bold too), never the text.
    body = "<p>开头一段。</p>" + "<div>" * depth + "<b>深处</b>的正文" + "</div>" * depth + "<p>结尾一段。</p>"
    return {"title": "很深的正文", "pub_date": "2025-02-04 09:00:00", "link": LINK,
            "description": f'<div class="rich_media_content">{body}</div>', "id": "20250204A00DEP00", "image": ""}


@pytest.mark.parametrize("variant", ["rich_media_content", "article-content", "originContent"])
def test_a_body_three_thousand_deep_is_kept(variant):
    item = _deep_item(DEPTH)
    page = current_layout_page(item, variant)
    article = parse_article(HtmlResponse(LINK, body=page, encoding="utf-8"), feed_entry(item))
    assert article["drop_reason"] == ""
    assert body_markdown(article["body_html"], LINK) == EXPECTED


def test_a_gbk_page_three_thousand_deep_is_kept():
    item = _deep_item(DEPTH)
    page = current_layout_page(item, "article-content").decode("utf-8").encode("gb18030")
    response = HtmlResponse(LINK, body=page, headers={"Content-Type": "text/html; charset=GB2312"})
    article = parse_article(response, feed_entry(item))
    assert article["drop_reason"] == "" and article["title"] == "很深的正文"
    assert body_markdown(article["body_html"], LINK) == EXPECTED


def test_origin_content_with_only_deep_text_is_a_body():
    # The fallback is judged by its content: text found only 3,000 levels down is content.
    item = _deep_item(DEPTH)
    item["description"] = item["description"].replace("<p>开头一段。</p>", "").replace("<p>结尾一段。</p>", "")
    page = current_layout_page(item, "originContent")
    article = parse_article(HtmlResponse(LINK, body=page, encoding="utf-8"), feed_entry(item))
    assert article["drop_reason"] == "" and article["body_fallback"] == "originContent"
    assert body_markdown(article["body_html"], LINK) == "深处的正文"

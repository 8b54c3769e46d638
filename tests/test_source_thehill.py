"""thehill: every real item as the RSS feed + WordPress REST serve it, through the parser and the
pipelines; the RSS fallback; and the real `scrapy crawl thehill` replaying fixtures/thehill/nightly
and against a local server (a refused post)."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial

from tests.support import thehill_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import run_with_report
from tests.support.page_responses import response
from tests.support.server import Reply, TestServer
from tests.support.shared import seed_items
from tests.support.site_pages import check_fixture_twice
from tests.support.site_source import SiteSource
from tests.support.page_source_tests import left_in_tests
from tests.support.reader import NotArticle, reader_text
from tests.support.real_items import check_real_items, entry_articles, expected

FEED = "https://thehill.com/feed/"
source = SiteSource("thehill")  # sites/thehill.toml through its spider


def feed_entries(items):
    return source.list_entries(response(FEED, responses.feed_answer(items), "application/rss+xml"))


def post(entry, answer: bytes, status: int = 200):
    """The article the spider makes of the WordPress answer to its request for the entry."""
    url = source.spider.article_request(entry).url
    return source.parse_article(response(url, answer, "application/json", status=status), entry)


# What a person removes from a real thehill body, as a reader sees it: the boxes set apart from
# the text (<aside>: a link to a story elsewhere); and (`left_in`, what the crawler once kept,
# none now) the text the page hides (a newsletter's e-mail preview line with its `{beacon}`
# placeholder, the sign-up form's thank-you note) and the newsletter sign-up box ("Close", "…
# Sign up for the X newsletter").
NOT_ARTICLE = NotArticle(boxes=("aside",), hidden=False, left_in=NotArticle(
    hidden=True, lines=(r"^Close$", r"^The latest in politics and policy\. Direct to your inbox\. Sign up for the .+ newsletter$")))


def _post_article(item, entry, _index):
    article = post(entry, responses.post_answer(item))
    assert not article["body_fallback"]
    return article


def _check_written(items, tmp_path, capsys, *, name="thehill", strict=False) -> Counter:
    return check_real_items(name, entry_articles(feed_entries(items), items, _post_article), tmp_path, capsys,
                            folder="thehill", language="en", want=lambda item: expected(item, thumbnail=False),
                            removed=NOT_ARTICLE, strict=strict)


test_every_real_item, test_nothing_a_person_removes_is_left_in = left_in_tests("thehill", _check_written, NOT_ARTICLE)


def test_newsletter_tables(tmp_path, capsys):
    items = [i for i in seed_items("thehill") if "<table" in i["description"]]
    counts = _check_written(items, tmp_path, capsys, name="thehill, the items with a table")
    assert counts["written"] == len(items) > 0


def test_every_real_item_from_the_feed_alone(tmp_path):
    """When the post cannot be had, the RSS description (here a 200-character excerpt of the
    real body) is the body, and pubDate (US Eastern) the time."""
    items = seed_items("thehill")
    for item, entry in zip(items, feed_entries(items)):
        article = post(entry, b'{"code": "rest_post_invalid_id"}', status=404)
        assert article["body_fallback"] == "summary"
        assert article["published"].strftime("%Y-%m-%d %H:%M:%S") == item["pub_date"]
        assert article["published"].utcoffset().total_seconds() == 8 * 3600
        assert reader_text(article["body_html"]) == "".join(responses.excerpt(item).split())


def test_post_id_forms():
    post_id = source.config.article_id
    assert post_id("https://thehill.com/homenews/senate/5128103-some-slug/") == "5128103"
    assert post_id("https://thehill.com/mlite/5128103-some-slug/?x=1") == "5128103"
    assert post_id("https://thehill.com/about/", "https://thehill.com/?p=42") == "42"
    assert post_id("https://thehill.com/about/") == ""


def test_ads_and_paywall_are_removed():
    html = ('<p>One.</p><div class="ad-unit">Advertisement</div><p>Two.</p><aside>Related</aside>'
            '<div class="hardwall">Subscribe</div><figure class="wp-block-embed">tweet</figure><script>x()</script><p>Three.</p>')
    (entry,) = feed_entries(seed_items("thehill")[:1])
    answer = json.dumps({"id": int(entry.id), "title": {"rendered": "T"}, "content": {"rendered": html}}).encode()
    assert reader_text(post(entry, answer)["body_html"]) == "One.Two.Three."


def _crawl(server, archive, *extra):
    return run_scrapy(
        "crawl", "thehill", "-s", "SITE_OVERRIDES=" + json.dumps({"thehill": {
            "discovery.url": server.url("/feed/"), "request.article_url": server.url("/wp-json/wp/v2/posts/{id}")}}),
        "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "RETRY_TIMES=0", *extra)


def test_crawl_fixture_end_to_end(tmp_path):
    first, _second = check_fixture_twice("thehill", tmp_path)
    assert first["body_fallbacks_by_kind"] == {"summary": 1}  # one post answers 404: the feed's text


def test_crawl_denied_post_falls_back_and_is_counted(tmp_path):
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            '<item><title>A title</title><link>https://thehill.com/policy/123456-a-title/</link>'
            '<pubDate>Tue, 04 Feb 2025 10:00:00 -0500</pubDate><description>Short text.</description></item>'
            '</channel></rss>').encode()
    with TestServer() as server:
        server.add("GET", "/feed/", Reply(body=feed, headers={"Content-Type": "application/rss+xml"}))
        server.add("GET", "/wp-json/wp/v2/posts/123456", Reply(status=403, body=b"blocked"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive"), tmp_path / "report.json")
    assert report["errors"]["by_kind"]["http_denied"] == 1 and report["written"] == 1
    assert report["body_fallbacks_by_kind"] == {"summary": 1}
    assert "access denied" in result.stderr
    written = (tmp_path / "archive" / "en" / "news" / "thehill" / "123456.en.md").read_text()
    assert 'date: "2025-02-04 23:00:00"' in written and "Short text." in written

"""Site files whose articles or lists live in a page's embedded state: a json discovery read from
an HTML page's element (`embedded`), a page rewritten by the site's `page_hook` before it is
read, and `extract_fallback = false` (an empty body container is the source giving no text)."""

from __future__ import annotations

import json

import pytest

from crawler.sources import generic, site_file
from crawler.sources.common import SourceError

LONG = " ".join(["This invented sentence is about a made-up harbour and its ferries."] * 4)


def config(**extra) -> site_file.SiteConfig:
    data = {"folder": "demo", "language": "en", "discovery": {"kind": "rss", "url": "http://127.0.0.1:9/feed"}}
    data.update(extra)
    return site_file.parse_site(data, "demo")


def state_page(html, entry):
    """The page hook of these tests: the article of `window.__DEMO__ = {...}` as a plain page."""
    start = html.find("window.__DEMO__ = ")
    if start < 0:
        return html
    state = json.JSONDecoder().raw_decode(html, start + len("window.__DEMO__ = "))[0]
    return f'<html><body><h1>{state["headline"]}</h1><div class="state-body">{state["text"]}</div></body></html>'


NEXT_PAGE = ('<html><head><title>Latest</title></head><body><div id="app">Loading</div>'
             '<script id="__NEXT_DATA__" type="application/json">'
             + json.dumps({"props": {"pageProps": {"newsData": [
                 {"article_id": "7", "article_url": "/news/one-7.html", "heading1": "One &amp; two"},
                 {"article_id": "8", "article_url": "/news/two-8.html", "heading1": "Two"}]}}})
             + "</script></body></html>")


def test_a_json_discovery_reads_the_json_embedded_in_a_page():
    c = config(discovery={"kind": "json", "url": "https://ex.test/latest", "embedded": "script#__NEXT_DATA__",
                          "entries": "props.pageProps.newsData", "site_url": "https://ex.test",
                          "fields": {"id": "article_id", "link": "article_url", "title": "heading1"}})
    found = generic.discover(c.discoveries[0], NEXT_PAGE.encode(), "http://127.0.0.1:9/latest")
    assert [(e.id, e.link, e.title) for e in found.entries] == [
        ("7", "https://ex.test/news/one-7.html", "One &amp; two"), ("8", "https://ex.test/news/two-8.html", "Two")]
    with pytest.raises(SourceError, match="no script#__NEXT_DATA__"):
        generic.discover(c.discoveries[0], b"<html><body>blocked</body></html>", "http://127.0.0.1:9/latest")


@pytest.mark.parametrize("data, message", [
    ({"discovery": {"kind": "rss", "url": "x", "embedded": "script"}}, "embedded are for kind"),
    ({"discovery": {"kind": "json", "url": "x", "fields": {"id": "a"}, "embedded": 3}}, "embedded must be"),
    ({"article": {"format": "json", "fields": {"body": "b"}, "page_hook": "tests.test_site_page_state:state_page"}},
     "page_hook is for HTML pages"),
    ({"article": {"extract_fallback": "no", "body": ".b"}}, "extract_fallback must be true or false"),
    ({"article": {"extract_fallback": False}}, "extract_fallback = false needs article.body"),
    ({"article": {"page_hook": "no module"}}, "page_hook must name a function"),
])
def test_bad_values_are_refused(data, message):
    with pytest.raises(site_file.ConfigError, match=message):
        config(**data)


def test_the_page_hook_rewrites_the_page_before_it_is_read():
    c = config(article={"title": "h1", "body": [".state-body"], "page_hook": "tests.test_site_page_state:state_page"})
    page = (f'<html><body><h1>Shell</h1><p>Enable JavaScript</p><script>window.__DEMO__ = '
            f'{json.dumps({"headline": "Invented ferry news", "text": f"<p>{LONG}</p>"})};</script></body></html>')
    entry = generic.Entry(link="https://ex.test/a/1", published="2026-03-02T01:00:00Z")
    out = generic.page_article(c, "https://ex.test/a/1", page, entry)
    assert out.article["title"] == "Invented ferry news" and out.fallbacks == [] and out.selector_missed == []
    assert "made-up harbour" in out.article["body_html"] and "JavaScript" not in out.article["body_html"]


def test_without_extract_fallback_an_empty_container_is_an_empty_body():
    c = config(article={"title": "h1", "body": ["article div.text"], "extract_fallback": False})
    empty = f'<html><body><div><p>{LONG}</p><p>{LONG}</p></div><article><h1>T</h1><div class="text"> </div></article></body></html>'
    out = generic.extract_article(c, "https://ex.test/a/1", empty)
    assert out.article["drop_reason"] == "empty_body" and out.article["body_html"] == ""
    assert out.fallbacks == [] and out.selector_missed == []
    # No container at all is a layout change: missed, and still no page chrome as the body.
    out = generic.extract_article(c, "https://ex.test/a/1", empty.replace('class="text"', 'class="other"'))
    assert out.article["drop_reason"] == "no_body" and out.selector_missed == ["body"] and out.fallbacks == []
    # The default: the generic extraction serves the body of a page whose container is empty.
    out = generic.extract_article(config(article={"body": ["article div.text"]}), "https://ex.test/a/1", empty)
    assert out.article["drop_reason"] == "" and "made-up harbour" in out.article["body_html"]

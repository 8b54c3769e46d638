"""A cookie from settings/environment reaches the site (Scrapy's CookiesMiddleware would drop a
raw Cookie header): a real `scrapy crawl qq` against a server on 127.0.0.1."""

from __future__ import annotations

import json

from crawler.cookie_header import cookie_pairs
from tests.support.cli import run_scrapy
from tests.support.server import Reply, TestServer


def test_cookie_pairs():
    assert cookie_pairs("pgv_pvid=abc; RK=x=y ;flag; empty=") == {"pgv_pvid": "abc", "RK": "x=y", "empty": ""}


def test_qq_cookie_from_environment_is_sent(tmp_path):
    with TestServer() as server:
        server.add("GET", "/robots.txt", Reply(status=404))
        server.add("POST", "/feed", Reply(body=json.dumps({"code": 0, "data": []}).encode(),
                                          headers={"Content-Type": "application/json"}))
        result = run_scrapy(
            "crawl", "qq", "-s", f"QQ_FEED_URL={server.url('/feed')}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
            env={"QQ_COOKIE": "pgv_pvid=visitor1; RK=abc=="},
        )
        feed = [r for r in server.requests if r.path == "/feed"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(feed) == 1
    cookie = {k.lower(): v for k, v in feed[0].headers.items()}.get("cookie", "")
    assert sorted(part.strip() for part in cookie.split(";")) == ["RK=abc==", "pgv_pvid=visitor1"]


def test_a_site_cookie_is_sent_once_to_every_path(tmp_path):
    """The header's cookie is the site's (path "/"): the jar must not keep one copy per request
    path and send two to a deeper path (`sid=a; sid=a` to /api/posts/1 after /api/feed.xml)."""
    site = tmp_path / "demo.toml"
    site.write_text('folder = "demo"\nlanguage = "en"\n[discovery]\nkind = "rss"\nurl = "SERVER/api/feed.xml"\n'
                    '[request]\nsecret_headers = { Cookie = "DEMO_COOKIE" }\n', encoding="utf-8")
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>An invented title</title>'
            '<link>SERVER/api/posts/1</link><pubDate>Mon, 02 Mar 2026 01:00:00 +0000</pubDate></item></channel></rss>')
    page = "<html><body><article><h1>An invented title</h1>" + "<p>Invented text of some length.</p>" * 9 + "</article></body></html>"
    with TestServer() as server:
        site.write_text(site.read_text().replace("SERVER", server.base), encoding="utf-8")
        server.add("GET", "/api/feed.xml", Reply(body=feed.replace("SERVER", server.base).encode(),
                                                 headers={"Content-Type": "application/rss+xml"}))
        server.add("GET", "/api/posts/1", Reply(body=page.encode(), headers={"Content-Type": "text/html"}))
        result = run_scrapy("crawl", "generic", "-a", f"config={site}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", env={"DEMO_COOKIE": "sid=abc"})
        sent = {r.path: r.headers.get("Cookie") for r in server.requests if r.path != "/robots.txt"}
    assert result.returncode == 0, result.stderr[-3000:]
    assert sent == {"/api/feed.xml": "sid=abc", "/api/posts/1": "sid=abc"}

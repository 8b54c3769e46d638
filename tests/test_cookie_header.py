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

"""End to end: the real `scrapy crawl qq` process against a real HTTP server on 127.0.0.1.

tests/support/server.py serves the `nightly` fixture crawl (fixtures/qq/nightly): its feed
answers, article pages, the 404, the redirect to the not-found page and robots.txt. Only two
things point the crawl at the server: the setting QQ_FEED_URL, and the feed answers, whose
`link_info.url` (https://new.qq.com/rain/a/<ID>) are rewritten to the server at test time. No
replay middleware is involved: every byte goes over a socket. The archive files must equal the
fixture's expected/ byte for byte (the link is the canonical https://new.qq.com/rain/a/<ID>
built from the id, whatever host served the page).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crawler.fixtures import load_index, normalise_body
from tests.support.cli import run_scrapy
from tests.support.regen_fixtures import CLEAN_ENV, QQ, archive_files, crawl_config, expected_files
from tests.support.server import TestServer

NAME = "nightly"
SITE = "https://new.qq.com/"


def serve_copy(server: TestServer, tmp: Path) -> Path:
    """A copy of the fixture whose feed answers link to the server, loaded into the server."""
    folder = tmp / NAME
    shutil.copytree(QQ / NAME, folder, ignore=shutil.ignore_patterns("expected"))
    # One host here: serve new.qq.com's robots.txt (allows /rain/), not i.news.qq.com's 404.
    index = folder / "index.jsonl"
    lines = index.read_text(encoding="utf-8").splitlines()
    index.write_text("".join(line + "\n" for line in lines if "i.news.qq.com/robots.txt" not in line), encoding="utf-8")
    for entry in load_index(folder):
        if entry.method == "POST" and entry.file:
            path = folder / entry.file
            path.write_text(path.read_text(encoding="utf-8").replace(SITE, server.base + "/"), encoding="utf-8")
    server.load_fixture(folder)
    return folder


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    archive, report = tmp / "archive", tmp / "report.json"
    with TestServer() as server:
        serve_copy(server, tmp)
        args = crawl_config(NAME)["args"]
        result = run_scrapy(
            "crawl", "qq", "-s", f"QQ_FEED_URL={server.url('/web_feed/getPCList')}",
            "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={report}", *args, env=CLEAN_ENV,
        )
        requests = list(server.requests)
        files = archive_files(archive)
        # The same command again: the archive is the state.
        again = run_scrapy(
            "crawl", "qq", "-s", f"QQ_FEED_URL={server.url('/web_feed/getPCList')}",
            "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={tmp / 'again.json'}", *args, env=CLEAN_ENV,
        )
        requests_again = server.requests[len(requests):]
    return {"result": result, "report": json.loads(report.read_text(encoding="utf-8")) if report.exists() else None,
            "requests": requests, "files": files, "archive": archive, "again": again,
            "again_report": json.loads((tmp / "again.json").read_text(encoding="utf-8")) if (tmp / "again.json").exists() else None,
            "requests_again": requests_again}


def test_real_crawl_writes_the_expected_files(crawl):
    assert crawl["result"].returncode == 0, crawl["result"].stderr[-4000:]
    expected = expected_files(NAME)
    assert sorted(crawl["files"]) == sorted(expected)
    for rel, data in expected.items():
        assert crawl["files"][rel] == data, f"{rel} differs from fixtures/qq/{NAME}/expected"


def test_run_report(crawl):
    report = crawl["report"]
    assert report is not None, crawl["result"].stderr[-4000:]
    want = crawl_config(NAME)["first_replay"]
    for key in ("discovered", "skipped_known", "requested", "written", "skipped_types", "dropped",
                "body_fallbacks_by_kind"):
        assert report[key] == want[key], (key, report[key])
    assert report["stats"]["qq/duplicate"] == 3
    assert report["exit_status"] == {"code": 0, "name": "ok", "reasons": []}
    assert report["errors"]["counted"] == 0
    assert report["errors"]["http_status"] == {"404": 1}
    assert report["replay"] is None  # no replay: real sockets


def test_server_saw_the_expected_requests(crawl):
    requests = crawl["requests"]
    # robots.txt first and once (one host:port), then the feed pages, then each article once.
    assert requests[0].method == "GET" and requests[0].path == "/robots.txt"
    assert [r.path for r in requests].count("/robots.txt") == 1
    assert crawl["report"]["stats"]["robotstxt/response_status_count/200"] == 1
    posts = [r for r in requests if r.method == "POST"]
    assert [r.path for r in posts] == ["/web_feed/getPCList"] * 4
    bodies = sorted((json.loads(r.body)["channel_id"], json.loads(r.body)["flush_num"]) for r in posts)
    assert bodies == [("news_news_finance", 1), ("news_news_finance", 2), ("news_news_tech", 1), ("news_news_tech", 2)]
    recorded = {normalise_body(e.body) for e in load_index(QQ / NAME) if e.method == "POST"}
    assert {normalise_body(r.body) for r in posts} == recorded  # byte-for-byte the recorded JSON
    for r in posts:
        assert r.headers.get("Content-Type") == "application/json;charset=UTF-8"
        assert r.headers.get("Referer") == "https://news.qq.com/"
        assert "newsarchive" in r.headers.get("User-Agent", "")
    gets = [r.path for r in requests if r.method == "GET" and r.path != "/robots.txt"]
    ids = ("1RMC", "2ATS", "3QNT", "4ACT", "5ORG", "6PAY", "7GON", "8RDR", "9TEC")
    assert sorted(p for p in gets if p.startswith("/rain/a/")) == [f"/rain/a/20250310A0{i}00" for i in ids]
    assert [p for p in gets if not p.startswith("/rain/a/")] == [
        "/notfound.htm?uri=http://new.qq.com/rain/a/20250310A08RDR00"]
    assert len(gets) == len(set(gets))  # no second request for a duplicate
    assert not [p for p in gets if "v.qq.com" in p or "/x/page/" in p]  # the video is not fetched


def test_second_run_fetches_feeds_but_no_article(crawl):
    again = crawl["again"]
    assert again.returncode == 0, again.stderr[-4000:]
    report = crawl["again_report"]
    # 6 written files plus 3 articles remembered in the drop ledger (paid, removed twice).
    assert (report["skipped_known"], report["requested"], report["written"]) == (9, 0, 0)
    assert archive_files(crawl["archive"]) == crawl["files"]
    gets = sorted(r.path for r in crawl["requests_again"] if r.method == "GET" and r.path.startswith("/rain/a/"))
    assert gets == []
    ledger = (crawl["archive"] / "zh-CN/news/qq/.dropped.tsv").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("\t")[0] for line in ledger) == ["20250310A06PAY", "20250310A07GON", "20250310A08RDR"]
    assert len([r for r in crawl["requests_again"] if r.method == "POST"]) == 4

"""Exit statuses of `scrapy crawl` (crawler/commands/crawl.py, crawler/report.decide_exit)."""

from __future__ import annotations

import json

import pytest

from crawler.report import (EXIT_DISCOVERY, EXIT_ERRORS, EXIT_EXTRACTION, EXIT_INTERRUPTED, EXIT_OK,
                            EXIT_REPLAY_MISS, decide_exit)
from tests.support.cli import run_scrapy
from tests.support.server import TestServer
from tests.support.spiders import add_test_site, run_fixturetest

# ---- the decision, over stats ------------

HEALTHY = {"qq/discovered": 20, "qq/requested": 12, "archive/written": 12, "finish_reason": "finished"}


def test_a_healthy_run_is_0():
    assert decide_exit(HEALTHY, "qq").code == EXIT_OK


def test_nothing_new_is_healthy():
    stats = {"qq/discovered": 20, "qq/skipped_known": 20, "qq/requested": 0}
    assert decide_exit(stats, "qq").code == EXIT_OK
    assert decide_exit({}, "qq").code == EXIT_OK  # an empty feed is not a failure either


def test_errors_above_the_threshold():
    stats = dict(HEALTHY, **{"errors/spider_error": 1, "downloader/failed": 1, "downloader/failed_status": 1})
    assert decide_exit(stats, "qq", max_errors=3).code == EXIT_OK
    decision = decide_exit(stats, "qq", max_errors=2)
    assert decision.code == EXIT_ERRORS
    assert decision.reasons == ["3 error(s), more than RUN_MAX_ERRORS=2 (1 spider error(s), "
                                "1 failed download(s), 1 HTTP error(s) after the retries)"]


def test_errors_are_events_not_log_lines():
    # ERROR lines are what the log level lets through: they neither count nor hide an error.
    assert decide_exit(dict(HEALTHY, **{"log_count/ERROR": 5}), "qq").code == EXIT_OK
    for key in ("errors/spider_error", "errors/item_error", "downloader/failed", "downloader/failed_status",
                "qq/http_denied", "import/bad_files"):
        assert decide_exit(dict(HEALTHY, **{key: 1}), "qq").code == EXIT_ERRORS, key


def test_every_article_request_failed_is_1():
    stats = {"qq/discovered": 3, "qq/requested": 3, "qq/page_failed": 3, "robotstxt/forbidden": 1}
    decision = decide_exit(stats, "qq")
    assert decision.code == EXIT_ERRORS
    assert decision.reasons == ["requested 3 article page(s), wrote 0: every article request failed "
                                "(3 failed, 1 forbidden by robots.txt)"]
    robots = decide_exit({"qq/requested": 2, "qq/page_failed": 2, "robotstxt/forbidden": 2}, "qq")
    assert robots.reasons == ["robots.txt forbids the articles: all 2 article request(s) refused "
                              "(ROBOTSTXT_OBEY), wrote 0"]
    # One article came back (dropped for a healthy reason, or known): not every request failed.
    assert decide_exit(dict(stats, item_dropped_count=1), "qq").code == EXIT_OK
    assert decide_exit(dict(stats, **{"archive/skipped_existing": 1}), "qq").code == EXIT_OK
    # Stopped by a signal: that is the reason, not the requests it never finished.
    assert decide_exit(stats, "qq", finish_reason="shutdown").reasons == \
        ["the run did not finish (finish reason 'shutdown')"]


def test_extraction_failure_names_the_field():
    stats = {"qq/discovered": 12, "qq/requested": 12, "article/dropped/no_body": 12}
    decision = decide_exit(stats, "qq")
    assert decision.code == EXIT_EXTRACTION
    assert decision.reasons == ["fetched 12 article pages, wrote 0: body missing in 12"]
    stats = {"qq/requested": 5, "article/dropped/missing_title": 2, "article/dropped/bad_date": 3}
    assert decide_exit(stats, "qq").reasons == ["fetched 5 article pages, wrote 0: date unreadable in 3, title missing in 2"]
    # qq's own reasons: "no_body" (no known layout) fails, "empty_body" (an empty article) does not.
    assert decide_exit({"qq/requested": 4, "article/dropped/no_body": 4}, "qq").reasons == \
        ["fetched 4 article pages, wrote 0: body missing in 4"]
    assert decide_exit({"qq/requested": 4, "article/dropped/empty_body": 4}, "qq").code == EXIT_OK


@pytest.mark.parametrize("stats", [
    {"qq/requested": 3, "article/dropped/removed": 2, "article/dropped/paid": 1},  # the articles' fault
    {"qq/requested": 3, "article/dropped/no_body": 1, "archive/written": 2},  # some written
    {"qq/requested": 3, "article/dropped/no_body": 1, "archive/skipped_existing": 2},  # extraction works
])
def test_not_an_extraction_failure(stats):
    assert decide_exit(stats, "qq").code == EXIT_OK


def test_discovery_failure():
    assert decide_exit({"qq/discovery_failed": 3}, "qq").code == EXIT_DISCOVERY
    assert decide_exit({"qq/discovery_failed": 1, "qq/discovered": 9}, "qq").code == EXIT_OK


def test_replay_miss_wins_and_every_reason_is_kept():
    stats = {"fixtures/replay/missing": 1, "fixtures/replay/missing_urls": ["GET https://x/a"],
             "fixtures/replay/folder": "fixtures/qq/x", "errors/spider_error": 1, "qq/discovery_failed": 1}
    decision = decide_exit(stats, "qq")
    assert decision.code == EXIT_REPLAY_MISS
    assert decision.reasons[0] == "replay: 1 request(s) not recorded in fixtures/qq/x; first: GET https://x/a"
    assert len(decision.reasons) == 3


def test_interrupted():
    assert decide_exit(HEALTHY, "qq", finish_reason="shutdown").code == EXIT_INTERRUPTED


# ---- the real command ------------


def test_builtin_crawl_is_replaced_by_ours():
    result = run_scrapy("-h")
    assert "exit non-zero on an unhealthy run" in result.stdout


def test_usage_error_is_2():
    assert run_scrapy("crawl").returncode == 2


def test_healthy_then_nothing_new_are_0(tmp_path):
    with TestServer() as server:
        add_test_site(server)
        first = run_fixturetest(server.base, tmp_path / "archive")
        second = run_fixturetest(server.base, tmp_path / "archive", f"RUN_REPORT={tmp_path / 'second.json'}")
        articles = [p for p in server.requested("GET") if p.startswith("/a/") or p.startswith("/old/")]
    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    assert len(articles) == 4  # first run only: T1, /old/T2 -> /a/T2, T3
    report = json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))
    assert (report["skipped_known"], report["requested"], report["written"]) == (3, 0, 0)


def test_extraction_failure_is_3_and_names_the_field(tmp_path):
    with TestServer() as server:
        add_test_site(server, body=False)  # a "layout change": no div#body anywhere
        result = run_fixturetest(server.base, tmp_path / "archive")
    assert result.returncode == 3, result.stderr[-3000:]
    assert "fetched 3 article pages, wrote 0: body missing in 3" in result.stderr
    assert not (tmp_path / "archive").exists() or not list((tmp_path / "archive").rglob("*.md"))


def test_discovery_failure_is_4(tmp_path):
    with TestServer() as server:
        add_test_site(server, feed_status=500)
        result = run_fixturetest(server.base, tmp_path / "archive")
    assert result.returncode == 4, result.stderr[-3000:]
    assert "discovery failed (2 discovery request(s) failed) and nothing was discovered" in result.stderr


def test_errors_above_the_threshold_are_1(tmp_path):
    with TestServer() as server:
        add_test_site(server, reset_article="T3")
        failing = run_fixturetest(server.base, tmp_path / "a1")
        tolerated = run_fixturetest(server.base, tmp_path / "a2", "RUN_MAX_ERRORS=2")
    assert failing.returncode == 1, failing.stderr[-3000:]
    assert "more than RUN_MAX_ERRORS=0" in failing.stderr
    assert tolerated.returncode == 0, tolerated.stderr[-3000:]
    assert len(list((tmp_path / "a1").rglob("*.md"))) == 2


def test_a_refused_archive_is_1_with_its_reason_only():
    # crawler.lock refused the run (no lock, or a folder leading out of the archive).
    stats = {"archive/refused": "archive folder zh-CN/news/x is a symlink leading out of the archive (to /o)",
             "import-json/requested": 2, "item_dropped_count": 2, "article/dropped/unsafe_folder": 2}
    decision = decide_exit(stats, "import-json", finish_reason="archive_refused")
    assert (decision.code, decision.reasons) == (EXIT_ERRORS, [stats["archive/refused"]])

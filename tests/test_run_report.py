"""The JSON run report (crawler/report.py): a real crawl over 127.0.0.1, and the writer."""

from __future__ import annotations

import datetime as dt
import json

from crawler.report import ExitDecision, build_report, write_atomic
from tests.support.server import TestServer
from tests.support.spiders import add_test_site, run_fixturetest


def test_report_of_a_real_crawl(tmp_path):
    rep = tmp_path / "run" / "report.json"
    with TestServer() as server:
        add_test_site(server, reset_article="T2", fallback_article="T1")
        result = run_fixturetest(server.base, tmp_path / "archive", f"RUN_REPORT={rep}", "RUN_MAX_ERRORS=5")
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(rep.read_text(encoding="utf-8"))
    assert data["spider"] == "fixturetest"
    start = dt.datetime.fromisoformat(data["start_time"].replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(data["end_time"].replace("Z", "+00:00"))
    assert start.tzinfo == dt.timezone.utc and start <= end
    assert (data["discovered"], data["skipped_known"], data["requested"]) == (3, 0, 3)
    assert (data["written"], data["skipped_existing"], data["dropped"]) == (2, 0, {})
    assert data["body_fallbacks"] == 1 and data["body_fallbacks_by_kind"] == {"originContent": 1}
    errors = data["errors"]
    # T2 was reset mid-body twice (RETRY_TIMES=1): one failed download, given up at ERROR and
    # logged as "Error downloading" (no errback): two ERROR lines.
    assert sum(errors["download_failed"].values()) == 1
    assert sum(errors["downloader_exceptions"].values()) == 2
    assert errors["log_error"] == 2 and errors["counted"] == 2 and errors["max"] == 5
    assert data["finish_reason"] == "finished"
    assert data["exit_status"] == {"code": 0, "name": "ok", "reasons": []}
    assert data["replay"] is None
    assert data["stats"]["archive/written"] == 2
    assert [p.name for p in rep.parent.iterdir()] == ["report.json"]  # no temporary file left


def test_report_names_the_prefix_of_any_spider():
    stats = {"news/discovered": 4, "news/skipped_known": 1, "news/requested": 3,
             "news/skipped_type/video": 2, "archive/written": 3, "article/dropped/removed": 1,
             "spider_exceptions/ValueError": 1, "downloader/response_status_count/404": 1,
             "downloader/response_status_count/200": 5, "log_count/ERROR": 1,
             "start_time": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)}
    now = dt.datetime(2024, 1, 1, 0, 5, tzinfo=dt.timezone.utc)
    data = build_report(stats, "news", ExitDecision(1, ["x"]), start=now, end=now, finish_reason="finished", max_errors=0)
    assert (data["discovered"], data["skipped_known"], data["requested"]) == (4, 1, 3)
    assert data["skipped_types"] == {"video": 2}
    assert data["dropped"] == {"removed": 1}
    assert data["errors"]["spider_exceptions"] == {"ValueError": 1}
    assert data["errors"]["http_status"] == {"404": 1}
    assert data["start_time"] == "2024-01-01T00:05:00Z"
    assert data["stats"]["start_time"] == "2024-01-01T00:00:00+00:00"
    json.dumps(data)  # serialisable


def test_write_atomic_replaces_the_whole_file(tmp_path):
    target = tmp_path / "r.json"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]

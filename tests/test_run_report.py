"""The JSON run report (crawler/report.py): a real crawl over 127.0.0.1, and the writer."""

from __future__ import annotations

import datetime as dt
import json

import os

import pytest

from crawler.report import ExitDecision, build_report, write_atomic
from tests.support.cli import run_scrapy
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
    assert (data["written"], data["skipped_existing"], data["dropped"], data["scraped"]) == (2, 0, {}, 2)
    assert data["body_fallbacks"] == 1 and data["body_fallbacks_by_kind"] == {"originContent": 1}
    errors = data["errors"]
    # T2 was reset mid-body twice (RETRY_TIMES=1): one failed download, one error, although
    # it logged two ERROR lines ("Gave up retrying", and "Error downloading": no errback).
    assert sum(errors["download_failed"].values()) == 1
    assert sum(errors["downloader_exceptions"].values()) == 2
    assert errors["log_error"] == 2 and errors["counted"] == 1 and errors["max"] == 5
    assert {kind: n for kind, n in errors["by_kind"].items() if n} == {"download_failed": 1}
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
             "news/skipped_paid": 2, "other/skipped_paid": 7, "news/time_fallback": 1,
             "news/fallback/body": 2, "news/fallback/time": 1, "news/selector_missed/title": 1,
             "item_scraped_count": 3, "images/articles": 2, "images/downloaded": 3, "images/rewritten": 4,
             "images/failed": 2, "images/failed/http_404": 1, "images/failed/svg": 1,
             "start_time": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)}
    now = dt.datetime(2024, 1, 1, 0, 5, tzinfo=dt.timezone.utc)
    data = build_report(stats, "news", ExitDecision(1, ["x"]), start=now, end=now, finish_reason="finished", max_errors=0)
    assert (data["discovered"], data["skipped_known"], data["requested"]) == (4, 1, 3)
    assert data["skipped_types"] == {"video": 2}
    assert data["skipped"] == {"skipped_known": 1, "skipped_paid": 2}  # this source's, by their names
    assert (data["scraped"], data["time_fallbacks"]) == (3, 1)
    assert data["fallbacks"] == {"body": 2, "time": 1} and data["selector_missed"] == {"title": 1}
    assert data["images"] == {"articles": 2, "downloaded": 3, "uptodate": 0, "cached": 0, "rewritten": 4,
                              "failed": 2, "failed_by_reason": {"http_404": 1, "svg": 1}}
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


def test_write_atomic_never_writes_through_a_symlink(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    (tmp_path / "run").mkdir()
    os.symlink(outside, tmp_path / "run" / f".r.json.{os.getpid()}.tmp")  # the temporary name
    with pytest.raises(OSError):
        write_atomic(tmp_path / "run" / "r.json", "new")
    assert outside.read_text() == "keep" and not (tmp_path / "run" / "r.json").exists()


# RUN_REPORT that cannot be written: the run fails (1) with one line, the articles are kept.
UNWRITABLE = {
    "a_directory_in_its_place": (lambda tmp: (tmp / "report.json").mkdir(), "report.json", "Is a directory"),
    "its_directory_is_a_file": (lambda tmp: (tmp / "reports").write_text("x"), "reports/report.json", "File exists"),
}


@pytest.mark.parametrize("case", sorted(UNWRITABLE))
def test_unwritable_report_fails_the_crawl(tmp_path, case):
    make, name, why = UNWRITABLE[case]
    make(tmp_path)
    with TestServer() as server:
        add_test_site(server)
        result = run_fixturetest(server.base, tmp_path / "archive", f"RUN_REPORT={tmp_path / name}")
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1] == (f"scrapy crawl fixturetest: exit status 1 (errors): "
                                              f"RUN_REPORT {tmp_path / name} could not be written: {why}")
    assert len(list((tmp_path / "archive").rglob("*.md"))) == 3


def test_report_in_a_read_only_directory_fails_the_crawl(tmp_path):
    """As root with CAP_DAC_OVERRIDE dropped in the child, so that the mode applies to it too."""
    import subprocess
    import sys

    from tests.support.cli import ROOT
    from tests.support.privileges import unprivileged

    reports = tmp_path / "reports"
    reports.mkdir()
    reports.chmod(0o555)
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCRAPY_SETTINGS_MODULE="crawler.settings")
    try:
        with TestServer() as server:
            add_test_site(server)
            result = subprocess.run(
                [sys.executable, "-m", "scrapy", "crawl", "fixturetest", "-s", "SPIDER_MODULES=tests.support.spiders",
                 "-a", f"base={server.base}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                 "-s", f"RUN_REPORT={reports / 'report.json'}"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                preexec_fn=unprivileged())
    finally:
        reports.chmod(0o755)
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1] == (f"scrapy crawl fixturetest: exit status 1 (errors): "
                                              f"RUN_REPORT {reports / 'report.json'} could not be written: "
                                              "Permission denied")
    assert list(reports.iterdir()) == []


def test_unwritable_report_fails_the_import(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "list.json").write_text(json.dumps({"data": [{
        "id": "70002", "title": "报告测试", "description": "<p>自己写的正文。</p>", "link": "https://example.test/a/2",
        "pub_date": "2025-02-08 21:01:46", "source": "demo", "kind": 1, "language": "zh-CN"}]}), encoding="utf-8")
    (tmp_path / "report.json").mkdir()
    result = run_scrapy("import-json", str(tmp_path / "demo" / "list.json"), "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                        "-s", f"RUN_REPORT={tmp_path / 'report.json'}")
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1] == (f"scrapy import-json: exit status 1 (errors): "
                                              f"RUN_REPORT {tmp_path / 'report.json'} could not be written: "
                                              "Is a directory")
    assert (tmp_path / "archive" / "zh-CN" / "news" / "demo" / "70002.zh-CN.md").is_file()


def test_unwritable_report_fails_crawlall(tmp_path):
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "morningstar" / "nightly"
    (tmp_path / "report.json").mkdir()
    result = run_scrapy("crawlall", "morningstar", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                        "-s", f"RUN_REPORT={tmp_path / 'report.json'}", "-s", "AUTOTHROTTLE_ENABLED=False",
                        "-s", "DOWNLOAD_DELAY=0",
                        "-s", "CRAWLALL_SOURCE_SETTINGS=" + json.dumps({"morningstar": {"FIXTURES_REPLAY": str(fixture)}}))
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-2:] == [
        "scrapy crawlall: exit status 1 (errors); sources: morningstar 0",
        f"  RUN_REPORT {tmp_path / 'report.json'} could not be written: Is a directory"]
    assert len(list((tmp_path / "archive").rglob("*.md"))) == 3

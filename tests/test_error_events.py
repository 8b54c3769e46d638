"""The run's errors are counted from the events (crawler.report.ERROR_KINDS), not from log
lines: `-s LOG_LEVEL=CRITICAL` hides every ERROR line and changes neither status nor report."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run_scrapy
from tests.support.crash_spiders import add_crash_site
from tests.support.server import TestServer


@pytest.mark.parametrize("level", ["CRITICAL", "INFO"])
def test_crashed_callback_and_item_error_at_any_log_level(tmp_path, level):
    report = tmp_path / "report.json"
    with TestServer() as server:
        add_crash_site(server)
        result = run_scrapy("crawl", "crashfeed", "-s", "SPIDER_MODULES=tests.support.crash_spiders",
                            "-a", f"base={server.base}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                            "-s", f"RUN_REPORT={report}", "-s", "RUN_MAX_ERRORS=1", "-s", f"LOG_LEVEL={level}")
    assert result.returncode == 1, result.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    errors = data["errors"]
    assert {kind: n for kind, n in errors["by_kind"].items() if n} == {"spider_error": 1, "item_error": 1}
    assert errors["spider_errors"] == {"JSONDecodeError": 1} and errors["item_errors"] == {"OSError": 1}
    assert errors["counted"] == 2
    assert data["exit_status"]["code"] == 1
    assert data["exit_status"]["reasons"] == [
        "2 error(s), more than RUN_MAX_ERRORS=1 (1 spider error(s), 1 item error(s))"]
    if level == "CRITICAL":
        assert errors["log_error"] == 0  # no line said so


def test_aborted_import_at_log_level_critical(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    good = {"id": "70001", "title": "导入测试", "description": "<p>自己写的正文。</p>", "link": "https://example.test/a/1",
            "pub_date": "2025-02-08 21:01:46", "source": "demo", "kind": 1, "language": "zh-CN"}
    # A line nested deeper than Python's JSON decoder goes: the import stops with an exception
    # (RecursionError from start(), a spider error) instead of a counted bad file.
    deep = "[" * 100_000 + "]" * 100_000
    path = folder / "items.jsonl"
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n" + deep + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = run_scrapy("import-json", str(path), "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                        "-s", f"RUN_REPORT={report}", "-s", "LOG_LEVEL=CRITICAL")
    assert result.returncode == 1, result.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["exit_status"]["code"] == 1
    assert data["errors"]["counted"] == 1 and data["errors"]["log_error"] == 0

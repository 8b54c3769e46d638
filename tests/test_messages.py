"""Messages of failures (issue 11, section 8): an item error is one line naming the article's
link and the error, never the item."""

from __future__ import annotations

import json

from crawler import settings as project_settings
from tests.support.cli import run_scrapy

BODY_SENTENCE = "这是一段只属于本测试的正文句子。"


def _legacy_item(n: int) -> dict:
    return {"id": f"9100{n}", "title": f"磁盘测试 {n}", "description": f"<p>{BODY_SENTENCE * 200}</p>",
            "link": f"https://example.test/disk/{n}", "pub_date": "2025-02-08 21:01:46", "source": "demo",
            "kind": 1, "language": "zh-CN", "image": "", "author": "编辑"}


def test_item_error_logs_the_link_and_the_error_not_the_item(tmp_path):
    (tmp_path / "demo").mkdir()
    path = tmp_path / "demo" / "list.json"
    path.write_text(json.dumps({"data": [_legacy_item(1), _legacy_item(2)]}, ensure_ascii=False), encoding="utf-8")
    pipelines = dict(project_settings.ITEM_PIPELINES)
    # Just before the archive writer, where a full disk fails an article.
    pipelines["tests.support.failing_pipeline.DiskFull"] = pipelines["pipelines.archive.ArchiveWriter"] - 1
    report = tmp_path / "report.json"
    result = run_scrapy("import-json", str(path), "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                        "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", "-s", f"RUN_REPORT={report}")
    assert result.returncode != 0, result.stderr[-3000:]
    assert BODY_SENTENCE not in result.stderr
    assert "磁盘测试" not in result.stderr  # nor the title: no field of the item but its link
    for n in (1, 2):
        lines = [line for line in result.stderr.splitlines() if f"https://example.test/disk/{n}" in line]
        assert len(lines) == 1, lines
        assert "No space left on device" in lines[0]
    assert len(result.stderr) < 12_000, len(result.stderr)
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["written"] == 0 and summary["errors"]["counted"] == 2

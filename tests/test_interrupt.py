"""SIGTERM stops `scrapy import-json` and `scrapy crawl` with status 6 and the run report, once
or twice: the real commands in subprocesses, the signal sent once files (or requests) appear."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import frontmatter
import pytest

from tests.support.cli import ROOT
from tests.support.qq_site import CLEAN_ENV, QqSite, archive_articles, page_html, qq_command
from tests.support.server import Reply, TestServer, slow

ITEMS = 20_000  # far more than an import writes in the moment the signal takes
PARAGRAPH = "这是导入测试的正文，内容由测试自己生成。"
HOOK = "/services/T000/B000/hook"  # the alert webhook on the test server


def write_items(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            fh.write(json.dumps({
                "id": f"6{n:07d}", "title": f"中断测试 {n}", "description": f"<p>{PARAGRAPH * 8}第{n}篇。</p>",
                "link": f"https://example.test/i/{n}", "pub_date": "2025-02-08 21:01:46", "source": "demo",
                "kind": 1, "language": "zh-CN", "image": "", "author": "编辑"}, ensure_ascii=False) + "\n")


class Run:
    """`python -m scrapy ARGS` in a subprocess; its stderr lines are read as they come."""

    def __init__(self, args: list[str], env: dict | None = None):
        environment = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
                           **(env or {}))
        environment.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        self.process = subprocess.Popen([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=environment,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def err(self) -> str:
        return "\n".join(self.lines)

    def wait_until(self, condition, what: str, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        while not condition():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                self.process.wait()
                pytest.fail(f"never saw {what} (exit {self.process.returncode}): {self.err[-3000:]}")
            time.sleep(0.02)

    def terminate(self, times: int) -> None:
        """SIGTERM, and again once the first was received (signals sent at once merge into one)."""
        self.process.send_signal(signal.SIGTERM)
        if times > 1:
            self.wait_until(lambda: any("Received SIGTERM" in line for line in self.lines), "the first SIGTERM taken")
            self.process.send_signal(signal.SIGTERM)

    def finish(self, limit: float = 120) -> int:
        try:
            self.process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"still running {limit} s after SIGTERM: {self.err[-3000:]}")
        self.reader.join()
        return self.process.returncode


def visible_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def assert_whole(files: list[Path]) -> None:
    for path in files:
        post = frontmatter.load(path)
        n = int(path.name.split(".")[0]) - 60_000_000
        assert post["title"] == f"中断测试 {n}", path
        assert f"第{n}篇。" in post.content and post.content.endswith(f"[demo](https://example.test/i/{n})"), path


@pytest.fixture(scope="module")
def items_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("items") / "demo" / "items.jsonl"
    path.parent.mkdir()
    write_items(path, ITEMS)
    return path


def import_json(items_file: Path, tmp_path: Path, signals: int):
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    folder = archive / "zh-CN" / "news" / "demo"
    run = Run(["import-json", str(items_file), "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={report}",
               "-s", "LOG_LEVEL=INFO"])
    run.wait_until(lambda: bool(visible_files(folder)), "a first file")
    run.terminate(signals)
    code = run.finish()
    assert report.is_file(), run.err[-3000:]
    return code, run.err, json.loads(report.read_text(encoding="utf-8")), folder


def test_import_json_stops_on_sigterm(items_file, tmp_path):
    code, err, report, folder = import_json(items_file, tmp_path, 1)
    assert code == 6, err[-3000:]
    assert report["exit_status"]["code"] == 6 and report["finish_reason"] == "shutdown"
    files = visible_files(folder)
    assert 0 < len(files) == report["written"] < ITEMS  # it stopped
    assert_whole(files)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != ".dropped.tsv"] == []
    assert err.splitlines()[-1] == "scrapy import-json: exit status 6 (interrupted): the run did not finish " \
                                   "(finish reason 'shutdown')"


def test_import_json_second_sigterm_is_6_with_report(items_file, tmp_path):
    code, err, report, folder = import_json(items_file, tmp_path, 2)
    assert code == 6, err[-3000:]
    assert report["exit_status"]["code"] == 6
    # Closed before the second signal arrived ("shutdown"), or stopped by it ("shutdown_forced").
    assert report["finish_reason"] in ("shutdown", "shutdown_forced")
    files = visible_files(folder)
    assert 0 < len(files) < ITEMS
    assert_whole(files)


def test_crawl_second_sigterm_is_6_with_report(tmp_path):
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    with TestServer() as server:
        site = QqSite(server)
        page = page_html("慢页", "<p>正文一段。</p>").encode("utf-8")
        # Pages that answer after 8 s: the graceful close waits for them, the second signal does not.
        arts = [site.article(f"SLW{n}", slow(8, body=page, headers={"Content-Type": "text/html; charset=utf-8"}))
                for n in range(3)]
        site.feed("slow", [a.entry() for a in arts])
        # The webhook answers late, with a redirect: its GET arrives only when the post was
        # seen to its end, not dropped as the process exits.
        server.add("POST", HOOK, Reply(status=302, headers={"Location": server.url(HOOK + "/done")}, delay=1))
        server.add("GET", HOOK + "/done", Reply(body=b"ok"))
        run = Run(qq_command(server, archive, "slow", "DOWNLOAD_TIMEOUT=30", f"RUN_REPORT={report}",
                             f"RUN_ALERT_WEBHOOK={server.url(HOOK)}"), env=CLEAN_ENV)
        run.wait_until(lambda: any(p.startswith("/rain/a/") for p in server.requested("GET")), "an article request")
        run.terminate(2)
        code = run.finish(limit=60)
        alerts = [json.loads(r.body)["text"] for r in server.requests if r.method == "POST" and r.path == HOOK]
        answered = server.count(HOOK + "/done", "GET")
    assert code == 6, run.err[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["finish_reason"] == "shutdown_forced"
    assert data["exit_status"] == {"code": 6, "name": "interrupted",
                                   "reasons": ["the run did not finish (finish reason 'shutdown_forced')"]}
    assert not archive_articles(archive)
    # The report decided after the reactor stopped reaches the run history and the alert too.
    (kept,) = (archive / ".newsarchive-runs").glob("*_qq_*.json")
    assert json.loads(kept.read_text(encoding="utf-8"))["exit_status"] == data["exit_status"]
    assert len(alerts) == 1 and alerts[0].split("\n")[1] == \
        "qq: exit status 6 (interrupted): the run did not finish (finish reason 'shutdown_forced')"
    assert answered == 1

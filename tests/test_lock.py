"""The archive lock (crawler/lock.py): two runs on one archive never overlap; exit status 7."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.lock import LockHeld, acquire, lock_path, release
from crawler.report import EXIT_LOCKED, decide_exit
from crawler.settings import ARCHIVE_LOCK_FILE
from tests.support.cli import ROOT
from tests.support.qq_site import (CLEAN_ENV, QqSite, archive_articles, feed_answer, load_report, qq_command,
                                   run_qq)
from tests.support.server import Reply, TestServer

HOLD = ("import sys, time; from crawler.lock import acquire; acquire(sys.argv[1]); "
        "print('locked', flush=True); time.sleep(60)")


def _env() -> dict:
    env = dict(os.environ, **CLEAN_ENV)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return env


def _holder(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT, env=_env())
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_file_is_hidden_in_the_archive(tmp_path):
    assert lock_path(tmp_path, ARCHIVE_LOCK_FILE) == tmp_path.resolve() / ARCHIVE_LOCK_FILE
    assert ARCHIVE_LOCK_FILE.startswith(".")  # Hugo ignores dotfiles
    with pytest.raises(ValueError):
        lock_path(tmp_path, "../elsewhere")


def test_another_process_holds_it_then_dies_without_a_stale_lock(tmp_path):
    path = tmp_path / "archive" / ARCHIVE_LOCK_FILE
    proc = _holder(path)
    try:
        with pytest.raises(LockHeld) as info:
            acquire(path)
        assert f"pid {proc.pid}" in info.value.holder
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    key = acquire(path)  # the kernel dropped the dead process's lock
    release(key)
    assert path.exists()  # the file stays; only the flock mattered


def test_crawlers_of_one_process_share_the_lock(tmp_path):
    path = tmp_path / ARCHIVE_LOCK_FILE
    first, second = acquire(path), acquire(path)
    assert first == second
    release(first)
    proc = subprocess.run([sys.executable, "-c", "import sys; from crawler.lock import acquire; acquire(sys.argv[1])",
                           str(path)], cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert proc.returncode != 0 and "LockHeld" in proc.stderr  # still held by `second`
    release(second)
    release(acquire(path))


def test_decide_exit_locked_wins():
    stats = {"archive/lock/held_by_other": 1, "archive/lock/file": "/a/.newsarchive.lock",
             "archive/lock/holder": "pid 42 on host, started 2025-01-01T00:00:00Z", "log_count/ERROR": 3}
    decision = decide_exit(stats, "qq", finish_reason="archive_locked")
    assert decision.code == EXIT_LOCKED == 7
    assert decision.reasons[0] == ("another run holds the archive lock /a/.newsarchive.lock "
                                   "(pid 42 on host, started 2025-01-01T00:00:00Z); this run did not crawl")


def test_second_crawl_on_the_same_archive_exits_7(tmp_path):
    archive = tmp_path / "archive"
    with TestServer() as server:
        site = QqSite(server)
        arts = [site.article(f"L{n}") for n in range(3)]
        # The feed answers after 3 s: the first run holds the lock meanwhile.
        site.feed("c1", Reply(body=feed_answer([a.entry() for a in arts]),
                              headers={"Content-Type": "application/json"}, delay=3.0))
        first = subprocess.Popen([sys.executable, "-m", "scrapy", *qq_command(server, archive, "c1",
                                  f"RUN_REPORT={tmp_path / 'first.json'}", "DOWNLOAD_TIMEOUT=10")],
                                 cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            lock = archive / ARCHIVE_LOCK_FILE
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not server.requested("POST"):
                time.sleep(0.05)
            assert server.requested("POST"), "the first run never asked for the feed"
            assert f"pid {first.pid}" in lock.read_text()
            before = len(server.requests)
            started = time.monotonic()
            second = run_qq(server, archive, "c1", report=tmp_path / "second.json")
            took = time.monotonic() - started
            assert len(server.requests) == before, [(r.method, r.path, r.at, started) for r in server.requests]  # the second run made no request at all
        finally:
            first_err = first.communicate(timeout=60)[1]
    assert second.returncode == 7, second.stderr[-3000:]
    lines = [ln for ln in second.stderr.splitlines() if "archive lock" in ln and "ERROR" in ln]
    assert len(lines) == 1, lines
    assert "Run failed (exit status 7, locked): another run holds the archive lock" in lines[0]
    assert f"pid {first.pid}" in lines[0]
    assert str(archive.resolve() / ARCHIVE_LOCK_FILE) in lines[0]
    assert took < 30
    rep = load_report(tmp_path / "second.json")
    assert rep["finish_reason"] == "archive_locked" and rep["lock"]["held_by_other"] is True
    assert rep["exit_status"]["code"] == 7
    # The first run was not disturbed.
    assert first.returncode == 0, first_err[-3000:]
    assert sorted(archive_articles(archive)) == sorted(f"{a.id}.zh-CN.md" for a in arts)


def test_a_killed_run_leaves_no_stale_lock(tmp_path):
    archive = tmp_path / "archive"
    with TestServer() as server:
        site = QqSite(server)
        art = site.article("K1")
        server_feed = Reply(body=feed_answer([art.entry()]), headers={"Content-Type": "application/json"})
        site.feed("slow", Reply(body=server_feed.body, headers=server_feed.headers, delay=5.0))
        site.feed("fast", server_feed)
        victim = subprocess.Popen([sys.executable, "-m", "scrapy", *qq_command(server, archive, "slow")],
                                  cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not server.requested("POST"):
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        again = run_qq(server, archive, "fast")
    assert again.returncode == 0, again.stderr[-3000:]
    assert list(archive_articles(archive)) == [f"{art.id}.zh-CN.md"]

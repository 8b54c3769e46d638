"""Crash safety: the real `scrapy crawl qq`, killed with SIGKILL at several moments, then rerun.

A slow local qq site (feed after 1 s, each page after 0.3 s, two requests at a time, large
bodies so that writing a file takes a while) is crawled by a subprocess that is killed:
1. while it waits for the feed (nothing written yet);
2. right after its first article file appeared;
3. while a file is being written: the archive folder is polled and the process is killed the
   moment a temporary file (`.<digest>.<pid>.<rand>.tmp`) is there; tried until a kill leaves
   one behind (up to 6 tries).
Then the same command runs to completion. Afterwards every expected article is in the archive
exactly once, every file is whole (parses with python-frontmatter, ends with the closing link),
and no temporary file is left (dotfiles are never read by Hugo anyway; the lock file is the only
dotfile that stays).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import frontmatter

from crawler.archive import TEMP_FILE
from tests.support.cli import ROOT
from tests.support.qq_site import CLEAN_ENV, QqSite, archive_articles, feed_answer, page_html, qq_command, run_qq
from tests.support.server import Reply, TestServer

N = 24
SLOW = ("CONCURRENT_REQUESTS=2", "DOWNLOAD_TIMEOUT=20")
PARAGRAPH = "<p>" + "崩溃安全测试的正文段落，内容为虚构。" * 40 + "</p>"  # ~ 2 KB of text


def _env() -> dict:
    env = dict(os.environ, **CLEAN_ENV)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return env


def _folder(archive: Path) -> Path:
    return archive / "zh-CN" / "news" / "qq"


def _temps(archive: Path) -> list[str]:
    try:
        return [e.name for e in os.scandir(_folder(archive)) if TEMP_FILE.match(e.name)]
    except FileNotFoundError:
        return []


def _start(server, archive):
    return subprocess.Popen([sys.executable, "-m", "scrapy", *qq_command(server, archive, "c1", *SLOW)],
                            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when(proc, condition, limit: float = 60.0, poll: float = 0.0005) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(poll)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    return False


def test_sigkill_at_several_moments_then_rerun(tmp_path):
    archive = tmp_path / "archive"
    with TestServer() as server:
        site = QqSite(server)
        arts = []
        for n in range(N):
            body = PARAGRAPH * 60  # ~ 120 KB of text per article
            page = page_html(f"崩溃测试{n}", body).encode("utf-8")
            arts.append(site.article(f"C{n:02d}", Reply(body=page, headers={"Content-Type": "text/html; charset=utf-8"},
                                                        delay=0.3), title=f"崩溃测试{n}", body=body))
        site.feed("c1", Reply(body=feed_answer([a.entry() for a in arts]),
                              headers={"Content-Type": "application/json"}, delay=1.0))
        expected = {f"{a.id}.zh-CN.md": a for a in arts}

        # 1. while waiting for the feed
        proc = _start(server, archive)
        assert _kill_when(proc, lambda: bool(server.requested("POST")))
        assert not archive_articles(archive)

        # 2. right after the first file appeared
        proc = _start(server, archive)
        assert _kill_when(proc, lambda: bool(archive_articles(archive)))
        after_second = set(archive_articles(archive))
        assert 0 < len(after_second) < N

        # 3. while a file is being written
        left_temp = False
        for _ in range(6):
            proc = _start(server, archive)
            killed = _kill_when(proc, lambda: bool(_temps(archive)))
            if killed and _temps(archive):
                left_temp = True
                break
        assert left_temp, "no kill happened while a file was being written"
        assert len(archive_articles(archive)) < N

        # then to completion
        final = run_qq(server, archive, "c1", *SLOW, timeout=300)
    assert final.returncode == 0, final.stderr[-3000:]
    assert re.search(r"Removed [1-9]\d* temporary file\(s\) left by a killed run", final.stderr)

    files = archive_articles(archive)
    assert sorted(files) == sorted(expected)  # each exactly once: names are the ids
    for name, path in files.items():
        text = path.read_text(encoding="utf-8")
        post = frontmatter.loads(text)
        assert post["title"] == expected[name].title
        assert text.endswith(f"[qq](https://new.qq.com/rain/a/{expected[name].id})\n")
        assert "崩溃安全测试的正文段落" in post.content
    dotfiles = sorted(p.name for p in archive.rglob(".*"))
    assert dotfiles == [".newsarchive-runs", ".newsarchive.lock"], dotfiles  # the lock, the run history
    assert not list(archive.rglob("*.tmp"))

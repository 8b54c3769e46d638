"""What a real crawl in a test left behind: the articles' files under an archive, its run report
(RUN_REPORT, crawler/report.py: the counters by name, never the log's stats dump), and the
check every fixture crawl gets: replayed twice, the second run requests no article."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support.cli import run_scrapy


def archive_files(root: Path) -> dict[str, bytes]:
    """The articles' files under an archive root (relative POSIX path -> bytes); hidden run
    state (the lock, the drop ledger) is not compared here."""
    root = Path(root)
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))
            if p.is_file() and not p.name.startswith(".")}


QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")


def replay(source: str, fixture, *args: str, env: dict | None = None):
    """`crawl(archive, *more)`: the real `scrapy crawl <source>` replaying the fixture folder (no
    network, the site's own URLs) into `archive`, for check_crawl_twice."""
    def crawl(archive, *more):
        return run_scrapy("crawl", source, "-s", f"FIXTURES_REPLAY={fixture}", "-s", f"ARCHIVE_DIR={archive}",
                          *QUIET, *args, *more, env=env)
    return crawl


def run_with_report(run, report: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """`run(*args, "-s", "RUN_REPORT=<report>")` (a function running scrapy) and the run report it wrote."""
    result = run(*args, "-s", f"RUN_REPORT={report}")
    assert report.is_file(), f"no run report: {result.stderr[-3000:]}"
    return result, json.loads(report.read_text(encoding="utf-8"))


def check_crawl_twice(fixture: Path, crawl, tmp: Path, *, articles: int = 3,
                      article_requests=None) -> tuple[dict, dict]:
    """The real crawl `crawl(archive, *args)` of a fixture folder writes exactly the folder's
    `expected/` files, requests `articles` article pages (its own clock gives no time); a second
    run skips them all as known, requests none and writes nothing. `article_requests()`, when
    given, lists the article requests the server saw so far. Returns the two run reports."""
    archive = tmp / "archive"
    expected = archive_files(fixture / "expected")
    assert len(expected) == articles
    first, one = run_with_report(lambda *args: crawl(archive, *args), tmp / "first.json")
    assert first.returncode == 0 and one["exit_status"]["code"] == 0, first.stderr[-3000:]
    assert archive_files(archive) == expected, first.stderr[-3000:]
    assert (one["requested"], one["written"], one["skipped_known"]) == (articles, articles, 0)
    assert one["time_fallbacks"] == 0
    if article_requests:
        assert len(article_requests()) == articles
    second, two = run_with_report(lambda *args: crawl(archive, *args), tmp / "second.json")
    assert second.returncode == 0 and two["exit_status"]["code"] == 0, second.stderr[-3000:]
    assert (two["requested"], two["written"], two["skipped_known"]) == (0, 0, articles)
    if article_requests:
        assert len(article_requests()) == articles  # none requested again
    assert archive_files(archive) == expected
    return one, two


def crawl_given_links(fixture: Path, crawl, tmp: Path, *links: str) -> tuple[subprocess.CompletedProcess, dict, list]:
    """The fixture served on 127.0.0.1 and `crawl(server, archive, "-a", "urls=…")` run on the
    `links` (the site's own links, fetched without discovery): (result, run report, the paths
    the server was asked for, robots.txt left out). The archive is `tmp / "given"`."""
    from tests.support.server import TestServer

    with TestServer() as server:
        server.load_fixture(fixture)
        result, report = run_with_report(lambda *args: crawl(server, tmp / "given", "-a", f"urls={','.join(links)}", *args),
                                         tmp / "given.json")
        asked = [p for p in server.requested() if p != "/robots.txt"]
    return result, report, asked

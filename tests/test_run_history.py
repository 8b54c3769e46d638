"""The run history (crawler/run_history.py) and `scrapy runs` (table and HTML page): real
crawls write it, real Hugo does not publish it, real headless Chromium shows the page."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from crawler.run_history import load_runs, write_run
from tests.support.cli import ROOT, run_scrapy
from tests.support.qq_site import CLEAN_ENV, QqSite, run_qq
from tests.support.run_reports import HOSTILE, sample_nights, write_reports
from tests.support.server import Reply, TestServer

HISTORY = ".newsarchive-runs"
QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")
NAME = re.compile(r"^\d{8}T\d{6}Z_(?P<source>[A-Za-z0-9_.-]+)_(?P<pid>\d+)(-\d+)?\.json$")


def replay_site(site: str, fixture: str, archive: Path, *extra: str):
    return run_scrapy("crawl", "generic", "-a", f"site={site}", "-s", f"FIXTURES_REPLAY={ROOT / 'fixtures' / fixture / 'nightly'}",
                      "-s", f"ARCHIVE_DIR={archive}", *QUIET, *extra)


def history(archive: Path) -> list[Path]:
    return sorted((archive / HISTORY).iterdir())


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ------------ writing


def test_every_run_adds_its_report_never_overwriting(tmp_path):
    archive = tmp_path / "archive"
    reports = []
    for night in (1, 2):
        path = tmp_path / f"report{night}.json"
        result = replay_site("techcrunch", "techcrunch", archive, "-s", f"RUN_REPORT={path}")
        assert result.returncode == 0, result.stderr[-3000:]
        reports.append(load(path))
    assert (reports[0]["written"], reports[1]["written"]) == (3, 0)  # the second night finds nothing new
    files = history(archive)
    assert len(files) == 2, files
    for path in files:
        assert NAME.match(path.name).group("source") == "techcrunch", path.name
    # Each file is that run's report, whole (the same JSON as RUN_REPORT).
    kept = sorted((load(p) for p in files), key=lambda r: r["written"], reverse=True)
    assert kept == reports
    # Read back by `scrapy runs` from RUN_HISTORY_DIR's default place, inside ARCHIVE_DIR.
    table = run_scrapy("runs", "-s", f"ARCHIVE_DIR={archive}")
    assert table.returncode == 0, table.stderr
    rows = [line.split() for line in table.stdout.splitlines()[1:]]
    assert [(row[0], row[3], row[4], row[5], row[6]) for row in rows] == [
        ("techcrunch", "0", "ok", "3", "0"), ("techcrunch", "0", "ok", "0", "0")]


def test_a_taken_name_or_a_symlink_is_never_written_through(tmp_path):
    folder = tmp_path / "runs"
    folder.mkdir()
    report = {"spider": "qq", "start_time": "2025-03-10T19:17:00Z", "exit_status": {"code": 0}}
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    name = f"20250310T191700Z_qq_{os.getpid()}.json"
    (folder / name).symlink_to(outside)
    first = write_run(folder, report)
    second = write_run(folder, report)
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert (first.name, second.name) == (f"20250310T191700Z_qq_{os.getpid()}-2.json",
                                         f"20250310T191700Z_qq_{os.getpid()}-3.json")
    assert load(first) == load(second) == report
    assert sorted(p.name for p in folder.iterdir()) == sorted([name, first.name, second.name])  # no temporary left
    # A history folder that is a symlink is not written through either.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "linked").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OSError):
        write_run(tmp_path / "linked", report)
    assert list(elsewhere.iterdir()) == []
    # The reader leaves the symlink out, and says so.
    runs, problems = load_runs(folder)
    assert [r.file for r in runs] == [first.name, second.name]
    assert problems == [f"{name}: not read (a symbolic link)"]


def test_crawlall_keeps_one_file_per_source(tmp_path):
    archive = tmp_path / "archive"
    sources = {"techcrunch": str(ROOT / "fixtures/techcrunch/nightly"),
               # c114 replaying iyiou's folder: its first request is not recorded (status 5).
               "c114": str(ROOT / "fixtures/iyiou/nightly")}
    result = run_scrapy("crawlall", "techcrunch", "c114", "-s", f"ARCHIVE_DIR={archive}",
                        "-s", f"RUN_REPORT={tmp_path / 'all.json'}", *QUIET, "-s",
                        "CRAWLALL_SOURCE_SETTINGS=" + json.dumps({k: {"FIXTURES_REPLAY": v} for k, v in sources.items()}))
    assert result.returncode == 5, result.stderr[-3000:]
    combined = load(tmp_path / "all.json")
    by_source = {load(p)["spider"]: (p, load(p)) for p in history(archive)}
    assert sorted(by_source) == ["c114", "techcrunch"]
    for name, (path, data) in by_source.items():
        assert NAME.match(path.name).group("source") == name
        assert data["exit_status"] == combined["sources"][name]["exit_status"]
        assert data["written"] == combined["sources"][name]["written"]
    assert by_source["c114"][1]["exit_status"]["code"] == 5 and by_source["techcrunch"][1]["written"] == 3


def test_import_json_is_kept_too(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "list.json").write_text(json.dumps({"data": [{
        "id": "70001", "title": "历史记录测试", "description": "<p>我们自己写的一段正文。</p>",
        "link": "https://example.test/h/1", "pub_date": "2025-02-08 21:01:46", "source": "demo", "kind": 1,
        "language": "zh-CN", "image": "", "author": "编辑"}]}), encoding="utf-8")
    archive = tmp_path / "archive"
    result = run_scrapy("import-json", str(tmp_path / "demo" / "list.json"), "-s", f"ARCHIVE_DIR={archive}")
    assert result.returncode == 0, result.stderr[-3000:]
    (path,) = history(archive)
    assert NAME.match(path.name).group("source") == "import-json"
    assert load(path)["written"] == 1 and load(path)["exit_status"]["code"] == 0


def test_a_history_that_cannot_be_written_costs_neither_status_nor_report(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    report = tmp_path / "report.json"
    result = replay_site("techcrunch", "techcrunch", tmp_path / "archive", "-s", f"RUN_REPORT={report}",
                         "-s", f"RUN_HISTORY_DIR={blocker / 'runs'}")
    assert result.returncode == 0, result.stderr[-3000:]
    data = load(report)
    assert data["exit_status"]["code"] == 0 and data["written"] == 3
    assert not (tmp_path / "archive" / HISTORY).exists() and blocker.read_text(encoding="utf-8") == "not a folder"


def test_hugo_does_not_publish_the_history(tmp_path):
    hugo = shutil.which("hugo")
    if hugo is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("hugo is not installed, and CI=true: .ci/run installs it", pytrace=False)
        pytest.skip("hugo is not installed")
    root = tmp_path / "site"
    (root / "layouts" / "_default").mkdir(parents=True)
    # A single-language site whose content dir is ARCHIVE_DIR itself: the history folder is
    # inside what Hugo reads, and must stay out of what it publishes.
    (root / "hugo.toml").write_text('baseURL = "http://example.invalid/"\ncontentDir = "content"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n',
                                    encoding="utf-8")
    for layout in ("single", "list"):
        (root / "layouts" / "_default" / f"{layout}.html").write_text("<p>{{ .Title }}</p>", encoding="utf-8")
    archive = root / "content"
    result = replay_site("techcrunch", "techcrunch", archive)
    assert result.returncode == 0, result.stderr[-3000:]
    (kept,) = history(archive)
    # A Markdown file there too (a hand-made note): Hugo must skip the whole hidden folder.
    (archive / HISTORY / "note.md").write_text("---\ntitle: not published\n---\nx\n", encoding="utf-8")
    public = tmp_path / "public"
    build = subprocess.run([hugo, "--source", str(root), "--destination", str(public), "--quiet"],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    published = [str(p.relative_to(public)) for p in public.rglob("*")]
    assert any(p.endswith("index.html") and "news" in p for p in published), published  # the articles are there
    assert not [p for p in published if "newsarchive-runs" in p or p.endswith(".json") or "not-published" in p]
    assert not any("not published" in p.read_text(encoding="utf-8") for p in public.rglob("*.html"))


# ------------ the last error lines


def test_the_report_carries_the_last_error_lines(tmp_path):
    with TestServer() as server:
        site = QqSite(server)
        good = site.article("G1")
        broken = site.article("B1", Reply(status=500, body=b"down"))
        site.feed("c1", [good.entry(), broken.entry()])
        result = run_qq(server, tmp_path / "archive", "c1", "RETRY_TIMES=1", report=tmp_path / "r.json")
    assert result.returncode == 1, result.stderr[-3000:]
    data = load(tmp_path / "r.json")
    lines = data["stats"]["run/last_errors"]
    # Exactly the errors the run counted: the page given up after its retry.
    assert data["errors"]["counted"] == len(lines) == 1
    assert lines[0]["line"] == f"HTTP 500 after the retries: {broken.url}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", lines[0]["at"])
    (kept,) = history(tmp_path / "archive")
    assert load(kept)["stats"]["run/last_errors"] == lines


def test_a_failed_download_is_an_error_line_whatever_the_log_level(tmp_path):
    with TestServer() as server:
        closed = server.url("/feed")
    # The feed on a port nobody listens on, retries off, nothing logged below CRITICAL: the
    # spider's errback handles the failure, the run counts it, the report has its line.
    result = run_scrapy("crawl", "qq", "-a", "channels=c1", "-s", f"QQ_FEED_URL={closed}", "-s", "RETRY_ENABLED=False",
                        "-s", "LOG_LEVEL=CRITICAL",
                        "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", f"RUN_REPORT={tmp_path / 'r.json'}",
                        *QUIET, env=CLEAN_ENV)
    data = load(tmp_path / "r.json")
    assert result.returncode == data["exit_status"]["code"] == 4, result.stderr[-3000:]
    lines = data["stats"]["run/last_errors"]
    # Two requests went to the closed port: robots.txt, then the feed.
    robots = closed.replace("/feed", "/robots.txt")
    assert [line["line"].split(" (")[0] for line in lines] == [f"download failed: {robots}",
                                                                f"download failed: {closed}"], lines
    assert all("ConnectionRefusedError: " in line["line"] for line in lines)


# ------------ `scrapy runs`: the table


def sample_history(tmp_path: Path) -> Path:
    folder = tmp_path / "history"
    write_reports(folder, sample_nights(6))
    return folder


def test_runs_table_shows_the_last_nights(tmp_path):
    folder = sample_history(tmp_path)
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    result = run_scrapy("runs", "--dir", str(folder), "--last", "2")
    assert result.returncode == 0, result.stderr
    # One line on stderr for the bad file; the others are still shown.
    assert [line for line in result.stderr.splitlines() if "broken.json" in line] == [
        f"scrapy runs: {folder}/broken.json: not a run report (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))"]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["source", "started", "(UTC)", "status", "written", "dropped", "errors", "coverage",
                                "duration"]
    rows = [re.split(r"\s{2,}", line) for line in lines[1:]]
    # The hostile name: printed, its right-to-left override shown as "?".
    shown = HOSTILE.replace("\u202e", "?")
    assert rows == [
        [shown, "2025-03-05 19:17", "0 ok", "2", "0", "0", "body 100%", "42.0s"],
        [shown, "2025-03-06 19:17", "1 errors", "2", "0", "3", "body 100%", "42.0s"],
        ["qq", "2025-03-05 19:17", "0 ok", "8", "2 (empty_body 1, paid 1)", "0", "body 100%, thumbnail 75%, author 88%",
         "1m10s"],
        ["qq", "2025-03-06 19:17", "5 replay_miss", "7", "3 (empty_body 2, paid 1)", "0",
         "body 100%, thumbnail 71%, author 86%", "1m10s"],
        ["sina", "2025-03-05 19:17", "3 extraction_failure", "0", "7 (no_body 7)", "0", "body 0%", "42.0s"],
        ["sina", "2025-03-06 19:17", "0 ok", "6", "0", "0", "body 100%", "42.0s"],
    ]
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_runs_table_source_filter_and_threshold_mark(tmp_path):
    folder = sample_history(tmp_path)
    result = run_scrapy("runs", "--dir", str(folder), "--source", "qq", "--last", "30")
    rows = [re.split(r"\s{2,}", line) for line in result.stdout.splitlines()[1:]]
    assert [row[0] for row in rows] == ["qq"] * 6
    # Night 4: thumbnail 3 of 9 against 50%, judged (9 written >= 5): marked.
    assert rows[3][2:] == ["8 coverage", "9", "1 (paid 1)", "0", "body 100%, thumbnail 33% (<50%), author 89%", "1m08s"]
    missing = run_scrapy("runs", "--dir", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and missing.stderr.startswith("scrapy runs: no run history at ")


# ------------ `scrapy runs --html`: the page, in a real browser

CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--enable-logging=stderr", "--v=0")


def chromium(tmp_path: Path, page: Path, *mode: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed, and CI=true: .ci/run installs it", pytrace=False)
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}", *mode,
                           page.as_uri()], capture_output=True, text=True, timeout=120)


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to the browser's console (errors, blocked loads), as Chromium logs it."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_the_console_check_sees_a_page_that_loads_something(tmp_path):
    # The check below can fail: a page that tries to load an image (and runs a script) under
    # the same policy as ours leaves console lines.
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
                    '<p>x</p><img src="http://127.0.0.1:9/x.png"><script>nothing()</script>', encoding="utf-8")
    result = chromium(tmp_path, page, "--dump-dom")
    assert len(console_messages(result.stderr)) == 2, result.stderr[-3000:]


def test_runs_page_in_headless_chromium(tmp_path):
    folder = sample_history(tmp_path)
    # Plus a real crawl's own history file.
    result = replay_site("techcrunch", "techcrunch", tmp_path / "archive")
    assert result.returncode == 0, result.stderr[-3000:]
    for path in history(tmp_path / "archive"):
        shutil.copy(path, folder / path.name)
    page = tmp_path / "runs.html"
    made = run_scrapy("runs", "--dir", str(folder), "--last", "400", "--html", str(page))
    assert made.returncode == 0, made.stderr
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)  # nothing to fetch
    assert "<script" not in text and "&lt;script&gt;" in text

    shot = tmp_path / "runs.png"
    screenshot = chromium(tmp_path, page, "--window-size=1280,2400", f"--screenshot={shot}")
    assert screenshot.returncode == 0, screenshot.stderr[-3000:]
    assert console_messages(screenshot.stderr) == [], screenshot.stderr[-3000:]
    assert png_size(shot) == (1280, 2400) and shot.stat().st_size > 20_000

    dom = chromium(tmp_path, page, "--dump-dom")
    assert dom.returncode == 0 and console_messages(dom.stderr) == [], dom.stderr[-3000:]
    # Every source has its section, named in text; the hostile name is text, not markup.
    names = re.findall(r'<section class="source" id="source-\d+"><h2>(.*?)</h2>', dom.stdout)
    assert names == ["&lt;script&gt;alert(\"x\")&lt;/script&gt;&amp;amp;\ufffdevil", "qq", "sina", "techcrunch"]
    assert "<script" not in dom.stdout and "<img" not in dom.stdout and "<b>" not in dom.stdout
    # The overview: one row per source, the nights as columns, one cell per source and night.
    rows = re.findall(r'<tr><th class="src"><a href="#source-\d+">', dom.stdout)
    assert len(rows) == 4
    assert "Gave up retrying &lt;GET http://h/a&gt; &amp; more" in dom.stdout
    assert "errors by kind: download_failed 2, http_denied 1" in dom.stdout
    assert "fetched 7 article pages, wrote 0: body missing in 7" in dom.stdout


def test_runs_page_of_an_empty_history(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    page = tmp_path / "runs.html"
    made = run_scrapy("runs", "--dir", str(folder), "--html", str(page))
    assert made.returncode == 0 and "No run in the history." in page.read_text(encoding="utf-8")

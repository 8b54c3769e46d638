"""A run that never started (crawler/unstarted.py) still gets its report (status 1 and the
reason, RUN_REPORT when set), a run history file and an alert: `scrapy crawl` refusing its
`-a` arguments or failing to start, and a source of `scrapy crawlall` that cannot start.
Real subprocesses; the webhook is a local server that records the post."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import ROOT, run_scrapy
from tests.support.qq_site import CLEAN_ENV
from tests.support.server import Reply, TestServer

HOOK = "/services/T000/B000/hook"
HISTORY = ".newsarchive-runs"
QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")
# qq's -a hot= takes a boolean; "maybe" is refused before anything runs.
HOT_REFUSED = "qq spider: hot must be one of 1, true, yes, on, 0, false, no, off, got 'maybe'"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def history(archive: Path) -> dict[str, dict]:
    """The history files by source (one each)."""
    found = {}
    for path in sorted((archive / HISTORY).glob("*.json")):
        data = load(path)
        assert data["spider"] not in found, path
        found[data["spider"]] = data
    return found


def alerts(server: TestServer) -> list[list[str]]:
    return [json.loads(r.body)["text"].split("\n") for r in server.requests if r.method == "POST" and r.path == HOOK]


def crawl_qq(server: TestServer, tmp_path: Path, *extra: str):
    return run_scrapy("crawl", "qq", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                      "-s", f"RUN_REPORT={tmp_path / 'report.json'}", "-s", f"RUN_ALERT_WEBHOOK={server.url(HOOK)}",
                      "-s", f"QQ_FEED_URL={server.url('/feed')}", *QUIET, *extra, env=CLEAN_ENV)


def test_crawl_refusing_its_arguments_has_report_history_and_alert(tmp_path):
    with TestServer() as server:
        server.add("POST", HOOK, Reply(body=b"ok"))
        result = crawl_qq(server, tmp_path, "-a", "hot=maybe")
        posted = alerts(server)
        asked = [r.path for r in server.requests if r.path != HOOK]
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1].startswith(f"scrapy crawl qq: exit status 1 (bad argument): {HOT_REFUSED}; ")
    assert asked == []  # nothing ran
    report = load(tmp_path / "report.json")
    (reason,) = report["exit_status"]["reasons"]
    assert report["spider"] == "qq" and report["exit_status"]["code"] == 1
    assert reason.startswith(f"bad argument: {HOT_REFUSED}; valid arguments: ")
    assert (report["requested"], report["written"]) == (0, 0)
    assert history(tmp_path / "archive") == {"qq": report}
    (message,) = posted
    assert message[0].startswith("newsarchive run not healthy: qq, exit status 1 (errors)")
    assert message[1] == f"qq: exit status 1 (errors): {reason}"
    # Nothing else in the archive: no article folder, no lock left behind.
    assert sorted(p.name for p in (tmp_path / "archive").iterdir()) == [HISTORY]


def test_crawl_that_cannot_start_has_report_history_and_alert(tmp_path):
    why = "ValueError: IMAGES_MAX_BYTES must be a positive number of bytes, not '0'"
    with TestServer() as server:
        server.add("POST", HOOK, Reply(body=b"ok"))
        result = crawl_qq(server, tmp_path, "-s", f"IMAGES_STORE={tmp_path / 'static'}", "-s", "IMAGES_MAX_BYTES=0")
        posted = alerts(server)
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1] == f"scrapy crawl qq: exit status 1 (errors): could not start: {why}"
    report = load(tmp_path / "report.json")
    assert report["exit_status"] == {"code": 1, "name": "errors", "reasons": [f"could not start: {why}"]}
    assert history(tmp_path / "archive") == {"qq": report}
    assert [m[1] for m in posted] == [f"qq: exit status 1 (errors): could not start: {why}"]


def test_crawlall_source_that_cannot_start_has_history_and_alert(tmp_path):
    archive = tmp_path / "archive"
    per_source = {"c114": {"FIXTURES_REPLAY": str(ROOT / "fixtures" / "c114" / "nightly")}}
    with TestServer() as server:
        server.add("POST", HOOK, Reply(body=b"ok"))
        # hot= is qq's alone: qq refuses "maybe", c114 runs.
        result = run_scrapy("crawlall", "qq", "c114", "-a", "hot=maybe", "-s", f"ARCHIVE_DIR={archive}",
                            "-s", f"RUN_REPORT={tmp_path / 'all.json'}", "-s", f"RUN_ALERT_WEBHOOK={server.url(HOOK)}",
                            "-s", "CRAWLALL_SOURCE_SETTINGS=" + json.dumps(per_source), *QUIET, env=CLEAN_ENV)
        posted = alerts(server)
    assert result.returncode == 1, result.stderr[-3000:]
    combined = load(tmp_path / "all.json")
    assert {name: s["exit_status"] for name, s in combined["summary"].items()} == {"qq": 1, "c114": 0}
    kept = history(archive)
    assert sorted(kept) == ["c114", "qq"]
    assert kept["qq"]["exit_status"] == combined["sources"]["qq"]["exit_status"]
    (reason,) = kept["qq"]["exit_status"]["reasons"]
    assert HOT_REFUSED in reason
    assert kept["c114"]["exit_status"]["code"] == 0 and kept["c114"]["written"] == combined["sources"]["c114"]["written"] > 0
    # One alert, the failing source's; the healthy one posts nothing.
    assert [m[1] for m in posted] == [f"qq: exit status 1 (errors): {reason}"]

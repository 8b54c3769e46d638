"""Alerts (crawler/alerts.py): one Slack-compatible post per unhealthy run, to a local HTTP
server that records it; a webhook that fails never changes the run's status or its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.alerts import alert_text
from tests.support.cli import ROOT, run_scrapy
from tests.support.server import Reply, TestServer

QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")
HOOK = "/services/T000/B000/hook"


def crawl_site(site: str, fixture: str, tmp_path: Path, *extra: str, env: dict | None = None):
    """A replayed crawl of a site; c114 replaying iyiou's folder misses its first request (5)."""
    return run_scrapy("crawl", "generic", "-a", f"site={site}",
                      "-s", f"FIXTURES_REPLAY={ROOT / 'fixtures' / fixture / 'nightly'}",
                      "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", f"RUN_REPORT={tmp_path / 'report.json'}",
                      *QUIET, *extra, env=env)


def report(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))


def posts(server: TestServer) -> list[dict]:
    return [json.loads(r.body) for r in server.requests if r.method == "POST" and r.path == HOOK]


def test_an_unhealthy_run_posts_one_message(tmp_path):
    with TestServer() as server:
        server.add("POST", HOOK, Reply(body=b"ok"))
        result = crawl_site("c114", "iyiou", tmp_path, "-s", f"RUN_ALERT_WEBHOOK={server.url(HOOK)}")
        (request,) = [r for r in server.requests if r.path == HOOK]
    assert result.returncode == 5, result.stderr[-3000:]
    data = report(tmp_path)
    assert data["exit_status"]["code"] == 5
    assert request.headers["Content-Type"] == "application/json"
    message = json.loads(request.body)
    assert list(message) == ["text"]
    lines = message["text"].split("\n")
    assert lines[0].startswith("newsarchive run not healthy: c114, exit status 5 (replay_miss) on ")
    # The one line: the source, its status and every reason.
    assert lines[1] == "c114: exit status 5 (replay_miss): " + "; ".join(data["exit_status"]["reasons"])
    assert "replay: 1 request(s) not recorded" in lines[1]
    # The counts, as the report has them.
    assert lines[2] == f"discovered 0, requested 0, written 0, dropped 0, errors {data['errors']['counted']}"
    assert lines[3] == f"started {data['start_time']}, {data['duration_seconds']} s"


def test_a_healthy_run_posts_nothing(tmp_path):
    with TestServer() as server:
        server.add("POST", HOOK, Reply(body=b"ok"))
        result = crawl_site("techcrunch", "techcrunch", tmp_path, "-s", f"RUN_ALERT_WEBHOOK={server.url(HOOK)}")
        assert result.returncode == 0, result.stderr[-3000:]
        assert server.requests == []


@pytest.mark.parametrize("from_setting", [False, True], ids=["setting empty", "setting set"])
def test_the_webhook_from_the_setting_else_the_environment(tmp_path, from_setting):
    """RUN_ALERT_WEBHOOK is a secret (crawler.secret): the setting when set, else the
    environment variable; the environment's URL is another path of the server."""
    env_hook = "/services/T000/B000/from-environment"
    with TestServer() as server:
        server.add("POST", HOOK, Reply(body=b"ok"))
        server.add("POST", env_hook, Reply(body=b"ok"))
        setting = server.url(HOOK) if from_setting else ""
        result = crawl_site("c114", "iyiou", tmp_path, "-s", f"RUN_ALERT_WEBHOOK={setting}",
                            env={"RUN_ALERT_WEBHOOK": server.url(env_hook)})
        requests = list(server.requests)
    assert result.returncode == 5, result.stderr[-3000:]
    assert [(r.method, r.path) for r in requests] == [("POST", HOOK if from_setting else env_hook)]
    assert json.loads(requests[0].body)["text"].split("\n")[0].split(" on ")[0] == (
        "newsarchive run not healthy: c114, exit status 5 (replay_miss)")


@pytest.mark.parametrize("failure", ["refused", "500", "timeout", "not a URL"])
def test_a_failing_webhook_changes_neither_status_nor_report(tmp_path, failure):
    baseline_dir = tmp_path / "baseline"
    baseline = crawl_site("c114", "iyiou", baseline_dir)
    with TestServer() as server:
        if failure == "refused":
            url = server.url(HOOK)  # the server is stopped before the crawl: nobody listens there
        elif failure == "not a URL":
            url = f"127.0.0.1:{server.port}{HOOK}"
        else:
            reply = Reply(status=500, body=b"boom") if failure == "500" else Reply(delay=6, body=b"late")
            server.add("POST", HOOK, reply)
            url = server.url(HOOK)
        if failure == "refused":
            server.stop()
        result = crawl_site("c114", "iyiou", tmp_path, "-s", f"RUN_ALERT_WEBHOOK={url}", "-s", "RUN_ALERT_TIMEOUT=1")
        if failure in ("500", "timeout"):
            assert len(posts(server)) == 1  # it was tried, once
        elif failure == "not a URL":
            assert server.requests == []
    assert result.returncode == baseline.returncode == 5, result.stderr[-3000:]
    data, before = report(tmp_path), report(baseline_dir)
    assert data["exit_status"] == before["exit_status"]
    assert data["errors"]["counted"] == before["errors"]["counted"]
    # The run's history is kept as well.
    (kept,) = sorted((tmp_path / "archive" / ".newsarchive-runs").iterdir())
    assert json.loads(kept.read_text(encoding="utf-8"))["exit_status"] == data["exit_status"]


def test_crawlall_posts_once_per_failing_source(tmp_path):
    with TestServer() as server:
        server.add("POST", HOOK, Reply(body=b"ok"))
        server.add("GET", "/feed", Reply(body=b"<rss><channel></channel></rss>",
                                         headers={"Content-Type": "application/rss+xml"}))
        sites = tmp_path / "sites"
        sites.mkdir()
        for name in ("techcrunch", "c114"):
            (sites / f"{name}.toml").write_bytes((ROOT / "sites" / f"{name}.toml").read_bytes())
        (sites / "emptyfeed.toml").write_text(f'folder = "emptyfeed"\nlanguage = "en"\n[discovery]\n'
                                              f'kind = "rss"\nurl = "{server.url("/feed")}"\n', encoding="utf-8")
        replay = {"techcrunch": {"FIXTURES_REPLAY": str(ROOT / "fixtures/techcrunch/nightly")},
                  "c114": {"FIXTURES_REPLAY": str(ROOT / "fixtures/iyiou/nightly")}}
        result = run_scrapy("crawlall", "techcrunch", "c114", "emptyfeed", "-s", f"GENERIC_SITES_DIR={sites}",
                            "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", f"RUN_ALERT_WEBHOOK={server.url(HOOK)}",
                            "-s", "CRAWLALL_SOURCE_SETTINGS=" + json.dumps(replay), *QUIET)
        heads = sorted(p["text"].split("\n")[0].split(" on ")[0] for p in posts(server))
    assert result.returncode == 5, result.stderr[-3000:]
    assert heads == ["newsarchive run not healthy: c114, exit status 5 (replay_miss)",
                     "newsarchive run not healthy: emptyfeed, exit status 4 (discovery_failure)"]


def test_the_message_escapes_what_slack_would_read_as_markup():
    data = {"spider": "<!channel>", "start_time": "2025-03-10T19:17:00Z", "duration_seconds": 1.5,
            "exit_status": {"code": 3, "name": "extraction_failure", "reasons": ["body missing in <http://x|7> & more"]},
            "dropped": {"no_body": 7}, "written": 0, "discovered": 7, "requested": 7, "errors": {"counted": 0}}
    assert alert_text(data, "host1").split("\n") == [
        "newsarchive run not healthy: &lt;!channel&gt;, exit status 3 (extraction_failure) on host1",
        "&lt;!channel&gt;: exit status 3 (extraction_failure): body missing in &lt;http://x|7&gt; &amp; more",
        "discovered 7, requested 7, written 0, dropped 7 (no_body 7), errors 0",
        "started 2025-03-10T19:17:00Z, 1.5 s",
    ]

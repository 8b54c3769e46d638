"""Record and replay of whole crawls (crawler/fixtures.py) with the real engine over sockets.

Each crawl runs `scrapy crawl fixturetest` (tests/support/spiders.py) in a subprocess against
tests/support/server.py on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.fixtures import (
    FixtureEntry, FixtureError, FixtureIndex, download_errors, load_index, normalise_body, request_key,
)
from tests.support.cli import ROOT, run_scrapy
from tests.support.crawls import archive_files
from tests.support.server import Reply, TestServer, huge, redirect, redirect_loop, reset_mid_body, short_body, slow
from tests.support.spiders import ARTICLES, add_test_site, run_fixturetest


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """One crawl recorded against the live test site; the server is stopped afterwards."""
    tmp = tmp_path_factory.mktemp("recorded")
    folder, archive = tmp / "fixture", tmp / "archive"
    with TestServer() as server:
        add_test_site(server)
        result = run_fixturetest(server.base, archive, f"FIXTURES_RECORD={folder}",
                                 f"RUN_REPORT={tmp / 'report.json'}")
        requests = list(server.requests)
        base = server.base
    assert result.returncode == 0, result.stderr[-3000:]
    return {"folder": folder, "archive": archive, "base": base, "requests": requests,
            "files": archive_files(archive), "tmp": tmp}


def test_recording_is_a_readable_index_with_raw_bodies(recorded):
    folder = recorded["folder"]
    lines = [json.loads(line) for line in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    # Every request that reached the server is in the index (in the order the answers came,
    # which concurrent requests may change against the order of arrival).
    assert sorted((e["method"], e["url"].split(recorded["base"])[1]) for e in lines) == \
        sorted((r.method, r.path) for r in recorded["requests"])
    assert len(lines) == 7
    feeds = [e for e in lines if e["method"] == "POST"]
    assert sorted(e["body"]["page"] for e in feeds) == [1, 2]  # the JSON body, readable
    robots = [e for e in lines if e["url"].endswith("/robots.txt")]
    assert len(robots) == 1
    hop = next(e for e in lines if e["url"].endswith("/old/T2"))
    assert hop["status"] == 301 and hop["headers"]["Location"] == "/a/T2" and "file" not in hop
    gbk = next(e for e in lines if e["url"].endswith("/a/T1"))
    assert gbk["headers"]["Content-Type"] == "text/html; charset=GB2312"
    title = ARTICLES["T1"][0]
    raw = (folder / gbk["file"]).read_bytes()
    assert title.encode("gbk") in raw and title.encode("utf-8") not in raw  # bytes as served
    assert len(recorded["files"]) == 3


def test_replay_without_network_gives_the_same_files(recorded):
    # The server is stopped: nothing listens on the recorded port any more.
    port = int(recorded["base"].rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    archive = recorded["tmp"] / "replayed"
    rep = recorded["tmp"] / "replay-report.json"
    result = run_fixturetest(recorded["base"], archive, f"FIXTURES_REPLAY={recorded['folder']}", f"RUN_REPORT={rep}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert archive_files(archive) == recorded["files"]
    data = report(rep)
    assert data["replay"]["served"] == 7 and data["replay"]["missing"] == 0
    assert data["written"] == 3

    # A second replay over the same archive: nothing new, no article requested, exit 0.
    again = run_fixturetest(recorded["base"], archive, f"FIXTURES_REPLAY={recorded['folder']}", f"RUN_REPORT={rep}")
    assert again.returncode == 0, again.stderr[-3000:]
    data = report(rep)
    assert (data["discovered"], data["skipped_known"], data["requested"], data["written"]) == (3, 3, 0, 0)
    assert data["exit_status"]["code"] == 0


def test_replay_of_an_unrecorded_request_fails_naming_the_url(recorded, tmp_path):
    folder = tmp_path / "fixture"
    shutil.copytree(recorded["folder"], folder)
    index = folder / "index.jsonl"
    kept = [line for line in index.read_text(encoding="utf-8").splitlines() if not line.startswith('{"method": "GET", "url": "' + recorded["base"] + '/a/T3"')]
    assert len(kept) == 6
    index.write_text("\n".join(kept) + "\n", encoding="utf-8")
    rep = tmp_path / "report.json"
    result = run_fixturetest(recorded["base"], tmp_path / "archive", f"FIXTURES_REPLAY={folder}", f"RUN_REPORT={rep}")
    url = recorded["base"] + "/a/T3"
    assert result.returncode == 5, result.stderr[-3000:]
    assert url in result.stderr.splitlines()[-1]  # the command's last word names it
    data = report(rep)
    assert data["exit_status"]["name"] == "replay_miss"
    assert data["replay"]["missing_requests"] == [f"GET {url}"]
    assert data["written"] == 2  # the rest of the crawl went on


def test_hand_written_folder_replays(tmp_path):
    """A folder written by hand: index.json, JSON bodies in any key order, inline text, no robots.txt."""
    folder = tmp_path / "hand"
    (folder / "bodies").mkdir(parents=True)
    (folder / "bodies" / "feed1.json").write_text(
        '{"code": 0, "data": [{"id": "H1", "url": "/a/H1"}]}', encoding="utf-8")
    (folder / "bodies" / "H1.html").write_bytes(
        '<html><head><meta name="pubdate" content="2024-05-01 12:00:00"></head><body><h1>手写的标题</h1>'
        '<div id="body"><p>正文。</p></div></body></html>'.encode("gbk"))
    entries = [
        {"method": "POST", "url": "https://news.example/api/feed", "body": {"page": 1, "channel": "test"},
         "headers": {"Content-Type": "application/json"}, "file": "bodies/feed1.json"},
        {"method": "POST", "url": "https://news.example/api/feed", "body": {"channel": "test", "page": 2},
         "headers": {"Content-Type": "application/json"}, "text": '{"code": 0, "data": []}'},
        {"url": "https://news.example/a/H1", "headers": {"Content-Type": "text/html; charset=GB2312"},
         "file": "bodies/H1.html"},
    ]
    (folder / "index.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    rep = tmp_path / "report.json"
    result = run_fixturetest("https://news.example", tmp_path / "archive", f"FIXTURES_REPLAY={folder}", f"RUN_REPORT={rep}")
    assert result.returncode == 0, result.stderr[-3000:]
    files = archive_files(tmp_path / "archive")
    assert list(files) == ["zh-CN/news/test/H1.zh-CN.md"]
    assert "手写的标题" in files["zh-CN/news/test/H1.zh-CN.md"].decode("utf-8")
    data = report(rep)
    assert data["replay"]["robots_absent"] == 1 and data["replay"]["missing"] == 0


def test_retry_sequence_is_recorded_and_replayed_in_order(tmp_path):
    folder = tmp_path / "fixture"
    with TestServer() as server:
        server.add("GET", "/a/T1", Reply(status=503, headers={"Retry-After": "0"}))  # then the site's 200
        add_test_site(server)
        base = server.base
        result = run_fixturetest(base, tmp_path / "a1", f"FIXTURES_RECORD={folder}")
    assert result.returncode == 0, result.stderr[-3000:]
    t1 = [e for e in load_index(folder) if e.url.endswith("/a/T1")]
    assert [e.status for e in t1] == [503, 200]
    rep = tmp_path / "report.json"
    result = run_fixturetest(base, tmp_path / "a2", f"FIXTURES_REPLAY={folder}", f"RUN_REPORT={rep}")
    assert result.returncode == 0, result.stderr[-3000:]
    data = report(rep)
    assert data["written"] == 3
    assert data["stats"]["retry/count"] == 1
    assert data["errors"]["http_status"] == {"503": 1}


def test_recorded_folder_served_over_real_sockets(recorded, tmp_path):
    with TestServer() as server:
        server.load_fixture(recorded["folder"])
        result = run_fixturetest(server.base, tmp_path / "archive")
        paths = server.requested()
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(paths) == sorted(r.path for r in recorded["requests"])
    # Same articles (the link differs: another port).
    files = archive_files(tmp_path / "archive")
    assert sorted(files) == sorted(recorded["files"])
    for name, text in files.items():
        assert text.replace(server.base.encode(), b"") == recorded["files"][name].replace(recorded["base"].encode(), b"")


# ---- units ------------


def test_post_bodies_match_whatever_the_json_key_order():
    assert normalise_body(b'{"b": 1, "a": {"y": 2, "x": 1}}') == normalise_body({"a": {"x": 1, "y": 2}, "b": 1})
    assert normalise_body(b"") == normalise_body(None) == ""
    assert normalise_body(b"a=1&b=2") == "a=1&b=2"
    assert request_key("post", "https://x/f?b=2&a=1#frag", '{"p":1}') == request_key("POST", "https://x/f?a=1&b=2", {"p": 1})
    assert request_key("POST", "https://x/f", {"p": 1}) != request_key("POST", "https://x/f", {"p": 2})


def test_several_entries_for_one_request_are_served_in_order_and_the_last_repeats():
    index = FixtureIndex([FixtureEntry("GET", "https://x/a", status=503), FixtureEntry("GET", "https://x/a", status=200)])
    assert [index.next_for("GET", "https://x/a", b"").status for _ in range(3)] == [503, 200, 200]
    assert index.next_for("GET", "https://x/b", b"") is None


def test_one_url_answering_by_a_request_header(tmp_path):
    (tmp_path / "index.jsonl").write_text(
        '{"url": "https://x/api", "match_headers": {"Domain-Id": "www"}, "text": "en"}\n'
        '{"url": "https://x/api", "match_headers": {"Domain-Id": "cn"}, "text": "cn 1"}\n'
        '{"url": "https://x/api", "match_headers": {"Domain-Id": "cn"}, "text": "cn 2"}\n', encoding="utf-8")
    index = FixtureIndex.from_folder(tmp_path)

    def answer(edition):
        entry = index.next_for("GET", "https://x/api", b"", lambda name: {"domain-id": edition}.get(name.lower(), ""))
        return entry.content.decode() if entry else None

    assert [answer(e) for e in ("cn", "www", "cn", "cn", "www", "")] == ["cn 1", "en", "cn 2", "cn 2", "en", None]
    (tmp_path / "index.jsonl").write_text('{"url": "https://x/api", "match_headers": ["Domain-Id"]}\n')
    with pytest.raises(FixtureError, match="match_headers"):
        load_index(tmp_path)


# ---- the test server's misbehaviours (the fault matrix of issue 4 builds on them) -----------


def _get(server, path, timeout=5):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    conn.request("GET", path)
    return conn.getresponse()


def test_server_misbehaves_on_demand():
    with TestServer() as server:
        server.add("GET", "/seq", Reply(status=503, headers={"Retry-After": "3"}), Reply(body=b"ok"))
        server.add("GET", "/slow", slow(0.5, body=b"late"))
        server.add("GET", "/reset", reset_mid_body(b"x" * 200_000, after=1000))
        server.add("GET", "/short", short_body(b"abc", announced=10))
        server.add("GET", "/big", huge(3_000_000))
        server.add("GET", "/moved", redirect("/seq"))
        server.add("GET", "/loop", redirect_loop("/loop"))
        first = _get(server, "/seq")
        assert (first.status, first.getheader("Retry-After")) == (503, "3")
        assert _get(server, "/seq").read() == b"ok"
        assert _get(server, "/seq").read() == b"ok"  # the last reply repeats
        started = time.monotonic()
        assert _get(server, "/slow").read() == b"late" and time.monotonic() - started >= 0.5
        with pytest.raises((ConnectionResetError, http.client.IncompleteRead)):
            _get(server, "/reset").read()
        with pytest.raises(http.client.IncompleteRead):
            _get(server, "/short").read()
        assert len(_get(server, "/big").read()) == 3_000_000
        moved = _get(server, "/moved")
        assert (moved.status, moved.getheader("Location")) == (302, "/seq")
        assert _get(server, "/loop").getheader("Location") == "/loop"
        assert _get(server, "/nothing").status == 404
        post = urllib.request.Request(server.url("/seq"), data=b'{"a":1}', method="POST")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(post, timeout=5)
        assert answer.value.code == 404  # routes are per method
    last = server.requests[-1]
    assert (last.method, last.path, last.body) == ("POST", "/seq", b'{"a":1}')  # the request log


# ---- recorded download errors: only the types the recorder writes --------------------------


def test_recorded_download_error_replays_as_the_same_failure(tmp_path):
    folder = tmp_path / "fixture"
    with TestServer() as server:
        add_test_site(server, reset_article="T3")
        base = server.base
        first = run_fixturetest(base, tmp_path / "a1", f"FIXTURES_RECORD={folder}", "RETRY_TIMES=0",
                                f"RUN_REPORT={tmp_path / 'recorded.json'}")
    assert first.returncode == 1, first.stderr[-3000:]
    (error,) = [e.error for e in load_index(folder) if e.error]
    assert error["type"] in download_errors(), error
    second = run_fixturetest(base, tmp_path / "a2", f"FIXTURES_REPLAY={folder}", "RETRY_TIMES=0",
                             f"RUN_REPORT={tmp_path / 'replayed.json'}")
    assert second.returncode == 1, second.stderr[-3000:]
    recorded, replayed = report(tmp_path / "recorded.json"), report(tmp_path / "replayed.json")
    assert replayed["errors"]["download_failed"] == recorded["errors"]["download_failed"] != {}
    assert replayed["replay"]["missing"] == 0 and replayed["written"] == recorded["written"] == 2


def test_error_types_that_are_no_download_error_are_refused_and_never_imported(tmp_path):
    """A hand-made index naming any importable thing as a recorded error: the module is not
    imported (a module of our own on the path would leave a mark), each such request fails the
    run as a replay miss (exit 5) with one line naming the type."""
    (tmp_path / "lib").mkdir()
    mark = tmp_path / "imported.mark"
    (tmp_path / "lib" / "planted_module.py").write_text(
        f"open({str(mark)!r}, 'w').close()\nclass Boom(Exception):\n    pass\n", encoding="utf-8")
    folder = tmp_path / "hand"
    folder.mkdir()
    feed = [{"id": aid, "url": f"/a/{aid}"} for aid in ("P1", "P2", "P3", "P4")]
    entries = [
        {"method": "POST", "url": "https://news.example/api/feed", "body": {"page": 1, "channel": "test"},
         "headers": {"Content-Type": "application/json"}, "text": json.dumps({"code": 0, "data": feed})},
        {"method": "POST", "url": "https://news.example/api/feed", "body": {"page": 2, "channel": "test"},
         "headers": {"Content-Type": "application/json"}, "text": '{"code": 0, "data": []}'},
        {"url": "https://news.example/a/P1", "error": {"type": "planted_module.Boom", "message": "x"}},
        {"url": "https://news.example/a/P2", "error": {"type": "subprocess.Popen", "message": "touch /tmp/x"}},
        {"url": "https://news.example/a/P3", "error": {"type": "os.system", "message": "id"}},
        {"url": "https://news.example/a/P4", "error": "builtins.eval"},
    ]
    (folder / "index.json").write_text(json.dumps(entries), encoding="utf-8")
    rep = tmp_path / "report.json"
    result = run_scrapy("crawl", "fixturetest", "-s", "SPIDER_MODULES=tests.support.spiders",
                        "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-a", "base=https://news.example",
                        "-s", f"FIXTURES_REPLAY={folder}", "-s", f"RUN_REPORT={rep}",
                        env={"PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path / "lib")])})
    assert not mark.exists()
    assert result.returncode == 5, result.stderr[-3000:]
    data = report(rep)
    assert sorted(data["replay"]["missing_requests"]) == [f"GET https://news.example/a/P{n}" for n in (1, 2, 3, 4)]
    assert data["stats"]["fixtures/replay/bad_error_type"] == 4
    for name in ("planted_module.Boom", "subprocess.Popen", "os.system"):
        (line,) = [line for line in result.stderr.splitlines() if "Replay miss" in line and f"'{name}'" in line]
        assert "no download error" in line
    assert "Traceback" not in result.stderr

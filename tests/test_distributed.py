"""Several crawl processes on one archive through a real Redis (crawler/distributed.py, issue 14).

Real processes (`python -m scrapy crawl qq -s REDIS_URL=...`), a real redis-server started for
the test on a free 127.0.0.1 port (tests/support/redis_server.py), and the invented qq site of
tests/support/qq_site.py over real sockets; the server counts every request. The expected
files come from the site's own ids (written by the test), never from the crawl.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.cli import ROOT
from tests.support.qq_site import (CLEAN_ENV, FAST, FEED_PATH, QqSite, archive_articles, feed_answer,
                                   load_report, page_html)
from tests.support.redis_server import RedisServer
from tests.support.server import Reply, TestServer
from tests.support.crawls import archive_files

PER_PAGE = 50
ARTICLES = 600
CHANNEL = "dist1"
# A dead process is noticed after this many seconds (the default, 30, is for real machines).
TIMEOUT = "REDIS_MEMBER_TIMEOUT=2"
# FAST's 1 s download timeout would retry a page that a loaded machine answers late, and a
# retry is a second GET of the page: these tests count GETs, so the timeout is a generous one.
COMMON = ("BODY_WORKERS=0", "ROBOTSTXT_OBEY=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16", f"QQ_ITEM_COUNT={PER_PAGE}",
          TIMEOUT, "DOWNLOAD_TIMEOUT=30")


def feed_body(channel: str, page: int) -> dict:
    """The POST body the spider sends for a channel page with QQ_ITEM_COUNT=PER_PAGE."""
    from scrapy.settings import Settings

    from crawler.spiders.qq import QqSpider

    saved = {k: os.environ.pop(k) for k in list(CLEAN_ENV) if k in os.environ}
    try:
        spider = QqSpider()
        spider.settings = Settings({"QQ_ITEM_COUNT": PER_PAGE})
        return spider.feed_body(channel, page)
    finally:
        os.environ.update(saved)


def html_reply(page: str, delay: float = 0.0) -> Reply:
    return Reply(body=page.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}, delay=delay)


def json_reply(body: bytes) -> Reply:
    return Reply(body=body, headers={"Content-Type": "application/json; charset=utf-8"})


class Held(Reply):
    """A reply held until `gate` is set."""

    def __init__(self, gate: threading.Event, **kwargs):
        super().__init__(**kwargs)
        self.gate = gate

    @property
    def delay(self) -> float:
        self.gate.wait(60)
        return 0.0

    @delay.setter
    def delay(self, value) -> None:
        pass


def all_joined(redis: RedisServer, procs: list[subprocess.Popen], gate: threading.Event) -> None:
    """Set `gate` once every process has joined the run (its members in Redis): a process
    slow to start must not find the run over and found a second one."""
    client, deadline = redis.client(), time.monotonic() + 60
    while (client.zcard("newsarchive:qq:members") < len(procs) and time.monotonic() < deadline
           and all(p.poll() is None for p in procs)):
        time.sleep(0.01)
    gate.set()


def build_site(server: TestServer, count: int, channel: str = CHANNEL, delay: float = 0.0,
               gate: threading.Event | None = None):
    """`count` articles (ids 20250310AD<n>00) in feed pages of PER_PAGE on `channel` (the feed
    pages held until `gate` is set, when given)."""
    site = QqSite(server)
    articles = []
    for n in range(count):
        title, body = f"分布式测试{n}", f"<p>第{n}篇的正文。</p><p>第二段。</p>"
        articles.append(site.article(f"D{n:04d}", html_reply(page_html(title, body), delay), title=title, body=body))
    pages = -(-count // PER_PAGE)
    for page in range(pages):
        chunk = articles[page * PER_PAGE:(page + 1) * PER_PAGE]
        answer = feed_answer([a.entry() for a in chunk])
        reply = Held(gate, body=answer, headers=json_reply(b"").headers) if gate else json_reply(answer)
        server.add("POST", FEED_PATH, reply, body=feed_body(channel, page + 1))
    return articles, pages


def command(server: TestServer, archive: Path, redis_url: str | None, report: Path, *settings: str,
            channels: str = CHANNEL, pages: int = 1) -> list[str]:
    argv = [sys.executable, "-m", "scrapy", "crawl", "qq", "-a", f"channels={channels}", "-a", f"pages={pages}",
            "-s", f"QQ_FEED_URL={server.url(FEED_PATH)}", "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={report}"]
    if redis_url:
        argv += ["-s", f"REDIS_URL={redis_url}"]
    for setting in (*FAST, *COMMON, *settings):
        argv += ["-s", setting]
    return argv


def env() -> dict:
    environment = dict(os.environ, **CLEAN_ENV)
    environment["PYTHONPATH"] = str(ROOT) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return environment


def start(argv: list[str]) -> subprocess.Popen:
    """The crawl in a process of its own; its log goes to a temporary file (a pipe nobody reads
    while several processes run could fill up and stall it)."""
    import tempfile

    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    proc = subprocess.Popen(argv, cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=log, text=True)
    proc.log = log
    return proc


def finish(procs: list[subprocess.Popen], timeout: float = 120) -> list[tuple[int, str]]:
    """(exit status, log) of each process once it has ended."""
    results = []
    for proc in procs:
        proc.wait(timeout=timeout)
        proc.log.seek(0)
        results.append((proc.returncode, proc.log.read()))
        proc.log.close()
    return results


def run(argv: list[str], timeout: float = 120, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env={**env(), **(extra_env or {})}, capture_output=True, text=True,
                          timeout=timeout)


def article_gets(server: TestServer) -> Counter:
    return Counter(r.path for r in list(server.requests) if r.method == "GET" and r.path.startswith("/rain/a/"))


def feed_pages_read(server: TestServer) -> Counter:
    return Counter((json.loads(r.body)["channel_id"], json.loads(r.body)["flush_num"])
                   for r in list(server.requests) if r.method == "POST")


def expected_names(articles) -> set[str]:
    """The files the articles make: named by the feed's (long) id."""
    return {f"{a.id}.zh-CN.md" for a in articles}


def one_file_per_article(names) -> bool:
    """No article under two names (qq's two id forms fold to the first 14 characters)."""
    names = list(names)
    return len({name[:14] for name in names}) == len(names)


def whole(path: Path, link: str) -> bool:
    """A complete archive file: front matter, then the closing link of its article last."""
    text = path.read_text(encoding="utf-8")
    return text.startswith("---\n") and text.count("\n---\n") >= 1 and text.endswith(f"]({link})\n")


def hidden_temporaries(archive: Path) -> list[str]:
    folder = archive / "zh-CN" / "news" / "qq"
    return sorted(n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".tmp")) if folder.is_dir() else []


def link_of(article) -> str:
    return f"https://new.qq.com/rain/a/{article.id}"


# ------------ three processes, 600 articles


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("three")
    archive = tmp / "archive"
    with RedisServer() as redis, TestServer() as server:
        gate = threading.Event()
        articles, pages = build_site(server, ARTICLES, gate=gate)
        procs = [start(command(server, archive, redis.url, tmp / f"r{i}.json", pages=pages)) for i in range(3)]
        all_joined(redis, procs, gate)
        results = finish(procs)
        first = {"gets": article_gets(server), "feeds": feed_pages_read(server), "files": archive_articles(archive),
                 "keys_left": redis.client().keys("*")}
        before = len(server.requests)
        fourth = run(command(server, archive, redis.url, tmp / "r3.json", pages=pages))
        fourth_requests = server.requests[before:]
    return {"tmp": tmp, "archive": archive, "articles": articles, "pages": pages, "procs": procs,
            "results": results, "first": first, "fourth": fourth, "fourth_requests": fourth_requests,
            "reports": [load_report(tmp / f"r{i}.json") for i in range(3) if (tmp / f"r{i}.json").exists()]}


def test_three_processes_exit_healthy(three):
    for code, stderr in three["results"]:
        assert code == 0, stderr[-3000:]
    assert len(three["reports"]) == 3


def test_every_article_page_requested_once_in_total(three):
    gets = three["first"]["gets"]
    assert set(gets) == {a.path for a in three["articles"]}
    assert max(gets.values()) == 1
    # Feeds are shared too: each feed page read once by the run, not once per process.
    assert three["first"]["feeds"] == Counter({(CHANNEL, page): 1 for page in range(1, three["pages"] + 1)})


def test_600_files_none_twice_none_partial(three):
    files = three["first"]["files"]
    assert set(files) == expected_names(three["articles"]) and one_file_per_article(files)
    by_name = {f"{a.id}.zh-CN.md": a for a in three["articles"]}
    assert all(whole(path, link_of(by_name[name])) for name, path in files.items())
    assert hidden_temporaries(three["archive"]) == []


def test_each_process_reports_its_host_pid_and_the_run(three):
    reports = three["reports"]
    infos = [r["distributed"] for r in reports]
    assert sorted(i["pid"] for i in infos) == sorted(p.pid for p in three["procs"])
    assert all(i["host"] for i in infos)
    assert len({i["run_id"] for i in infos}) == 1
    assert sum(i["founder"] for i in infos) == 1 and sum(i["last"] for i in infos) == 1
    assert sum(r["written"] for r in reports) == ARTICLES
    # The work was spread: every process fetched article pages.
    assert all(r["stats"].get("downloader/request_method_count/GET", 0) > 0 for r in reports)
    # The run's outcome, summed over the processes, in every report (the exit status's base).
    assert all(i["run"]["qq/discovered"] == ARTICLES and i["run"]["archive/written"] == ARTICLES and
               "qq/discovery_failed" not in i["run"] for i in infos)
    # The run's keys are gone once its last process left.
    assert three["first"]["keys_left"] == []


def test_fourth_run_requests_no_article_page(three):
    fourth = three["fourth"]
    assert fourth.returncode == 0, fourth.stderr[-3000:]
    assert [r.path for r in three["fourth_requests"] if r.method == "GET"] == []
    report = load_report(three["tmp"] / "r3.json")
    assert report["written"] == 0 and report["skipped_known"] == ARTICLES
    assert set(archive_articles(three["archive"])) == expected_names(three["articles"])


def test_combine_reports_gives_one_line_for_the_run(three):
    tmp = three["tmp"]
    out = tmp / "combined.json"
    result = run([sys.executable, "-m", "scrapy", "combine-reports", *(str(tmp / f"r{i}.json") for i in range(3)),
                  "-o", str(out)])
    assert result.returncode == 0, result.stderr
    run_id = three["reports"][0]["distributed"]["run_id"]
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"distributed run {run_id} (qq): 3 of 3 process(es) reported")
    combined = json.loads(out.read_text(encoding="utf-8"))
    assert combined["totals"]["written"] == ARTICLES and combined["exit_status"]["code"] == 0
    assert sorted(p["pid"] for p in combined["processes"]) == sorted(p.pid for p in three["procs"])


# ------------ a process SIGKILLed mid-run


def test_sigkilled_process_loses_no_article_for_good(tmp_path):
    """Killed mid-run, a process loses what it had taken from the queue for this run only: the
    others finish the queue, and the next run requests exactly the articles still missing."""
    archive = tmp_path / "archive"
    with RedisServer() as redis, TestServer() as server:
        gate = threading.Event()
        articles, pages = build_site(server, ARTICLES, delay=0.02, gate=gate)
        procs = [start(command(server, archive, redis.url, tmp_path / f"r{i}.json", pages=pages)) for i in range(3)]
        all_joined(redis, procs, gate)
        deadline = time.monotonic() + 60
        while sum(article_gets(server).values()) < ARTICLES // 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim = procs[1]
        victim.send_signal(signal.SIGKILL)
        results = finish(procs)
        assert results[1][0] == -signal.SIGKILL
        for code, stderr in (results[0], results[2]):
            assert code == 0, stderr[-3000:]
        after_run = set(archive_articles(archive))
        gets_run = article_gets(server)
        assert max(gets_run.values()) == 1
        assert len(after_run) < ARTICLES, "the kill found the process with nothing in flight"
        # A temporary file as a killed writer leaves one (crawler.archive.temp_name): the next
        # run's founder sweeps its folder.
        leftover = archive / "zh-CN" / "news" / "qq" / f".{'ab' * 6}.{victim.pid}.{'cd' * 4}.tmp"
        leftover.write_text("half a file", encoding="utf-8")
        before = len(server.requests)
        nxt = run(command(server, archive, redis.url, tmp_path / "next.json", pages=pages))
        assert nxt.returncode == 0, nxt.stderr[-3000:]
        next_gets = {r.path for r in server.requests[before:] if r.method == "GET"}
    files = archive_articles(archive)
    assert set(files) == expected_names(articles) and one_file_per_article(files)
    by_name = {f"{a.id}.zh-CN.md": a for a in articles}
    assert all(whole(path, link_of(by_name[name])) for name, path in files.items())
    assert hidden_temporaries(archive) == []
    # The next run asked for exactly the articles the killed process had taken and not written.
    missing = {by_name[name].path for name in expected_names(articles) - after_run}
    assert next_gets == missing
    report = load_report(tmp_path / "next.json")
    assert report["written"] == len(missing)
    assert report["stats"]["archive/leftovers_removed"] >= 1 and not leftover.exists()


# ------------ one article from two discovery sources


class Gate(Reply):
    """A reply held until the other gated request has arrived too: each of the two feeds is
    then being read by a different process (one request at a time each)."""

    def __init__(self, body: bytes, mine: threading.Event, other: threading.Event,
                 content_type: str = "application/json; charset=utf-8"):
        super().__init__(body=body, headers={"Content-Type": content_type})
        self._mine, self._other = mine, other

    @property
    def delay(self) -> float:
        self._mine.set()
        self._other.wait(30)
        return 0.0

    @delay.setter
    def delay(self, value) -> None:
        pass


def gated_feeds(server: TestServer, first: tuple[str, bytes], second: tuple[str, bytes]) -> None:
    a, b = threading.Event(), threading.Event()
    server.add("POST", FEED_PATH, Gate(first[1], a, b), body=feed_body(first[0], 1))
    server.add("POST", FEED_PATH, Gate(second[1], b, a), body=feed_body(second[0], 1))


ONE_AT_A_TIME = ("CONCURRENT_REQUESTS=1", "DOWNLOAD_TIMEOUT=30")


def test_two_channels_two_id_forms_one_request_one_file(tmp_path):
    archive = tmp_path / "archive"
    with RedisServer() as redis, TestServer() as server:
        site = QqSite(server)
        article = site.article("TWO", title="两个频道的同一篇")
        short = article.id[:14]
        server.add("GET", f"/rain/a/{short}", html_reply(page_html(article.title, article.body)))
        gated_feeds(server, ("chA", feed_answer([article.entry()])),
                    ("chB", feed_answer([article.entry(id=short, link_info={"url": server.url(f"/rain/a/{short}")})])))
        procs = [start(command(server, archive, redis.url, tmp_path / f"r{i}.json", *ONE_AT_A_TIME, channels="chA,chB"))
                 for i in range(2)]
        results = finish(procs)
        gets = article_gets(server)
    for code, stderr in results:
        assert code == 0, stderr[-3000:]
    reports = [load_report(tmp_path / f"r{i}.json") for i in range(2)]
    # Each process read one of the two feeds ...
    assert [r["stats"].get("downloader/request_method_count/POST") for r in reports] == [1, 1]
    # ... both saw the article; the run took it once: one request, one file.
    assert sum(r["discovered"] for r in reports) == 1
    assert sum(r["stats"].get("qq/duplicate", 0) for r in reports) == 1
    assert sum(gets.values()) == 1
    files = list(archive_articles(archive))
    assert len(files) == 1 and files[0] in (f"{short}.zh-CN.md", f"{article.id}.zh-CN.md")


def test_discovery_failure_is_judged_over_the_whole_run(tmp_path):
    """The process whose feed failed is healthy when another process of the run discovered."""
    archive = tmp_path / "archive"
    with RedisServer() as redis, TestServer() as server:
        site = QqSite(server)
        article = site.article("DSC")
        a, b = threading.Event(), threading.Event()
        server.add("POST", FEED_PATH, Gate(feed_answer([article.entry()]), a, b), body=feed_body("chOK", 1))
        # An answer the spider cannot read: a discovery failure, not an error of the run.
        server.add("POST", FEED_PATH, Gate(b'{"code": -1, "msg": "invalid"}', b, a), body=feed_body("chBAD", 1))
        procs = [start(command(server, archive, redis.url, tmp_path / f"r{i}.json", *ONE_AT_A_TIME,
                               channels="chOK,chBAD")) for i in range(2)]
        results = finish(procs)
    reports = [load_report(tmp_path / f"r{i}.json") for i in range(2)]
    failed = [r for r in reports if r["errors"]["discovery_failed"]]
    assert len(failed) == 1 and failed[0]["discovered"] == 0  # alone, this would be exit 4
    for (code, stderr), report in zip(results, reports):
        assert code == 0, stderr[-3000:]
        assert report["exit_status"]["code"] == 0
    assert len(archive_articles(archive)) == 1


def test_one_page_under_two_links_is_claimed_once_across_processes(tmp_path):
    """Two links without ids, one page (its id in the page): two processes fetch one each at
    the same time; the run's claims (crawler.redis_claims) let one write and drop the other as
    a duplicate before its work, instead of finding the file taken at the end."""
    archive = tmp_path / "archive"
    article_id = "20250310ACLM0100"
    page = page_html("两个链接的同一篇", "<p>同一篇文章。</p>", cms_id=article_id).encode("utf-8")
    with RedisServer() as redis, TestServer() as server:
        site = QqSite(server)
        first, second = (site.article(tag, title="两个链接的同一篇", path=f"/news/{tag.lower()}.html")
                         for tag in ("CLA", "CLB"))
        pages_a, pages_b = threading.Event(), threading.Event()
        html = "text/html; charset=utf-8"
        server._routes[("GET", first.path)] = [Gate(page, pages_a, pages_b, html)]
        server._routes[("GET", second.path)] = [Gate(page, pages_b, pages_a, html)]
        gated_feeds(server, ("chA", feed_answer([first.entry(id=None)])), ("chB", feed_answer([second.entry(id=None)])))
        procs = [start(command(server, archive, redis.url, tmp_path / f"r{i}.json", *ONE_AT_A_TIME, channels="chA,chB"))
                 for i in range(2)]
        results = finish(procs)
        gets = Counter(r.path for r in server.requests if r.method == "GET")
    for code, stderr in results:
        assert code == 0, stderr[-3000:]
    assert gets == Counter({first.path: 1, second.path: 1})
    reports = [load_report(tmp_path / f"r{i}.json") for i in range(2)]
    # One page each ...
    assert [r["stats"].get("downloader/request_method_count/GET") for r in reports] == [1, 1]
    # ... one written, the other dropped as a duplicate when it entered the pipelines.
    assert sorted(r["written"] for r in reports) == [0, 1]
    assert sum(r["dropped"].get("duplicate", 0) for r in reports) == 1
    assert sum(r["skipped_existing"] for r in reports) == 0
    assert list(archive_articles(archive)) == [f"{article_id}.zh-CN.md"]


# ------------ every source through Redis


def test_crawlall_through_redis_writes_every_sources_expected_files(tmp_path):
    """Every source's requests survive the shared queue (stored as JSON, not pickles): the
    replayed crawls of `scrapy crawlall` write the fixtures' expected files."""
    # qq's nightly crawl takes arguments (its crawl.json) that the other sources do not take.
    names = sorted(p.parent.name for p in (ROOT / "fixtures").glob("*/nightly")
                   if (p / "expected").is_dir() and not (p / "crawl.json").is_file())
    replay = {name: {"FIXTURES_REPLAY": str(ROOT / "fixtures" / name / "nightly")} for name in names}
    archive = tmp_path / "archive"
    with RedisServer() as redis:
        result = run([sys.executable, "-m", "scrapy", "crawlall", *names, "-s", f"ARCHIVE_DIR={archive}",
                      "-s", f"REDIS_URL={redis.url}", "-s", "CRAWLALL_SOURCE_SETTINGS=" + json.dumps(replay),
                      "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0",
                      "-s", "RUN_REPORT=" + str(tmp_path / "report.json")])
        keys_left = redis.client().keys("*")
    assert result.returncode == 0, result.stderr[-3000:]
    expected = {}
    for name in names:
        expected.update(archive_files(ROOT / "fixtures" / name / "nightly" / "expected"))
    assert len(names) >= 5 and archive_files(archive) == expected
    sources = load_report(tmp_path / "report.json")["sources"]
    assert all(sources[name]["distributed"]["founder"] for name in names)
    assert keys_left == []


# ------------ the archive lock


def test_archive_lock_is_per_process_and_still_refuses_a_run_without_redis(tmp_path):
    """Distributed processes hold the lock shared: they run together; a run without Redis on
    the same archive is refused (exit 7) while they run, and they are while it runs."""
    archive = tmp_path / "archive"
    with RedisServer() as redis, TestServer() as server:
        site = QqSite(server)
        article = site.article("LCK")
        arrived, release = threading.Event(), threading.Event()
        server.add("POST", FEED_PATH, Gate(feed_answer([article.entry()]), arrived, release), body=feed_body(CHANNEL, 1))
        first = start(command(server, archive, redis.url, tmp_path / "d1.json", "DOWNLOAD_TIMEOUT=30"))
        assert arrived.wait(60)  # the first distributed process holds the lock and waits on its feed
        second = start(command(server, archive, redis.url, tmp_path / "d2.json"))  # joins the run
        alone = run(command(server, archive, None, tmp_path / "alone.json"))
        release.set()
        results = finish([first, second])
    for code, stderr in results:
        assert code == 0, stderr[-3000:]
    assert alone.returncode == 7, alone.stderr[-3000:]
    lock = load_report(tmp_path / "alone.json")["lock"]
    assert lock["held_by_other"] and "a distributed run" in lock["holder"]
    assert len(archive_articles(archive)) == 1
    # The other way round: a run without Redis holds the lock, a distributed process is refused.
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from crawler.lock import acquire, lock_path; from crawler.settings import ARCHIVE_LOCK_FILE; "
                               "acquire(lock_path(sys.argv[1], ARCHIVE_LOCK_FILE)); print('locked', flush=True); time.sleep(60)",
                               str(archive)], cwd=ROOT, env=env(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with RedisServer() as redis, TestServer() as server:
            refused = run(command(server, archive, redis.url, tmp_path / "refused.json"))
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode == 7, refused.stderr[-3000:]


# ------------ Redis faults


def test_redis_unreachable_at_start_is_exit_1_with_one_line(tmp_path):
    archive = tmp_path / "archive"
    # A port bound and never listening: a connection is refused, and no other test's server
    # (the suite runs in several processes) can take it meanwhile.
    with socket.socket() as held, TestServer() as server:
        held.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{held.getsockname()[1]}/0"
        build_site(server, 3)
        result = run(command(server, archive, url, tmp_path / "r.json"))
        requests = list(server.requests)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("scrapy crawl qq:")]
    assert len(lines) == 1 and f"Redis unreachable at {url}" in lines[0]
    assert "Traceback" not in result.stderr
    report = load_report(tmp_path / "r.json")
    assert report["exit_status"]["code"] == 1 and report["errors"]["by_kind"]["redis"] == 1
    assert report["finish_reason"] == "redis_unreachable"
    assert requests == [] and archive_articles(archive) == {}


def test_redis_password_from_the_setting_else_the_environment(tmp_path):
    """REDIS_PASSWORD (a secret, crawler.secret: the setting when set, else the environment
    variable) authenticates; without it the run is refused with one line, as an unreachable
    Redis."""
    with RedisServer(password="s3cret-for-test") as redis, TestServer() as server:
        articles, _ = build_site(server, 3)
        refused = run(command(server, tmp_path / "a1", redis.url, tmp_path / "r1.json"),
                      extra_env={"REDIS_PASSWORD": ""})
        accepted = run(command(server, tmp_path / "a2", redis.url, tmp_path / "r2.json"),
                       extra_env={"REDIS_PASSWORD": "s3cret-for-test"})
        # The setting comes first: a wrong password in the environment is not used.
        by_setting = run(command(server, tmp_path / "a3", redis.url, tmp_path / "r3.json",
                                 "REDIS_PASSWORD=s3cret-for-test"), extra_env={"REDIS_PASSWORD": "wrong-password"})
    assert refused.returncode == 1
    lines = [line for line in refused.stderr.splitlines() if line.startswith("scrapy crawl qq:")]
    assert len(lines) == 1 and f"Redis unreachable at {redis.url}" in lines[0] and "authenticate" in lines[0]
    assert accepted.returncode == 0, accepted.stderr[-3000:]
    assert set(archive_articles(tmp_path / "a2")) == expected_names(articles)
    assert "s3cret-for-test" not in accepted.stderr + (tmp_path / "r2.json").read_text(encoding="utf-8")
    assert by_setting.returncode == 0, by_setting.stderr[-3000:]
    assert load_report(tmp_path / "r3.json")["exit_status"]["code"] == 0
    assert set(archive_articles(tmp_path / "a3")) == expected_names(articles)


def test_redis_killed_mid_run_ends_the_run_with_its_error_and_whole_files(tmp_path):
    archive = tmp_path / "archive"
    with RedisServer() as redis, TestServer() as server:
        articles, pages = build_site(server, 200, delay=0.05)
        proc = start(command(server, archive, redis.url, tmp_path / "r.json", "CONCURRENT_REQUESTS=4", pages=pages))
        deadline = time.monotonic() + 60
        while len(archive_articles(archive)) < 20 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        redis.kill()
        (code, stderr), = finish([proc])
    assert code == 1, stderr[-3000:]
    report = load_report(tmp_path / "r.json")
    assert report["finish_reason"] == "redis_lost"
    assert report["errors"]["by_kind"]["redis"] == 1
    assert any(reason.startswith("Redis lost mid-run") for reason in report["exit_status"]["reasons"])
    files = archive_articles(archive)
    assert 20 <= len(files) < len(articles)
    assert report["written"] == len(files)
    by_name = {f"{a.id}.zh-CN.md": a for a in articles}
    assert all(whole(path, link_of(by_name[name])) for name, path in files.items())
    assert hidden_temporaries(archive) == []

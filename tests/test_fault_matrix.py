"""Fault matrix (issue 4): the real `scrapy crawl qq` against a misbehaving server on 127.0.0.1.

Each row is one case: what the server does, and what the crawl must do about it. The rows are
grouped into three crawls (one subprocess each; the rows of a crawl use different articles or
channels, so each stays separately checkable): PAGES (one channel, one article per row),
FEEDS (one channel per row, robots.txt of the server disallowing /rain/), DISCOVERY (the only
channel's answer is broken). Settings of every crawl: DOWNLOAD_TIMEOUT=1, RETRY_TIMES=3 (4
attempts), REDIRECT_MAX_TIMES=3, DOWNLOAD_MAXSIZE=1000000, AutoThrottle off, no delay, coverage
not judged (tests/test_monitoring.py does that).

"requests" counts what reached the server for the row's article (its server log); "written"
whether its file is in the archive; "outcome" the counted reason: a drop reason
(`article/dropped/<reason>`, and the "Dropped article (<reason>): <link>" log line), or
`page_failed` (`qq/page_failed` and the "qq article page failed: <url>" line), or a stat.

case                      server behaviour                                  expected outcome
========================  ================================================  ================================================
5xx_then_ok               500, 502, 503, then the page                      4 requests, retried 3 times, written
500_forever               500 on every request                              4 requests, dropped: page_failed, retry/max_reached, 1 error
429_retry_after           429 with Retry-After: 1, then the page            2 requests >= 1 s apart (RetryAfter waited), written
slow                      answers after 2.5 s (> DOWNLOAD_TIMEOUT 1 s)      4 requests, dropped: page_failed, DownloadTimeoutError counted
reset_mid_body            half the body, then TCP RST                       4 requests, dropped: page_failed, ResponseDataLossError counted
short_body                Content-Length 1000 bytes more than sent          4 requests, dropped: page_failed, ResponseDataLossError counted
gbk_no_charset            GBK bytes, no charset in header or meta           1 request, written, body text read right
utf8_declared_gb2312      UTF-8 bytes, header and meta say gb2312           1 request, written, body text read right
bom                       UTF-8 with a BOM, no charset anywhere             1 request, written, no U+FEFF in the file
redirect_notfound         302 to /notfound.htm?uri=... (200 landing page)   1 + 1 requests, dropped: removed
http_404                  404                                               1 request (not retried), dropped: removed
redirect_loop             302 to itself                                     4 requests (REDIRECT_MAX_TIMES 3), dropped: page_failed
too_large                 2,000,000-byte body (> DOWNLOAD_MAXSIZE)          1 request (not retried), dropped: page_failed
no_body_container         window.DATA but no body container, no origin      1 request, dropped: empty_body (healthy drop)
robots_disallow           robots.txt: Disallow: /rain/                      0 requests, dropped: page_failed, robotstxt/forbidden
feed_invalid_json         feed answer is not JSON                           qq/discovery_failed (other channels go on)
feed_code_not_0           {"code": 1, "msg": ...}                           qq/discovery_failed (other channels go on)
feed_empty_data           {"code": 0, "data": []}                           nothing discovered, no failure
feed_missing_link_info    entries without link_info / with an empty url     qq/missing_link 2, the good entry written
listed_twice_one_run      one feed answer lists an article twice            1 request, written once, qq/duplicate
listed_in_two_channels    two channels list the same article                1 request, written once, qq/duplicate
discovery_fails           the only channel answers invalid JSON             exit 4 (discovery failure), nothing requested
nothing_came_back         every article: redirect loop or gzip bomb         exit 1 (every article request failed), 0 errors
robots_forbid_all         robots.txt: Disallow: /rain/ (every article)      exit 1 with the robots.txt line, 0 requests

Exit statuses: PAGES exits 1 (five pages given up, five errors > RUN_MAX_ERRORS=0: 500_forever
after its retries, and the failed downloads slow, reset_mid_body, short_body, too_large; errors
are counted from these events, not from log lines); FEEDS exits 0 (failed discovery of some
channels while others discover is healthy); DISCOVERY exits 4; NOTHING (one channel whose
articles are a redirect loop and a gzip bomb) and ROBOTS (robots.txt forbids every article)
exit 1 although neither counts an error (RUN_MAX_ERRORS=100): articles were requested and not
one came back.
"""

from __future__ import annotations

import gzip
import re
import time
from pathlib import Path

import frontmatter
import pytest

from tests.support.qq_site import QqSite, archive_articles, feed_answer, load_report, page_html, qq_id, run_qq
from tests.support.server import Reply, TestServer, huge, redirect, redirect_loop, reset_mid_body, short_body, slow

MATRIX_SETTINGS = ("REDIRECT_MAX_TIMES=3", "DOWNLOAD_MAXSIZE=1000000", "DOWNLOAD_WARNSIZE=0")
TEXT = "这是一段用于编码测试的正文，包含汉字与标点。"  # invented


def _html(tag: str, title: str, **kwargs) -> str:
    return page_html(title, f"<p>{TEXT}</p>", **kwargs)


def _crawl(factory, name: str, channels: str, build, collect, *settings: str) -> dict:
    """One crawl: `build(site, server)` sets the server up, `collect(server, built)` reads its log."""
    tmp = factory.mktemp(name)
    archive, report = tmp / "archive", tmp / "report.json"
    with TestServer() as server:
        built = build(QqSite(server), server)
        started = time.monotonic()
        result = run_qq(server, archive, channels, *settings, report=report)
        elapsed = time.monotonic() - started
        out = collect(server, built)
    out.update(result=result, report=load_report(report) if report.exists() else None, archive=archive,
               elapsed=elapsed)
    return out


def _ok(title: str, **kwargs) -> Reply:
    return Reply(body=_html("", title, **kwargs).encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"})


def _build_pages(site: QqSite, server: TestServer) -> dict:
    arts = {}
    arts["5xx_then_ok"] = site.article("R5XX", Reply(500), Reply(502), Reply(503), _ok("五百后成功"), title="五百后成功")
    arts["500_forever"] = site.article("F500", Reply(500))
    arts["429_retry_after"] = site.article("R429", Reply(429, headers={"Retry-After": "1"}), _ok("限流后成功"),
                                           title="限流后成功")
    page = _html("", "慢").encode("utf-8")
    arts["slow"] = site.article("SLOW", slow(2.5, body=page, headers={"Content-Type": "text/html; charset=utf-8"}))
    arts["reset_mid_body"] = site.article("RESET", reset_mid_body(page, headers={"Content-Type": "text/html"}))
    arts["short_body"] = site.article("SHORT", short_body(page, len(page) + 1000, headers={"Content-Type": "text/html"}))
    gbk = _html("", "国标页", meta_charset=None).encode("gbk")
    assert b"charset" not in gbk.lower()
    arts["gbk_no_charset"] = site.article("GBK", Reply(body=gbk, headers={"Content-Type": "text/html"}), title="国标页")
    u8 = _html("", "声明不符", meta_charset="gb2312").encode("utf-8")
    arts["utf8_declared_gb2312"] = site.article(
        "U8GB", Reply(body=u8, headers={"Content-Type": "text/html; charset=gb2312"}), title="声明不符")
    bom = b"\xef\xbb\xbf" + _html("", "带BOM", meta_charset=None).encode("utf-8")
    arts["bom"] = site.article("BOM", Reply(body=bom, headers={"Content-Type": "text/html"}), title="带BOM")
    nf_id = qq_id("NFND")
    arts["redirect_notfound"] = site.article("NFND", redirect(f"/notfound.htm?uri=http://new.qq.com/rain/a/{nf_id}"))
    server.add("GET", "/notfound.htm", Reply(body=b"<html><head><title></title><script>var babygohome=1;</script>"
                                                  b"</head><body></body></html>", headers={"Content-Type": "text/html"}))
    arts["http_404"] = site.article("E404", Reply(404, body=b"gone", headers={"Content-Type": "text/html"}))
    arts["redirect_loop"] = site.article("LOOP", redirect_loop(f"/rain/a/{qq_id('LOOP')}"))
    arts["too_large"] = site.article("HUGE", huge(2_000_000))
    arts["no_body_container"] = site.article("NOBDY", container=False)
    site.feed("pages", [a.entry() for a in arts.values()])
    return arts


def _collect_pages(server: TestServer, arts: dict) -> dict:
    return {"arts": arts, "counts": {case: server.count(a.path) for case, a in arts.items()},
            "arrivals": server.arrivals(arts["429_retry_after"].path),
            "notfound": [p for p in server.requested() if p.startswith("/notfound.htm")]}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return _crawl(tmp_path_factory, "pages", "pages", _build_pages, _collect_pages, *MATRIX_SETTINGS)


def _build_feeds(site: QqSite, server: TestServer) -> dict:
    server.add("GET", "/robots.txt", Reply(body=b"User-agent: *\nDisallow: /rain/\n",
                                           headers={"Content-Type": "text/plain"}))
    # Articles under /a/<ID> (allowed by robots.txt); the robots row's under /rain/a/.
    a = {tag: site.article(tag, path=f"/a/{qq_id(tag)}") for tag in ("NL1", "D1", "D2", "D3")}
    a["RB1"] = site.article("RB1")
    json_headers = {"Content-Type": "application/json"}
    site.feed("bad_json", Reply(body=b'{"code": 0, "data": [{"id": ', headers=json_headers))
    site.feed("code1", Reply(body=b'{"code": 1, "msg": "invalid request"}', headers=json_headers))
    site.feed("empty", [])
    site.feed("nolink", [a["NL1"].entry(id="20250310A0NOL100", link_info=None),
                         a["NL1"].entry(id="20250310A0NOL200", link_info={"url": ""}), a["NL1"].entry()])
    site.feed("dup1", [a["D1"].entry(), a["D1"].entry(), a["D2"].entry()])
    site.feed("dup2", [a["D1"].entry(), a["D3"].entry()])
    site.feed("robots", [a["RB1"].entry()])
    return a


def _collect_feeds(server: TestServer, arts: dict) -> dict:
    return {"arts": arts, "counts": {tag: server.count(art.path) for tag, art in arts.items()},
            "posts": len(server.requested("POST"))}


@pytest.fixture(scope="module")
def feeds(tmp_path_factory):
    return _crawl(tmp_path_factory, "feeds", "bad_json,code1,empty,nolink,dup1,dup2,robots", _build_feeds,
                  _collect_feeds)


def _build_discovery(site: QqSite, server: TestServer) -> None:
    site.feed("only", Reply(body=b"<html>not json</html>", headers={"Content-Type": "text/html"}))


def _build_nothing(site: QqSite, server: TestServer) -> dict:
    # 4,000,000 bytes once decompressed (> DOWNLOAD_MAXSIZE 1,000,000), about 4 KB on the wire.
    bomb = gzip.compress(b"<p>" + b"0" * 4_000_000 + b"</p>")
    assert len(bomb) < 100_000
    arts = {"redirect_loop": site.article("NLOOP", redirect_loop(f"/rain/a/{qq_id('NLOOP')}")),
            "gzip_bomb": site.article("BOMB", Reply(body=bomb, headers={"Content-Type": "text/html",
                                                                        "Content-Encoding": "gzip"}))}
    site.feed("nothing", [a.entry() for a in arts.values()])
    return arts


@pytest.fixture(scope="module")
def nothing(tmp_path_factory):
    return _crawl(tmp_path_factory, "nothing", "nothing", _build_nothing,
                  lambda server, arts: {"counts": {case: server.count(a.path) for case, a in arts.items()}},
                  *MATRIX_SETTINGS, "RUN_MAX_ERRORS=100")


def _build_robots(site: QqSite, server: TestServer) -> dict:
    server.add("GET", "/robots.txt", Reply(body=b"User-agent: *\nDisallow: /rain/\n",
                                           headers={"Content-Type": "text/plain"}))
    arts = {tag: site.article(tag) for tag in ("RBA1", "RBA2")}
    site.feed("robots", [a.entry() for a in arts.values()])
    return arts


@pytest.fixture(scope="module")
def robots(tmp_path_factory):
    return _crawl(tmp_path_factory, "robots", "robots", _build_robots,
                  lambda server, arts: {"gets": [p for p in server.requested("GET") if p != "/robots.txt"]},
                  "RUN_MAX_ERRORS=100")


@pytest.fixture(scope="module")
def discovery(tmp_path_factory):
    return _crawl(tmp_path_factory, "discovery", "only", _build_discovery,
                  lambda server, _: {"gets": [p for p in server.requested("GET") if p != "/robots.txt"]})


# ---- helpers ------------


def written(run, art) -> bool:
    return f"{art.id}.zh-CN.md" in archive_articles(run["archive"])


def dropped_line(run, reason: str, art) -> bool:
    return f"Dropped article ({reason}): https://new.qq.com/rain/a/{art.id}" in run["result"].stderr


def page_failed_line(run, art) -> bool:
    return re.search(rf"\[qq\] WARNING: qq article (?:page|request) failed: {re.escape(art.url)}",
                     run["result"].stderr) is not None


def stats(run) -> dict:
    return run["report"]["stats"]


# ---- the PAGES crawl ------------


def test_pages_crawl_finished_with_status_1(pages):
    result, report = pages["result"], pages["report"]
    assert report is not None, result.stderr[-4000:]
    assert report["finish_reason"] == "finished"
    assert result.returncode == 1, result.stderr[-4000:]
    assert report["exit_status"]["code"] == 1
    # Four ERROR lines ("Gave up retrying" for 500, slow, reset, short) and one quiet failure
    # (too_large, handled by the errback); redirect_loop is an IgnoreRequest, counted only in
    # qq/page_failed.
    assert report["errors"]["log_error"] == 4, result.stderr[-4000:]
    assert report["errors"]["download_failed_quiet"] == 1
    assert report["errors"]["counted"] == 5
    assert {kind: n for kind, n in report["errors"]["by_kind"].items() if n} == {"download_failed": 4, "http_gave_up": 1}
    assert report["errors"]["http_gave_up"] == {"500": 1}
    assert stats(pages)["qq/page_failed"] == 6  # five above and the redirect loop
    assert report["written"] == 5
    assert report["dropped"] == {"empty_body": 1, "removed": 2}
    assert pages["elapsed"] < 60


def test_5xx_then_ok(pages):
    art = pages["arts"]["5xx_then_ok"]
    assert pages["counts"]["5xx_then_ok"] == 4
    assert written(pages, art)
    for code in ("500", "502", "503"):
        assert stats(pages)[f"retry/reason_count/{code} Internal Server Error" if code == "500" else
                            f"retry/reason_count/{code} " + {"502": "Bad Gateway", "503": "Service Unavailable"}[code]] >= 1


def test_500_forever(pages):
    art = pages["arts"]["500_forever"]
    assert pages["counts"]["500_forever"] == 4
    assert not written(pages, art)
    assert page_failed_line(pages, art)
    assert stats(pages)["retry/max_reached"] == 4  # 500_forever, slow, reset, short
    assert re.search(rf"Gave up retrying <GET {re.escape(art.url)}> \(failed 4 times\): 500", pages["result"].stderr)


def test_429_waits_for_retry_after(pages):
    art = pages["arts"]["429_retry_after"]
    assert pages["counts"]["429_retry_after"] == 2
    first, second = pages["arrivals"]
    assert second - first >= 0.95, second - first
    assert written(pages, art)
    assert stats(pages)["retry_after/waited"] == 1
    assert stats(pages)["retry/reason_count/429 Unknown Status"] == 1


@pytest.mark.parametrize("case, exception", [
    ("slow", "DownloadTimeoutError"),
    ("reset_mid_body", "ResponseDataLossError"),
    ("short_body", "ResponseDataLossError"),
])
def test_download_failures_are_retried_then_dropped(pages, case, exception):
    art = pages["arts"][case]
    assert pages["counts"][case] == 4
    assert not written(pages, art)
    assert page_failed_line(pages, art)
    assert stats(pages).get(f"downloader/failed/{exception}", 0) >= 1


def test_failure_counts_by_type(pages):
    failed = pages["report"]["errors"]["download_failed"]
    # Scrapy 2.19's names: slow -> DownloadTimeoutError; reset and short -> ResponseDataLossError;
    # too_large -> DownloadCancelledError.
    assert failed == {"DownloadTimeoutError": 1, "ResponseDataLossError": 2, "DownloadCancelledError": 1}


@pytest.mark.parametrize("case, title", [
    ("gbk_no_charset", "国标页"), ("utf8_declared_gb2312", "声明不符"), ("bom", "带BOM"),
])
def test_encodings(pages, case, title):
    art = pages["arts"][case]
    assert pages["counts"][case] == 1
    assert written(pages, art)
    path = archive_articles(pages["archive"])[f"{art.id}.zh-CN.md"]
    text = path.read_text(encoding="utf-8")
    post = frontmatter.loads(text)
    assert post["title"] == title
    assert TEXT in post.content
    assert "\ufeff" not in text and "\ufffd" not in text


def test_redirect_to_notfound_and_404_are_removed(pages):
    for case in ("redirect_notfound", "http_404"):
        art = pages["arts"][case]
        assert pages["counts"][case] == 1, case  # a 404 is not retried
        assert not written(pages, art)
        assert dropped_line(pages, "removed", art), case
    assert len(pages["notfound"]) == 1


def test_redirect_loop(pages):
    art = pages["arts"]["redirect_loop"]
    assert not written(pages, art)
    assert stats(pages).get("dupefilter/filtered", 0) == 0
    assert pages["counts"]["redirect_loop"] == 4  # the request and REDIRECT_MAX_TIMES=3 hops
    assert page_failed_line(pages, art)
    assert "max redirections reached" in pages["result"].stderr


def test_too_large(pages):
    art = pages["arts"]["too_large"]
    assert pages["counts"]["too_large"] == 1  # not retried
    assert not written(pages, art)
    assert page_failed_line(pages, art)
    assert "larger than download max size" in pages["result"].stderr


def test_no_body_container(pages):
    art = pages["arts"]["no_body_container"]
    assert pages["counts"]["no_body_container"] == 1
    assert not written(pages, art)
    assert dropped_line(pages, "empty_body", art)
    assert pages["report"]["coverage"]["empty_body_drops"] == 1


# ---- the FEEDS crawl ------------


def test_feeds_crawl_finished_with_status_0(feeds):
    result, report = feeds["result"], feeds["report"]
    assert report is not None, result.stderr[-4000:]
    assert result.returncode == 0, result.stderr[-4000:]
    assert report["finish_reason"] == "finished"
    assert feeds["posts"] == 7  # one per channel, none retried (all 200)
    assert report["errors"]["discovery_failed"] == 2
    assert report["errors"]["counted"] == 0
    assert feeds["elapsed"] < 60


def test_feed_invalid_json_and_code(feeds):
    err = feeds["result"].stderr
    assert re.search(r"qq discovery failed \(bad_json page 1\): answer is not JSON", err)
    assert "qq discovery failed (code1 page 1): feed answered code 1: invalid request" in err


def test_feed_missing_link_info(feeds):
    s = stats(feeds)
    assert s["qq/missing_link"] == 2
    assert feeds["counts"]["NL1"] == 1
    assert written(feeds, feeds["arts"]["NL1"])


def test_duplicates_once(feeds):
    s = stats(feeds)
    assert feeds["counts"]["D1"] == 1
    assert s["qq/duplicate"] == 2  # twice in dup1's answer, and again in dup2
    for tag in ("D1", "D2", "D3"):
        assert written(feeds, feeds["arts"][tag])
    assert feeds["report"]["written"] == 4  # NL1, D1, D2, D3
    assert s["qq/requested"] == 5  # the four and RB1 (refused by robots.txt)


def test_robots_disallow(feeds):
    art = feeds["arts"]["RB1"]
    assert feeds["counts"]["RB1"] == 0
    assert feeds["report"]["errors"]["robots_forbidden"] == 1
    assert not written(feeds, art)
    assert page_failed_line(feeds, art)


def test_empty_feed_is_not_a_failure(feeds):
    # Seven channels: bad_json and code1 failed; "empty" (code 0, no entries) is not counted.
    assert feeds["report"]["errors"]["discovery_failed"] == 2


# ---- the DISCOVERY crawl ------------


def test_discovery_failure_is_4(discovery):
    result, report = discovery["result"], discovery["report"]
    assert result.returncode == 4, result.stderr[-4000:]
    assert report["exit_status"]["name"] == "discovery_failure"
    assert discovery["gets"] == []
    assert not archive_articles(discovery["archive"])


# ---- every article request failed ------------


def test_nothing_came_back_is_1(nothing):
    result, report = nothing["result"], nothing["report"]
    assert report is not None, result.stderr[-4000:]
    assert result.returncode == 1, result.stderr[-4000:]
    assert nothing["counts"] == {"redirect_loop": 4, "gzip_bomb": 1}  # both requested, the bomb once
    assert report["finish_reason"] == "finished"
    assert (report["requested"], report["written"], report["dropped"]) == (2, 0, {})
    assert report["errors"]["counted"] == 0  # neither is an error: the status comes from the articles
    assert report["exit_status"] == {
        "code": 1, "name": "errors",
        "reasons": ["requested 2 article page(s), wrote 0: every article request failed (2 failed)"]}
    assert not archive_articles(nothing["archive"])


def test_robots_forbidding_every_article_is_1_with_its_own_line(robots):
    result, report = robots["result"], robots["report"]
    assert report is not None, result.stderr[-4000:]
    assert result.returncode == 1, result.stderr[-4000:]
    assert robots["gets"] == []  # no article page was fetched
    assert (report["requested"], report["written"], report["errors"]["robots_forbidden"]) == (2, 0, 2)
    assert report["exit_status"]["reasons"] == [
        "robots.txt forbids the articles: all 2 article request(s) refused (ROBOTSTXT_OBEY), wrote 0"]

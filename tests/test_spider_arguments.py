"""Spider arguments (crawler/arguments.py) through the real `scrapy crawl` command line: an
unknown name or an unreadable value is one line on stderr naming it and the valid arguments,
exit status 1, and nothing runs (no request reaches the feed's server, no archive lock is
taken); every spider declares its arguments, and `scrapy crawlall --list-arguments` prints them."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crawler.arguments import ArgumentError, parse
from crawler.spiders.qq import QqSpider
from tests.support.cli import run_scrapy
from tests.support.server import Reply, TestServer

SITE_ARGUMENTS = ("limit=N", "since=YYYY-MM-DD", "urls=A,B", "url_file=PATH", "pages=N", "discovery_url=A,B",
                  "article_url=TEMPLATE")
QQ_ARGUMENTS = ("channels=A,B", "pages=N", "limit=N", "since=YYYY-MM-DD", "urls=A,B", "url_file=PATH", "hot=0|1")


def _last_line(stderr: str) -> str:
    return [line for line in stderr.splitlines() if line.strip()][-1]


def _refused(tmp_path, *args: str) -> str:
    """Run `scrapy crawl ...` against a live feed server; assert the refusal and return the
    last stderr line."""
    archive = tmp_path / "archive"
    with TestServer() as server:
        server.add("POST", "/feed", Reply(body=b'{"code": 0, "data": []}', headers={"Content-Type": "application/json"}))
        result = run_scrapy("crawl", *args, "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={tmp_path / 'r.json'}",
                            "-s", f"QQ_FEED_URL={server.url('/feed')}", "-s", "SITE_OVERRIDES=" + json.dumps(
                                {site: {"discovery.url": server.url("/feed")} for site in ("sina", "thehill", "morningstar")}))
        assert server.requests == []  # nothing went live
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert not (archive / ".newsarchive.lock").exists()  # refused before the run began
    return _last_line(result.stderr)


def test_a_typo_of_an_argument_is_refused_with_the_valid_ones(tmp_path):
    line = _refused(tmp_path, "qq", "-a", "page=3")
    assert "unknown argument 'page'" in line and "did you mean 'pages'" in line
    assert all(usage in line for usage in QQ_ARGUMENTS), line


@pytest.mark.parametrize("argument, named", [
    ("hot=maybe", "hot"), ("pages=x", "pages"), ("pages=0", "pages"), ("limit=-1", "limit"),
    ("since=2025/03/01", "since"), ("url_file=/nonexistent/qq-urls.txt", "url_file"),
])
def test_an_unreadable_value_is_refused_with_the_valid_ones(tmp_path, argument, named):
    line = _refused(tmp_path, "qq", "-a", argument)
    assert f"qq spider: {named} " in line and repr(argument.split("=", 1)[1]) in line
    assert all(usage in line for usage in QQ_ARGUMENTS), line


def test_generic_spider_refuses_an_unknown_argument_and_a_missing_site(tmp_path):
    line = _refused(tmp_path, "generic", "-a", "site=techcrunch", "-a", "limt=2")
    assert "unknown argument 'limt'" in line
    assert all(usage in line for usage in ("site=TEXT", "config=TEXT", *SITE_ARGUMENTS))
    line = _refused(tmp_path, "generic", "-a", "site=nowhere")
    assert "no site 'nowhere'" in line and "techcrunch" in line
    line = _refused(tmp_path, "generic", "-a", "site=../sites/techcrunch")
    assert "site must be the name of a file" in line


@pytest.mark.parametrize("spider, argument, named", [
    ("sina", "pages=many", "pages"), ("thehill", "page=2", "did you mean 'pages'"), ("morningstar", "hot=1", "'hot'"),
])
def test_other_spiders_refuse_likewise(tmp_path, spider, argument, named):
    line = _refused(tmp_path, spider, "-a", argument)
    assert f"{spider} spider: " in line and named in line and "limit=N" in line


def test_arguments_read_by_kind():
    values = parse("qq", QqSpider.ARGUMENTS, {"channels": " a, b ,", "pages": "3", "hot": "Off", "since": "2025-03-01"})
    assert values == {"channels": ["a", "b"], "pages": 3, "limit": None, "since": dt.date(2025, 3, 1),
                      "urls": None, "url_file": None, "hot": False}
    assert parse("qq", QqSpider.ARGUMENTS, {"hot": "YES"})["hot"] is True
    with pytest.raises(ArgumentError, match="unknown argument 'Pages'"):
        parse("qq", QqSpider.ARGUMENTS, {"Pages": "3"})


def test_every_spider_declares_its_arguments_and_crawlall_lists_them():
    result = run_scrapy("crawlall", "--list-arguments", "-s", "CRAWLALL_DISABLED=")
    assert result.returncode == 0, result.stderr[-2000:]
    listed: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        if "\t" in line:
            current = listed.setdefault(line.split("\t")[0], [])
        elif line.startswith("    -a "):
            current.append(line.split()[1])
    assert listed["qq"] == list(QQ_ARGUMENTS)
    # Every site file is a spider of its own: site=/config= (of `scrapy crawl generic`) are not offered.
    for name in ("sina", "jinwucj", "thehill", "wallstreetcn", "techcrunch", "morningstar", "stheadline"):
        assert listed[name] == list(SITE_ARGUMENTS), name

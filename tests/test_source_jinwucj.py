"""jinwucj: every real item as the list API serves it, through the parser and the pipelines;
and the real `scrapy crawl jinwucj` against a local server serving fixtures/jinwucj/."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path

import pytest

from crawler.sources import jinwucj as source
from crawler.sources.common import SourceError
from tests.support import jinwucj_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice, run_with_report
from tests.support.server import TestServer
from tests.support.shared import seed_items
from tests.support.source_pipeline import check_file, pipelines, run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "jinwucj" / "basic"


def test_every_real_item(tmp_path, capsys):
    items = seed_items("jinwucj")
    chain = pipelines(tmp_path)
    counts = Counter()
    problems = {}
    by_list = {"hk": [], "ipo": []}
    for item in items:
        by_list[responses.list_name(item)].append(item)
    for list_name, group in by_list.items():
        entries = source.list_entries(responses.list_answer(group), source.LINK_TEMPLATES[list_name])
        assert [e.id for e in entries] == [str(i["id"]) for i in group]
        for item, entry in zip(group, entries):
            assert entry.link == item["link"]
            result = run(chain, source.to_article(entry))
            if not hasattr(result, "get"):
                counts[f"dropped/{result}"] += 1
                continue
            counts[list_name] += 1
            # A person keeps all of a jinwucj body (the API's own text, no page around it).
            found = check_file(tmp_path, result, item=item, folder="jinwucj", language="zh-CN",
                               expected_title=item["title"], expected_date=item["pub_date"],
                               expected_thumbnail="", body_html=item["description"])
            if found:
                problems[item["link"]] = found
    with capsys.disabled():
        print(f"\njinwucj: {len(items)} real items; files written and checked: hk {counts['hk']}, "
              f"ipo {counts['ipo']}; dropped: {sum(v for k, v in counts.items() if k.startswith('dropped'))}; "
              f"problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    # Every real item has a body and a time: every one makes its file.
    assert counts["hk"] + counts["ipo"] == len(items)


def test_list_without_body_list_is_an_error():
    with pytest.raises(SourceError, match="no body.list"):
        source.list_entries(b'{"code": 401, "msg": "token invalid"}', source.LINK_TEMPLATES["hk"])


def test_entry_without_time_or_body():
    entries = source.list_entries(json.dumps({"body": {"list": [
        {"id": 7, "title": "无时间", "content": "<p>正文</p>"},
        {"id": 8, "title": "无正文", "pubDate": "2026-01-02 03:04:05", "content": ""},
        {"title": "无编号"},
    ]}}), source.LINK_TEMPLATES["ipo"])
    assert [e.id for e in entries] == ["7", "8"]
    first, second = (source.to_article(e) for e in entries)
    assert first["published"] is None and not first["drop_reason"]
    assert second["drop_reason"] == "empty_body"
    assert second["published"].isoformat() == "2026-01-02T03:04:05+08:00"


def _crawl(server, archive, *extra):
    urls = json.dumps({"ipo": server.url("/api/info/getInfoList"), "hk": server.url("/news/v1/list")})
    return run_scrapy("crawl", "jinwucj", "-s", f"JINWUCJ_LIST_URLS={urls}", "-s", f"ARCHIVE_DIR={archive}",
                      "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *extra)


def test_crawl_fixture_end_to_end(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        _first, second = check_crawl_twice(FIXTURE, partial(_crawl, server), tmp_path)
    assert second["stats"].get("item_scraped_count") is None


def test_crawl_denied_is_counted(tmp_path):
    from tests.support.server import Reply

    with TestServer() as server:
        server.add("POST", "/api/info/getInfoList", Reply(status=403, body=b"forbidden"))
        server.add("POST", "/news/v1/list", Reply(status=401, body=b"no token"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive"), tmp_path / "report.json")
    assert report["errors"]["by_kind"]["http_denied"] == 2 and report["errors"]["discovery_failed"] == 2
    assert "access denied" in result.stderr

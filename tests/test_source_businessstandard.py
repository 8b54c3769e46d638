"""businessstandard: every real item as the latest-news page's embedded data and the article
pages serve it, through the parser and the pipelines; a refused (403) list; the cookie from
BUSINESSSTANDARD_COOKIE; and the real `scrapy crawl businessstandard` against a local server
serving fixtures/businessstandard/nightly."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import partial
from pathlib import Path

from tests.support import businessstandard_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice, crawl_given_links, run_with_report
from tests.support.memory import archive  # noqa: F401 (a fixture)
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.server import Reply, TestServer
from tests.support.shared import seed_items
from tests.support.site_source import SiteSource
from tests.support.source_pipeline import check_file, pipelines, run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "businessstandard" / "nightly"
source = SiteSource("businessstandard")  # sites/businessstandard.toml through its spider
# What a person removes from a real businessstandard body: each "ALSO READ: <another story>"
# (a bold run, often at the end of a paragraph, so taken out of the item's HTML, not by line).
# The syndication note ("Only the headline and picture of this report may have been reworked …")
# is the publisher's and stays.
ALSO_READ = re.compile(r'<strong class="read_more">\s*ALSO READ:.*?</strong>', re.S)
NOT_ARTICLE = NotArticle()


def test_every_real_item(archive, capsys):
    items = seed_items("businessstandard")
    chain = pipelines(archive)
    entries = source.list_entries(response(responses.LIST, responses.list_page(items)))
    assert [(e.id, e.link, e.title) for e in entries] == [(str(i["id"]), i["link"], i["title"].strip()) for i in items]
    assert source.stats["businessstandard/skipped_live"] == 1
    counts, problems = Counter(), {}
    for index, (item, entry) in enumerate(zip(items, entries)):
        counts["time_from_" + ("list" if entry.published else "page")] += 1
        result = run(chain, source.parse_article(response(entry.link, responses.page(item, index)), entry))
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            problems[item["link"]] = [f"dropped: {result}"]
            continue
        counts["written"] += 1
        found = check_file(archive, result, item=item, folder="businessstandard", language="en",
                           expected_title=item["title"], expected_date=item["pub_date"], expected_thumbnail="",
                           body_html=ALSO_READ.sub("", item["description"]), removed=NOT_ARTICLE,
                           category="business-standard")
        if found:
            problems[item["link"]] = found
    with capsys.disabled():
        print(f"\nbusinessstandard: {len(items)} real items; {dict(counts)}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    assert counts["written"] == len(items)


def test_article_id_from_a_link():
    assert source.config.article_id(
        "https://www.business-standard.com/world-news/an-invented-story-125020500020_1.html") == "125020500020"


def _crawl(server, archive, *extra, env=None):
    return run_scrapy(
        "crawl", "businessstandard", "-s", "SITE_OVERRIDES=" + json.dumps({"businessstandard": {
            "discovery.url": server.url("/latest-news"), "request.article_url": f"{server.base}{{path}}"}}),
        "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "RETRY_TIMES=0", *extra, env={"BUSINESSSTANDARD_COOKIE": "aws-waf-token=invented", **(env or {})})


def test_crawl_fixture_end_to_end(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        first, _second = check_crawl_twice(FIXTURE, partial(_crawl, server), tmp_path,
                                           article_requests=lambda: [p for p in server.requested() if p.endswith(".html")])
        sent = {r.headers.get("Cookie") for r in server.requests if r.path != "/robots.txt"}
    assert first["skipped"] == {"skipped_live": 1} and sent == {"aws-waf-token=invented"}


def test_without_the_cookie_the_waf_refuses_and_the_run_says_so(tmp_path):
    with TestServer() as server:
        server.add("GET", "/latest-news", Reply(status=403, body=b"<html><title>403 Forbidden</title></html>"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "archive", env={"BUSINESSSTANDARD_COOKIE": ""}),
                                         tmp_path / "report.json")
        assert "Cookie" not in server.requests[-1].headers
    assert report["errors"]["by_kind"]["http_denied"] == 1 and report["errors"]["discovery_failed"] == 1
    assert result.returncode == report["exit_status"]["code"] != 0


def test_a_page_given_by_its_link(tmp_path):
    link = "https://www.business-standard.com/markets/news/invented-port-operator-shares-rise-126030200101_1.html"
    result, report, _asked = crawl_given_links(FIXTURE, _crawl, tmp_path, link)
    assert result.returncode == 0 and report["written"] == 1 and report["time_fallbacks"] == 0, result.stderr[-2000:]
    assert (tmp_path / "given" / "en" / "news" / "businessstandard" / "126030200101.en.md").is_file()

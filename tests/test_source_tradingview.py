"""tradingview: every real item as the news-flow API and the story pages serve it, through the
parser and the pipelines; the cookie from TRADINGVIEW_COOKIE; and the real
`scrapy crawl tradingview` against a local server serving fixtures/tradingview/nightly."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path

from crawler.sources.generic import Entry

from tests.support import tradingview_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice, run_with_report
from tests.support.memory import archive  # noqa: F401 (a fixture)
from tests.support.page_responses import response
from tests.support.reader import NotArticle, kept_text, reader_text
from tests.support.server import Reply, TestServer
from tests.support.shared import seed_items
from tests.support.site_source import SiteSource
from tests.support.source_pipeline import check_file, pipelines, run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "tradingview" / "nightly"
source = SiteSource("tradingview")  # sites/tradingview.toml through its spider
# A person keeps all of a real tradingview body: the wire's tables, symbol lists and
# disclaimers are the provider's text (the ticker chips were already out of the items).
NOT_ARTICLE = NotArticle()


def story(entry: Entry, page: bytes):
    return source.parse_article(response(entry.link, page), entry)


def test_every_real_item(archive, capsys):
    items = seed_items("tradingview")
    chain = pipelines(archive)
    entries = source.list_entries(response(responses.API, responses.api_answer(items), "application/json"))
    first = {}
    for item in items:
        first.setdefault(item["id"], item)  # an id listed twice (its slug changed) is requested once
    assert [e.id for e in entries] == list(first)
    counts, problems = Counter(duplicate_id=len(items) - len(first)), {}
    for index, (item, entry) in enumerate(zip(first.values(), entries)):
        assert (entry.link, entry.title, entry.category) == (item["link"], item["title"].strip(), item["source"])
        result = run(chain, story(entry, responses.page(item, index)))
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            if not kept_text(item["description"]):  # the provider's text is not public
                continue
            problems[item["link"]] = [f"dropped: {result}"]
            continue
        counts["written"] += 1
        found = check_file(archive, result, item=item, folder="tradingview", language="en",
                           expected_title=item["title"], expected_date=item["pub_date"], expected_thumbnail="",
                           body_html=item["description"], removed=NOT_ARTICLE, category=item["source"])
        if found:
            problems[item["link"]] = found
    with capsys.disabled():
        print(f"\ntradingview: {len(items)} real items; {dict(counts)}; "
              f"categories: {len({i['source'] for i in items})}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    empty = sum(1 for i in first.values() if not kept_text(i["description"]))
    assert counts["dropped/empty_body"] == empty and counts["written"] == len(first) - empty


def test_ticker_chips_go_and_an_empty_container_gives_no_page_text():
    item = {"id": "invented:1a2b3c:0", "title": "Invented headline", "source": "Invented Wire",
            "pub_date": "2026-03-02 09:15:00", "link": "https://www.tradingview.com/news/invented:1a2b3c:0-invented/",
            "description": '<div class="body-AbCdEfGh body-IjKlMnOp"><p>Shares of</p><p>the invented maker rose.</p></div>'}
    (entry,) = source.list_entries(response(responses.API, responses.api_answer([item]), "application/json"))
    article = story(entry, responses.page(item, 0))
    assert reader_text(article["body_html"]) == "Sharesoftheinventedmakerrose."
    assert article["published"].isoformat() == "2026-03-02T09:15:00+08:00" and article["category"] == "Invented Wire"
    empty = dict(item, description='<div class="body-AbCdEfGh body-IjKlMnOp"></div>')
    article = story(entry, responses.page(empty, 1))
    assert article["drop_reason"] == "empty_body" and article["body_html"] == ""


def test_a_story_link_alone_gets_the_apis_id():
    name = source.config.article_id
    assert name("https://www.tradingview.com/news/reuters.com,2026:newsml_L6N44J06D:0-a-slug/") == \
        "reuters.com,2026:newsml_L6N44J06D:0"
    assert name("https://www.tradingview.com/news/mtnewswires.com:20250205:A3310317:0/") == \
        "mtnewswires.com:20250205:A3310317:0"
    assert name("https://www.tradingview.com/news/DJN_DN20250204014626_20250204014627:0/") == \
        "DJN_DN20250204014626_20250204014627:0"
    page = responses.page({"title": "T", "source": "Reuters", "pub_date": "2026-03-02 09:15:00",
                           "description": '<div class="body-AbCdEfGh"><p>Invented text.</p></div>'}, 1)
    article = source.parse_article(response("https://www.tradingview.com/news/reuters.com,2026:newsml_X1:0-t/", page))
    assert article["id"] == "tag:reuters.com,2026:newsml_X1:0"
    article = source.parse_article(response("https://www.tradingview.com/news/mtnewswires.com:20260302:A1:0/", page))
    assert article["id"] == "urn:newsml:mtnewswires.com:20260302:A1:0"


def _crawl(server, archive, *extra, env=None):
    return run_scrapy(
        "crawl", "tradingview", "-s", "SITE_OVERRIDES=" + json.dumps({"tradingview": {
            "discovery.url": server.url("/news-flow/v1/news?filter=lang:en&streaming=true"),
            "request.article_url": f"{server.base}{{path}}"}}),
        "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "RETRY_TIMES=0", *extra, env=env)


def test_crawl_fixture_end_to_end(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        first, _second = check_crawl_twice(FIXTURE, partial(_crawl, server), tmp_path,
                                           article_requests=lambda: [p for p in server.requested() if p.startswith("/news/")])
    assert first["discovered"] == 3  # four entries, one story listed twice


def test_the_cookie_comes_from_the_environment_and_a_refusal_is_counted(tmp_path):
    answer = responses.api_answer([{"id": "invented:9f8e7d:0", "title": "Invented cookie story", "source": "Invented Wire",
                                    "pub_date": "2026-03-02 09:15:00",
                                    "link": "https://www.tradingview.com/news/invented:9f8e7d:0-cookie/"}])
    page = responses.page({"title": "Invented cookie story", "source": "Invented Wire", "pub_date": "2026-03-02 09:15:00",
                           "description": '<div class="body-AbCdEfGh"><p>Invented text behind a session.</p></div>'}, 1)
    with TestServer() as server:
        server.add("GET", "/news-flow/v1/news?filter=lang:en&streaming=true", Reply(status=403, body=b"no session"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "denied", env={"TRADINGVIEW_COOKIE": ""}),
                                         tmp_path / "denied.json")
        assert report["errors"]["by_kind"]["http_denied"] == 1 and report["errors"]["discovery_failed"] == 1
        assert "Cookie" not in server.requests[-1].headers and result.returncode != 0
    with TestServer() as server:
        server.add("GET", "/news-flow/v1/news?filter=lang:en&streaming=true",
                   Reply(body=answer, headers={"Content-Type": "application/json"}))
        server.add("GET", "/news/invented:9f8e7d:0-cookie/", Reply(body=page, headers={"Content-Type": "text/html"}))
        result, report = run_with_report(
            partial(_crawl, server, tmp_path / "archive", env={"TRADINGVIEW_COOKIE": "sessionid=invented-value"}),
            tmp_path / "report.json")
        assert result.returncode == 0 and report["written"] == 1, result.stderr[-2000:]
        sent = {r.path: r.headers.get("Cookie") for r in server.requests if r.path != "/robots.txt"}
        assert sent == {"/news-flow/v1/news?filter=lang:en&streaming=true": "sessionid=invented-value",
                        "/news/invented:9f8e7d:0-cookie/": "sessionid=invented-value"}
    written = (tmp_path / "archive" / "en" / "news" / "tradingview" / "invented9f8e7d0.en.md").read_text(encoding="utf-8")
    assert 'categories:\n  - "Invented Wire"' in written and written.rstrip().endswith(
        "[Invented Wire](https://www.tradingview.com/news/invented:9f8e7d:0-cookie/)")


def test_limit_and_since_and_a_story_given_by_its_link(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        _result, limited = run_with_report(partial(_crawl, server, tmp_path / "limited", "-a", "limit=2"),
                                           tmp_path / "limited.json")
        _result, old = run_with_report(partial(_crawl, server, tmp_path / "old", "-a", "since=2026-03-03"),
                                       tmp_path / "old.json")
        story = server.url("/news/mtnewswires.com:20260302:B1234567:0/")
        result, given = run_with_report(partial(_crawl, server, tmp_path / "given", "-a", f"urls={story}"),
                                        tmp_path / "given.json")
    assert (limited["requested"], limited["written"]) == (2, 2)
    assert (old["requested"], old["written"], old["skipped"]) == (0, 0, {"skipped_old": 3})
    assert result.returncode == 0 and given["written"] == 1, result.stderr[-2000:]
    written = (tmp_path / "given" / "en" / "news" / "tradingview" / "urnnewsmlmtnewswires.com20260302B12345670.en.md")
    assert 'date: "2026-03-02 09:00:00"' in written.read_text(encoding="utf-8")  # the page's <time datetime>

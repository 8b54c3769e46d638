"""benzinga: every real item as the news API and the article pages serve it (every other page
unavailable: the teaser serves), through the parser and the pipelines; and the real
`scrapy crawl benzinga` against a local server serving fixtures/benzinga/nightly."""

from __future__ import annotations

import html
import json
from collections import Counter
from functools import partial
from pathlib import Path

from tests.support import benzinga_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice, crawl_given_links
from tests.support.memory import archive  # noqa: F401 (a fixture)
from tests.support.page_responses import response
from tests.support.reader import NotArticle, kept_text, reader_text
from tests.support.server import TestServer
from tests.support.shared import seed_items
from tests.support.site_source import SiteSource
from tests.support.source_pipeline import check_file, pipelines, run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "benzinga" / "nightly"
source = SiteSource("benzinga")  # sites/benzinga.toml through its spider
NOT_ARTICLE = NotArticle()  # a teaser is all text a person keeps


def test_every_real_item(archive, capsys):
    items = seed_items("benzinga")
    chain = pipelines(archive)
    entries = source.list_entries(response(responses.API, responses.api_answer(items), "application/json"))
    assert [(e.id, e.link) for e in entries] == [(i["id"], i["link"]) for i in items]
    counts, problems = Counter(), {}
    for index, (item, entry) in enumerate(zip(items, entries)):
        assert entry.title == html.unescape(item["title"]).strip()
        if index % 2:
            article = source.parse_article(response(entry.link, b"<html>gone</html>", status=404), entry)
        else:
            article = source.parse_article(response(entry.link, responses.page(item)), entry)
        counts[f"body_from/{article['body_fallback'] or 'page'}"] += 1
        result = run(chain, article)
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            if kept_text(item["description"]):
                problems[item["link"]] = [f"dropped: {result}"]
            continue
        counts["written"] += 1
        found = check_file(archive, result, item=item, folder="benzinga", language="en",
                           expected_title=html.unescape(item["title"]), expected_date=item["pub_date"],
                           expected_thumbnail=item.get("image") or "", body_html=item["description"],
                           removed=NOT_ARTICLE)
        if found:
            problems[item["link"]] = found
    with capsys.disabled():
        print(f"\nbenzinga: {len(items)} real items; {dict(counts)}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    empty = sum(1 for i in items if not kept_text(i["description"]))
    assert counts["dropped/empty_body"] == empty and counts["written"] == len(items) - empty


def test_page_blocks_go_and_an_empty_page_gives_the_teaser():
    item = {"id": "67a0000000000000000000aa", "title": "Invented &#39;headline&#39;", "pub_date": "2026-03-02 09:15:00",
            "link": "https://www.benzinga.com/news/26/03/1/invented", "image": "",
            "description": "Invented teaser about a made-up &amp; small company."}
    (entry,) = source.list_entries(response(responses.API, responses.api_answer([item]), "application/json"))
    article = source.parse_article(response(entry.link, responses.page(item)), entry)
    assert reader_text(article["body_html"]) == "Inventedteaseraboutamade-up&smallcompany."
    assert article["published"].isoformat() == "2026-03-02T09:15:00+08:00" and article["body_fallback"] == ""
    empty_page = responses.page(dict(item, description=" "))
    article = source.parse_article(response(entry.link, empty_page), entry)
    assert article["body_fallback"] == "summary" and reader_text(article["body_html"]) == "Inventedteaseraboutamade-up&smallcompany."


def _crawl(server, archive, *extra):
    return run_scrapy(
        "crawl", "benzinga", "-s", "SITE_OVERRIDES=" + json.dumps({"benzinga": {
            "discovery.url": server.url("/api/news?limit=20"), "request.article_url": f"{server.base}{{path}}"}}),
        "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "RETRY_TIMES=0", *extra)


def test_crawl_fixture_end_to_end(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        first, _second = check_crawl_twice(
            FIXTURE, partial(_crawl, server), tmp_path,
            article_requests=lambda: [p for p in server.requested() if p.startswith(("/news/", "/markets/"))])
    assert first["body_fallbacks_by_kind"] == {"summary": 1}  # one page answers 404: its teaser


def test_a_page_given_by_its_link(tmp_path):
    link = "https://www.benzinga.com/news/26/03/51000001/invented-ferry-line-adds-night-crossings"
    result, report, _asked = crawl_given_links(FIXTURE, _crawl, tmp_path, link)
    assert result.returncode == 0 and report["written"] == 1, result.stderr[-2000:]

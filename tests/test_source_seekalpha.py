"""seekalpha: every real item as the news list (bodies in the list) and the article list + the
article API serve it, through the parser and the pipelines; the cookie from SEEKALPHA_COOKIE;
and the real `scrapy crawl seekalpha` against a local server serving fixtures/seekalpha/nightly."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path

import scrapy

from crawler.sources.generic import Entry

from tests.support import seekalpha_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice, crawl_given_links, run_with_report
from tests.support.memory import archive  # noqa: F401 (a fixture)
from tests.support.page_responses import response
from tests.support.reader import NotArticle, kept_text
from tests.support.server import Reply, TestServer
from tests.support.shared import seed_items
from tests.support.site_source import SiteSource
from tests.support.source_pipeline import check_file, pipelines, run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "seekalpha" / "nightly"
source = SiteSource("seekalpha")  # sites/seekalpha.toml through its spider
# A person keeps all of a real seekalpha body: the items already lack the "More on" lists and
# sign-up boxes (the responses put invented ones back, which the crawler must remove).
NOT_ARTICLE = NotArticle()


def shows_something(item) -> bool:
    """The item's body shows text or an image (a chart-only news item is written)."""
    return bool(kept_text(item["description"])) or "<img" in item["description"]


def articles_of(items):
    """(item, Article) of every item: news from the news list, analysis from the article API."""
    news = [i for i in items if not responses.is_article(i)]
    analysis = [i for i in items if responses.is_article(i)]
    _requests, made = source.discover(response(responses.NEWS_API, responses.news_answer(news), "application/json"), 0)
    assert not _requests and [a["id"] for a in made] == [str(i["id"]) for i in news]
    yield from zip(news, made)
    requests, made = source.discover(
        response(responses.ARTICLES_API, responses.articles_answer(analysis), "application/json"), 1)
    assert not made
    entries = [Entry.from_meta(r.cb_kwargs["entry"]) for r in requests]
    assert [(e.id, e.link) for e in entries] == [(str(i["id"]), i["link"]) for i in analysis]
    for index, (item, entry, request) in enumerate(zip(analysis, entries, requests)):
        assert request.url == f"https://seekingalpha.com/api/v3/articles/{item['id']}?include=author,primaryTickers," \
                              "secondaryTickers,otherTags,presentations,sentiments"
        yield item, source.parse_article(response(request.url, responses.article_answer(item, index),
                                                  "application/json"), entry)


def test_every_real_item(archive, capsys):
    items = seed_items("seekalpha")
    chain = pipelines(archive)
    counts, problems = Counter(), {}
    for item, article in articles_of(items):
        result = run(chain, article)
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            if shows_something(item):
                problems[item["link"]] = [f"dropped: {result}"]
            continue
        counts[f"written/{item['source']}"] += 1
        counts["date_fixed"] += responses.expected_date(item) != item["pub_date"]
        found = check_file(archive, result, item=item, folder="seekalpha", language="en",
                           expected_title=item["title"], expected_date=responses.expected_date(item),
                           expected_thumbnail=item.get("image") or "", body_html=item["description"],
                           removed=NOT_ARTICLE, category=item["source"])
        if found:
            problems[item["link"]] = found
    with capsys.disabled():
        print(f"\nseekalpha: {len(items)} real items; {dict(counts)}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    empty = sum(1 for i in items if not shows_something(i))
    assert counts["dropped/empty_body"] == empty
    assert counts["written/seekalpha"] + counts["written/seekalpha_articles"] == len(items) - empty


def test_publish_on_keeps_its_offset():
    item = {"id": "4400001", "title": "Invented", "source": "seekalpha", "repo": "genkin-he/News", "image": None,
            "pub_date": "2025-02-05 04:19:01", "link": "https://seekingalpha.com/news/4400001-invented",
            "description": "<p>Invented news text.</p>"}
    _requests, (article,) = source.discover(
        response(responses.NEWS_API, responses.news_answer([item]), "application/json"), 0)
    # 20:19:01 EST on Feb 4 is 09:19:01 on Feb 5 in Beijing (the old crawler wrote 04:19:01)
    assert article["published"].isoformat() == "2025-02-05T09:19:01+08:00"
    assert article["category"] == "seekalpha" and article["link"] == item["link"]


def on(server, url: str) -> str:
    return url.replace(responses.SITE, server.base)


def _crawl(server, archive, *extra, env=None):
    return run_scrapy(
        "crawl", "seekalpha", "-s", "SITE_OVERRIDES=" + json.dumps({"seekalpha": {
            # the site's own URLs on the local server (the fixture's paths and queries)
            "discovery.0.url": on(server, source.config.discoveries[0].urls[0]),
            "discovery.1.url": on(server, source.config.discoveries[1].urls[0]),
            "request.article_url": on(server, source.config.article_url)}}),
        "-s", f"ARCHIVE_DIR={archive}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "RETRY_TIMES=0", *extra, env={"SEEKALPHA_COOKIE": "session_id=invented-value", **(env or {})})


def test_crawl_fixture_end_to_end(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        first, _second = check_crawl_twice(FIXTURE, partial(_crawl, server), tmp_path)
        details = [p for p in server.requested() if p.startswith("/api/v3/articles/")]
        sent = {r.headers.get("Cookie") for r in server.requests if r.path != "/robots.txt"}
    # two news came whole with their list, one analysis article from its API, in the first run only
    assert first["discovered"] == 3 and len(details) == 1 and sent == {"session_id=invented-value"}


def test_an_article_given_by_its_link_and_a_refused_list(tmp_path):
    link = "https://seekingalpha.com/article/4900002-invented-ferry-operator-looks-cheap"
    result, report, asked = crawl_given_links(FIXTURE, _crawl, tmp_path, link)
    assert result.returncode == 0 and report["written"] == 1, result.stderr[-2000:]
    assert [p.split("?")[0] for p in asked] == ["/api/v3/articles/4900002"]
    assert (tmp_path / "given" / "en" / "news" / "seekalpha" / "4900002.en.md").is_file()
    with TestServer() as server:
        for url in (responses.NEWS_API, responses.ARTICLES_API):
            server.add("GET", on(server, scrapy.Request(url).url)[len(server.base):],
                       Reply(status=403, body=b"<html>Press and hold</html>"))
        result, report = run_with_report(partial(_crawl, server, tmp_path / "denied", env={"SEEKALPHA_COOKIE": ""}),
                                         tmp_path / "denied.json")
    assert report["errors"]["by_kind"]["http_denied"] == 2 and report["errors"]["discovery_failed"] == 2
    assert result.returncode != 0

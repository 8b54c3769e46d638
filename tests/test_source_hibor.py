"""hibor: every real item as the elite list, its report page and the NewContent answer serve it,
through the spider (the page's key followed) and the pipelines; the real `scrapy crawl hibor`
of fixtures/hibor/nightly against a local server with the session cookie set (the site is
disabled until it is)."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path

from crawler.sources.site_file import load_site

from tests.support import hibor_responses as responses
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice
from tests.support.page_responses import md5_item, response
from tests.support.reader import NotArticle
from tests.support.server import TestServer
from tests.support.shared import seed_items
from tests.support.site_runs import QUIET, start_requests
from tests.support.site_source import SiteSource
from tests.support.source_pipeline import check_file, pipelines, run

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "hibor" / "nightly"
source = SiteSource("hibor")  # sites/hibor.toml through its spider

# A person keeps all of a real hibor abstract and the broker line; the watermark links the site
# hides in the text (`display:none`) are not seen by a reader, and not written.
NOT_ARTICLE = NotArticle()


def article(entry, item):
    """The Article the spider makes of the item: its page, the page's key followed."""
    request = source.spider.article_request(entry)
    (follow,) = request.callback(responses.page_response(item).replace(request=request), **request.cb_kwargs)
    assert (follow.method, follow.url, follow.body) == (
        "POST", responses.CONTENT.format(ncid=responses.ncid(item)), f"ncid={responses.ncid(item)}".encode())
    (made,) = follow.callback(responses.content_response(item).replace(request=follow), **follow.cb_kwargs)
    return made


def test_every_real_item(tmp_path, capsys):
    items = seed_items("hibor")
    entries = source.list_entries(responses.list_response(items))
    assert [(e.link, e.title, e.author) for e in entries] == [(i["link"], i["title"], responses.broker(i)) for i in items]
    chain, counts, problems = pipelines(tmp_path), Counter(), {}
    for item, entry in zip(items, entries):
        result = run(chain, article(entry, item))
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            continue
        counts["written"] += 1
        found = check_file(tmp_path, result, item=md5_item(item), folder="hibor", language="zh-CN",
                           expected_title=item["title"], expected_date=item["pub_date"], expected_thumbnail="",
                           body_html=item["description"], removed=NOT_ARTICLE)
        if found:
            problems[item["link"]] = found
    with capsys.disabled():
        print(f"\nhibor: {len(items)} real items; written and checked: {counts['written']}; dropped: "
              f"{ {k: v for k, v in counts.items() if k.startswith('dropped')} }; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    assert counts == {"written": len(items)}


def test_a_page_without_its_key_is_a_failed_page():
    (entry,) = source.list_entries(responses.list_response(seed_items("hibor")[:1]))
    request = source.spider.article_request(entry)
    page = response(entry.link, "<html><body>请登录后查看</body></html>".encode())
    assert list(request.callback(page.replace(request=request), **request.cb_kwargs)) == []
    assert source.stats["hibor/page_failed"] == 1


def test_direct_urls_and_limit():
    direct = SiteSource("hibor", urls="https://www.hibor.com.cn/data/a.html,https://www.hibor.com.cn/data/b.html", limit=1)
    (request,) = start_requests(direct)
    assert request.url == "https://www.hibor.com.cn/data/a.html" and direct.stats["hibor/skipped_limit"] == 1


def test_disabled_until_its_secret_is_set():
    config = load_site("hibor", ROOT / "sites")
    assert not config.enabled and "HIBOR_COOKIE" in config.disabled_reason and config.secrets == ("HIBOR_COOKIE",)


def _crawl(server, archive, *extra):
    return run_scrapy(
        "crawl", "hibor", "-s", "SITE_OVERRIDES=" + json.dumps({"hibor": {
            "discovery.url": server.url("/elitelist.html"), "request.article_url": f"{server.base}{{path}}",
            "article.follow.url": server.url("/hiborweb/DocDetail/NewContent?ncid={found}")}}),
        "-s", f"ARCHIVE_DIR={archive}", *QUIET, *extra, env={"HIBOR_COOKIE": "MBname=test; robih=abc"})


def test_crawl_fixture_end_to_end_with_the_cookie(tmp_path):
    with TestServer() as server:
        server.load_fixture(FIXTURE)
        check_crawl_twice(FIXTURE, partial(_crawl, server), tmp_path,
                          article_requests=lambda: [p for p in server.requested() if p.startswith("/data/")])
        sent = [r for r in server.requests if r.path != "/robots.txt"]
    assert len(sent) == 2 + 3 + 3 and all("MBname=test" in r.headers.get("Cookie", "") for r in sent)
    posts = [{k.lower(): v for k, v in r.headers.items()} for r in sent if r.method == "POST"]
    assert len(posts) == 3 and all(h.get("x-requested-with") == "XMLHttpRequest" for h in posts)
    assert all(h["content-type"].startswith("application/x-www-form-urlencoded") for h in posts)

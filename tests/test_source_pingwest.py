"""pingwest: every real item as its list API (news or status) and its article page serve it,
through the spider and the pipelines; the replayed `scrapy crawl pingwest` of
fixtures/pingwest/nightly (both lists)."""

from __future__ import annotations

from collections import Counter

from tests.support import pingwest_responses as responses
from tests.support.page_responses import md5_item, parsed_problems, response
from tests.support.reader import NotArticle
from tests.support.shared import seed_items
from tests.support.site_runs import start_requests
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_source import SiteSource
from tests.support.source_pipeline import check_file, pipelines, run

source = SiteSource("pingwest")  # sites/pingwest.toml through its spider

# A person keeps all of a real pingwest body (a wire's source line, an article's captions).
NOT_ARTICLE = NotArticle()


def articles(items):
    """(item, Article) of every item: each list's entries, then each entry's page."""
    for of_status in (False, True):
        group = [i for i in items if responses.status(i) == of_status]
        requests, made = source.discover(responses.list_response(group, of_status), block=int(of_status))
        assert not made and len(requests) == len(group)
        for index, (item, request) in enumerate(zip(group, requests)):
            entry = request.cb_kwargs["entry"]
            assert (entry["link"], entry["title"]) == (item["link"], item["title"].strip())
            yield item, source.parse_article(responses.page_response(item, index), entry)


def test_every_real_item(tmp_path, capsys):
    items = seed_items("pingwest")
    chain, counts, problems = pipelines(tmp_path), Counter(), {}
    for item, article in articles(items):
        found = parsed_problems(article, item, NOT_ARTICLE)
        result = run(chain, article)
        if not hasattr(result, "get"):
            counts[f"dropped/{result}"] += 1
            continue
        counts[item["source"]] += 1
        found.update({"file": p} for p in check_file(
            tmp_path, result, item=md5_item(item), folder="pingwest", language="zh-CN", expected_title=item["title"],
            expected_date=item["pub_date"], expected_thumbnail="", body_html=item["description"],
            removed=NOT_ARTICLE, category=item["source"]))
        if found:
            problems[item["link"]] = found
    with capsys.disabled():
        print(f"\npingwest: {len(items)} real items; written and checked: {dict(counts)}; problems: {len(problems)}")
    assert not problems, dict(list(problems.items())[:5])
    assert counts == Counter(i["source"] for i in items)


def test_an_ad_left_in_fails_the_checks(monkeypatch):
    monkeypatch.setattr(responses, "AD", '<div class="sponsor-box"><p>虚构的赞助段落</p></div>')
    item, article = next(articles(seed_items("pingwest")[:1]))
    assert "虚构的赞助段落" in parsed_problems(article, item, NOT_ARTICLE)["text"]


def test_status_time_is_the_lists_data_t():
    answer = responses.list_answer([{"link": "https://www.pingwest.com/w/1", "title": "快讯", "source": "pingwest_status",
                                     "pub_date": "2026-03-02 09:15:00"}], True)
    requests, _ = source.discover(response(responses.STATUS, answer, "application/json"), block=1)
    entry = requests[0].cb_kwargs["entry"]
    page = response("https://www.pingwest.com/w/1", '<article class="wire-content article-style"><p>正文。</p></article>'.encode())
    article = source.parse_article(page, entry)
    assert article["published"].isoformat() == "2026-03-02T09:15:00+08:00" and article["category"] == "pingwest_status"
    assert requests[0].headers.get("Referer") == b"https://www.pingwest.com/"


def test_direct_urls_and_limit():
    direct = SiteSource("pingwest", urls="https://www.pingwest.com/a/1,https://www.pingwest.com/w/2", limit=1)
    (request,) = start_requests(direct)
    assert request.url == "https://www.pingwest.com/a/1" and direct.stats["pingwest/skipped_limit"] == 1


test_crawl_fixture_twice = replayed_fixture_test("pingwest")

"""hibor: every real item as the elite list, its report page and the NewContent answer serve it,
through the spider (the page's key followed) and the pipelines; the real `scrapy crawl hibor`
of fixtures/hibor/nightly against a local server with the session cookie set (the site is
disabled until it is)."""

from __future__ import annotations

from tests.support import hibor_responses as responses
from tests.support.page_responses import response
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import check_served_fixture
from tests.support.site_runs import check_held_back_by, start_requests
from tests.support.site_source import SiteSource

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
    pairs = ((item, article(entry, item)) for item, entry in zip(items, entries))
    counts = check_real_items("hibor", pairs, tmp_path, capsys, folder="hibor", language="zh-CN", removed=NOT_ARTICLE,
                              want=lambda item: expected(item, thumbnail=False, named_by_id=False))
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
    check_held_back_by("hibor", "HIBOR_COOKIE")


def test_crawl_fixture_end_to_end_with_the_cookie(tmp_path):
    _reports, requests = check_served_fixture("hibor", tmp_path, lambda server: {
        "discovery.url": server.url("/elitelist.html"), "request.article_url": f"{server.base}{{path}}",
        "article.follow.url": server.url("/hiborweb/DocDetail/NewContent?ncid={found}")},
        env={"HIBOR_COOKIE": "MBname=test; robih=abc"}, article=lambda p: p.startswith("/data/"))
    sent = [r for r in requests if r.path != "/robots.txt"]
    assert len(sent) == 2 + 3 + 3 and all("MBname=test" in r.headers.get("Cookie", "") for r in sent)
    posts = [{k.lower(): v for k, v in r.headers.items()} for r in sent if r.method == "POST"]
    assert len(posts) == 3 and all(h.get("x-requested-with") == "XMLHttpRequest" for h in posts)
    assert all(h["content-type"].startswith("application/x-www-form-urlencoded") for h in posts)

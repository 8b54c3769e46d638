"""infoq: every real item as the list, detail and document APIs serve it, through the spider
(the detail's content_url followed, the document made a page) and the pipelines; the replayed
`scrapy crawl infoq` of fixtures/infoq/nightly, twice."""

from __future__ import annotations

from scrapy.http import TextResponse

from crawler.hooks.infoq import document_page

from tests.support import infoq_responses as responses
from tests.support.reader import NotArticle
from tests.support.real_items import check_real_items, expected
from tests.support.shared import seed_items
from tests.support.site_pages import replayed_fixture_test
from tests.support.site_runs import start_requests
from tests.support.site_source import SiteSource

source = SiteSource("infoq")  # sites/infoq.toml through its spider

# What a person keeps of a real infoq body: all its text; the old crawler wrote each image's
# URL as text (`<img>URL<img>`), which a reader never sees (the crawler now writes the image).
NOT_ARTICLE = NotArticle(lines=(r"^https?://\S+$",))


def articles(items):
    entries = source.list_entries(responses.list_response(items))
    assert [(e.id, e.link, e.title) for e in entries] == [(i["id"], i["link"], i["title"]) for i in items]
    for item, entry in zip(items, entries):
        request = source.spider.article_request(entry)
        assert (request.method, request.url, request.body) == ("POST", responses.DETAIL, f'{{"uuid":"{item["id"]}"}}'.encode())
        (follow,) = request.callback(TextResponse(request.url, body=responses.detail_answer(item), request=request),
                                     **request.cb_kwargs)
        assert follow.url == responses.content_url(item)
        (article,) = follow.callback(TextResponse(follow.url, body=responses.document(item), request=follow,
                                                  headers={"Content-Type": "application/json"}), **follow.cb_kwargs)
        yield item, article


def test_every_real_item(tmp_path, capsys):
    items = seed_items("infoq")
    # the time is publish_time in Beijing time (the old files were 8 hours early); the cover the list's
    counts = check_real_items("infoq", articles(items), tmp_path, capsys, folder="infoq", language="zh-CN",
                              removed=NOT_ARTICLE, want=lambda item: {**expected(item), "date": responses.beijing(item)})
    assert counts == {"written": len(items)}


def test_the_document_tree_as_html():
    document = ('{"content": [{"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "H"}]},'
                '{"type": "paragraph", "content": [{"type": "text", "text": "a<b", "marks": [{"type": "strong"}]},'
                '{"type": "text", "text": "link", "marks": [{"type": "link", "attrs": {"href": "https://ex.test/"}}]},'
                '{"type": "text", "text": "red", "marks": [{"type": "color", "attrs": {"color": "#f00"}}]}]},'
                '{"type": "image", "attrs": {"src": "https://ex.test/i.png"}},'
                '{"type": "numberedlist", "content": [{"type": "listitem", "content": [{"type": "paragraph",'
                '"content": [{"type": "text", "text": "one"}]}]}]},'
                '{"type": "codeblock", "content": [{"type": "text", "text": "x = 1"}]},'
                '{"type": "unknownwidget", "content": [{"type": "text", "text": "kept"}]}]}')
    assert document_page(document, None) == (
        '<html><body><div class="infoq-document"><h3>H</h3><p><strong>a&lt;b</strong>'
        '<a href="https://ex.test/">link</a>red</p><p><img src="https://ex.test/i.png" alt=""></p>'
        '<ol><li><p>one</p></li></ol><pre><code>x = 1</code></pre>kept</div></body></html>')
    assert document_page("<html>not JSON</html>", None) == "<html>not JSON</html>"


def test_direct_urls_are_read_by_their_uuid():
    direct = SiteSource("infoq", urls="https://www.infoq.cn/news/AbC123xyz,https://www.infoq.cn/article/Other456", limit=1)
    (request,) = start_requests(direct)
    assert (request.url, request.body) == (responses.DETAIL, b'{"uuid":"AbC123xyz"}')
    assert direct.stats["infoq/skipped_limit"] == 1


test_replayed_fixture_crawl_twice = replayed_fixture_test("infoq")

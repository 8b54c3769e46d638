"""qq article pages: the real pages of ../shared/corpus/qq/pages/ and every real qq body wrapped
into each container of the current layout, through crawler.sources.qq (no crawl).

Expected values are derived at run time from the real material (the page's own nodes, the
item's own fields); no real text is kept in this file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse, Response

from crawler.charset import decide_encoding, html_response
from crawler.sources.qq import FeedEntry, origin_content_html, parse_article, strip_site_suffix
from tests.support.memory import archive  # noqa: F401 (a fixture)
from tests.support.qq_pages import VARIANTS, current_layout_page, feed_entry, inner_body
from tests.support.shared import qq_items, shared_path
from tests.support.text import visible_text

GB_HEADER = {"Content-Type": "text/html; charset=GB2312"}

# The real pages: the URL each was served at, whether it is a raw GBK response (served with
# the GB2312 header), and where its own article nodes are (for the expected body text).
PAGES = {
    "rain_20240513A00GCM00_2024-05-13_magic-html.html": (
        "https://new.qq.com/rain/a/20240513A00GCM00", False, "div.article-content-wrap div.qnt-p"),
    "omn_20201011A0BXRG00_2020-10-11.html": (
        "https://new.qq.com/omn/20201011/20201011A0BXRG00.html", True, ".content-article p.one-p"),
    "omn_rainstyle_2019-09-07_GNE_tests_qq.html": (
        "https://new.qq.com/omn/20190907/20190907A081B000.html", False,
        ".content-article .introduction, .content-article p.one-p"),
    "finance_a_20190923_000843_GNE_tests_qq2.html": (
        "http://finance.qq.com/a/20190923/000843.htm", False, "#Cnt-Main-Article-QQ p.text, #Cnt-Main-Article-QQ li"),
    "tech_qq_a_2016_mozilla_readability_source.html": (
        "http://tech.qq.com/a/20161014/006270.htm", False, "#Cnt-Main-Article-QQ > p:not(:has(script))"),
}
NOT_FOUND = ("omn_notfound_page_2020-10-14.html",
             "https://new.qq.com/notfound.htm?uri=http://new.qq.com/omn/20201014/20201014A09RRZ00.html")
HOMEPAGE = "www_qq_com_homepage_2020-10-14.html"

_CJK = re.compile(r"[\u4e00-\u9fff]")
MOJIBAKE = ("\ufffd", "锛", "銆", "鈥", "Ã", "â€", "ï¼")


def _page(name: str) -> bytes:
    return shared_path("corpus", "qq", "pages", name).read_bytes()


def _response(name: str, url: str, gbk: bool) -> Response:
    return Response(url, body=_page(name), headers=GB_HEADER if gbk else {})


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _expected_page_values(sel: Selector, raw: str) -> dict:
    """Title, minute and media as the page itself shows them, read independently of the parser."""
    # <title> without its site part: `_腾讯新闻`, or `_<channel>_腾讯网` on old pages.
    title = re.sub(r"(?:_[^_]+)?_腾讯(?:新闻|网)$", "", _squash(sel.xpath("//title/text()").get()))
    # The visible time of each template, else the pubtime field of its script data.
    shown = (sel.css("p.media-meta span::text").get() or sel.css("span.a_time::text").get()
             or sel.css("span.pubTime::text").get())
    if not shown:
        m = re.search(r"""pubtime["']?\s*:\s*["']([^"']+)""", raw)
        shown = m.group(1) if m else ""
    digits = re.findall(r"\d+", shown)
    minute = dt.datetime(*map(int, digits[:5])) if len(digits) >= 5 else None
    media = (sel.css(".media-name::text").get() or sel.css("span.a_source::text").get()
             or sel.css("span.where::text").get())
    if not media:
        m = re.search(r'"media"\s*:\s*"([^"]*)"', raw)
        media = m.group(1) if m else ""
    return {"title": title, "minute": minute, "media": _squash(media)}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_real_page_parses(name):
    url, gbk, article_nodes = PAGES[name]
    response = _response(name, url, gbk)
    decoded = html_response(response)
    sel = Selector(text=decoded.text)
    expected = _expected_page_values(sel, decoded.text)
    article = parse_article(response)

    assert not article.get("drop_reason"), article.get("drop_reason")
    assert _squash(article["title"]) == expected["title"]
    assert "腾讯" not in article["title"][-6:]
    assert article["title"] == strip_site_suffix(article["title"])
    assert article["published"].tzinfo is not None
    assert article["published"].replace(tzinfo=None, second=0) == expected["minute"]
    assert _squash(article["author"]) == expected["media"] != ""
    assert (article["category"], article["folder"], article["language"]) == ("qq", "qq", "zh-CN")

    # The body holds every article paragraph of the page, in order, and little else.
    # Page furniture inside paragraphs (the old template's "back to qq.com" link) is not
    # article text: the parser removes it (crawler.sources.qq._OLD_FURNITURE).
    paragraphs = [visible_text(re.sub(r'<a\b[^>]*id="backqqcom".*?</a>', "", p, flags=re.S))
                  for p in sel.css(article_nodes).getall()]
    paragraphs = [p for p in paragraphs if p]
    body = visible_text(article["body_html"])
    assert paragraphs, "no article nodes found in the page"
    position = 0
    for paragraph in paragraphs:
        found = body.find(paragraph, position)
        assert found >= 0, f"paragraph missing from body: {paragraph[:40]}"
        position = found + len(paragraph)
    assert len(body) <= sum(map(len, paragraphs)) * 1.1 + 100
    for marker in MOJIBAKE:
        assert marker not in body
        assert marker not in article["title"]


def test_real_page_links_and_ids():
    article = parse_article(_response("omn_20201011A0BXRG00_2020-10-11.html",
                                      PAGES["omn_20201011A0BXRG00_2020-10-11.html"][0], True))
    assert article["id"] == "20201011A0BXRG00"
    assert article["link"] == "https://new.qq.com/rain/a/20201011A0BXRG00"
    channel = parse_article(_response("finance_a_20190923_000843_GNE_tests_qq2.html",
                                      PAGES["finance_a_20190923_000843_GNE_tests_qq2.html"][0], False))
    assert channel["id"] == "20190923000843"
    assert channel["link"] == "http://finance.qq.com/a/20190923/000843.htm"


def test_not_found_page_is_removed():
    name, url = NOT_FOUND
    article = parse_article(_response(name, url, True))
    assert article["drop_reason"] == "removed"
    assert article["link"] == "https://new.qq.com/rain/a/20201014A09RRZ00"


def test_http_404_is_removed():
    response = HtmlResponse("https://new.qq.com/rain/a/20250101A00AAA00", status=404, body=b"<html></html>")
    article = parse_article(response, FeedEntry(id="20250101A00AAA00", url=response.url, title="标题"))
    assert article["drop_reason"] == "removed"


def test_homepage_is_no_article():
    article = parse_article(_response(HOMEPAGE, "https://www.qq.com/", True))
    assert article["drop_reason"] == "no_body"
    assert article["title"] and _CJK.search(article["title"])


@pytest.mark.parametrize("name", sorted([*PAGES, NOT_FOUND[0], HOMEPAGE]))
def test_every_real_page_decodes(name):
    gbk = PAGES.get(name, (None, name in (NOT_FOUND[0], HOMEPAGE)))[1]
    raw = _page(name)
    text = html_response(Response("https://new.qq.com/x", body=raw, headers=GB_HEADER if gbk else {})).text
    visible = visible_text(text)
    assert "\ufffd" not in text
    for marker in MOJIBAKE[1:]:
        assert marker not in visible, marker
    if name != NOT_FOUND[0]:  # the not-found page has no visible text at all
        assert len(_CJK.findall(visible)) > 0.3 * len(visible)


# ------------ encodings (own text)

_OWN_PAGE = "<html><head>{meta}<title>测试标题_腾讯新闻</title></head><body><h1>测试标题</h1><p>中文内容，“引号”与—破折号。</p></body></html>"


def test_gbk_bytes_with_gb2312_header_and_no_meta():
    body = _OWN_PAGE.format(meta="").encode("gbk")
    assert decide_encoding(body, "text/html; charset=GB2312") == "gb18030"
    text = html_response(Response("https://new.qq.com/a", body=body, headers=GB_HEADER)).text
    assert "中文内容，“引号”与—破折号。" in text


def test_gbk_only_characters_under_gb2312_header():
    # 镕 and 堃 are in GBK but not in GB2312: a strict gb2312 decoder fails on them.
    body = _OWN_PAGE.format(meta="").replace("中文内容", "朱镕基堃").encode("gbk")
    text = html_response(Response("https://new.qq.com/a", body=body, headers=GB_HEADER)).text
    assert "朱镕基堃" in text


def test_utf8_bytes_with_gb2312_meta():
    body = _OWN_PAGE.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("utf-8")
    assert decide_encoding(body) == "utf-8"
    response = HtmlResponse("https://new.qq.com/a", body=body)  # w3lib would trust the meta
    text = html_response(response).text
    assert "中文内容，“引号”与—破折号。" in text
    for marker in MOJIBAKE:
        assert marker not in text


def test_utf8_header_on_gbk_bytes_falls_back():
    body = _OWN_PAGE.format(meta="").encode("gbk")
    assert decide_encoding(body, "text/html; charset=utf-8") == "gb18030"


# ------------ originContent (own text)


def test_origin_content_placeholders_become_images_with_captions():
    data = {"originContent": {"text": "<p>第一段。</p><!--IMG_0--><p>第二段。</p><!--IMG_1--><!--IMG_9-->"},
            "originAttribute": {"IMG_0": {"img": {"imgurl1000": {"imgurl": "https://inews.gtimg.com/a/0"}}, "desc": "图一说明"},
                                "IMG_1": {"url": "//inews.gtimg.com/b/0"}}}
    html = origin_content_html(data)
    sel = Selector(text=html)
    assert sel.css("img::attr(src)").getall() == ["https://inews.gtimg.com/a/0", "//inews.gtimg.com/b/0"]
    assert sel.css("p.image_desc::text").getall() == ["图一说明"]
    assert "IMG_9" not in html


def test_paid_article_is_dropped():
    item = {"title": "付费文章", "pub_date": "2025-02-04 09:00:00", "link": "https://new.qq.com/rain/a/20250204A00PAY00",
            "description": '<div class="rich_media_content"><p>试读部分。</p></div>', "id": "20250204A00PAY00", "image": ""}
    page = current_layout_page(item, "rich_media_content").replace(b'"article_is_pay":false', b'"article_is_pay":true')
    article = parse_article(HtmlResponse(item["link"], body=page, encoding="utf-8"))
    assert article["drop_reason"] == "paid"


def test_unreadable_time_is_bad_date():
    item = {"title": "无时间", "pub_date": "刚刚", "link": "https://new.qq.com/rain/a/20250204A00BAD00",
            "description": '<div class="rich_media_content"><p>正文。</p></div>', "id": "", "image": ""}
    page = current_layout_page(item, "rich_media_content")
    article = parse_article(HtmlResponse(item["link"], body=page, encoding="utf-8"), feed_entry(item))
    assert article["drop_reason"] == "bad_date"
    assert article["published"] is None


def test_direct_url_cover_falls_back_to_first_body_image():
    item = {"title": "有图", "pub_date": "2025-02-04 09:00:00", "link": "https://new.qq.com/rain/a/20250204A00IMG00",
            "description": '<div class="rich_media_content"><p><img data-src="//inews.gtimg.com/c/0" src="data:x"/></p><p>文。</p></div>',
            "id": "", "image": ""}
    article = parse_article(HtmlResponse(item["link"], body=current_layout_page(item, "article-content"), encoding="utf-8"))
    assert article["thumbnail"] == "https://inews.gtimg.com/c/0"
    assert article["id"] == "20250204A00IMG00"
    assert article["author"] == "示例财经号"


# ------------ every real item, wrapped


def _is_empty_body(description: str) -> bool:
    return not visible_text(description) and "<img" not in description


def test_every_real_item_in_every_container_variant(capsys):
    items = qq_items()
    counts = Counter()
    for item in items:
        empty = _is_empty_body(item["description"])
        expected_text = visible_text(inner_body(item["description"]))
        for variant in VARIANTS:
            page = current_layout_page(item, variant)
            response = HtmlResponse(item["link"], body=page, encoding="utf-8")
            article = parse_article(response, feed_entry(item))
            if empty:
                assert article["drop_reason"] == "empty_body", (item["link"], variant)
                counts[f"{variant}/empty_body"] += 1
                continue
            assert not article.get("drop_reason"), (item["link"], variant, article.get("drop_reason"))
            assert article["title"] == item["title"]
            assert article["published"].strftime("%Y-%m-%d %H:%M:%S") == item["pub_date"]
            assert article["thumbnail"] == item["image"]
            assert article["id"] == str(item["id"])
            assert article["link"] == item["link"]
            assert article["body_fallback"] == ("originContent" if variant == "originContent" else "")
            assert visible_text(article["body_html"]) == expected_text, (item["link"], variant)
            counts[f"{variant}/ok"] += 1
        # Without a feed entry (a direct URL) the page alone gives title and time.
        if not empty:
            alone = parse_article(HtmlResponse(item["link"], body=current_layout_page(item, "rich_media_content"),
                                               encoding="utf-8"))
            assert alone["title"] == item["title"]
            assert alone["published"].strftime("%Y-%m-%d %H:%M:%S") == item["pub_date"]
            counts["no_feed/ok"] += 1
    with capsys.disabled():
        print(f"\nqq items wrapped into the current layout: {len(items)} items; " +
              ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    for variant in VARIANTS:
        assert counts[f"{variant}/ok"] + counts[f"{variant}/empty_body"] == len(items)
    assert counts["no_feed/ok"] + counts["rich_media_content/empty_body"] == len(items)


def test_every_real_item_through_the_pipelines(archive, capsys):
    """Each real item, in each container variant, parsed and then run through the real item
    pipelines into an archive on disk: the file's title, date and thumbnail are the item's,
    and the Markdown body renders to the text of the item's real body, with every image."""
    import frontmatter

    from crawler.html_clean import TEXT_DROPPING_TAGS, absolute_url
    from tests.support.source_pipeline import pipelines, run
    from tests.support.text import images_of_html, images_of_markdown, normalize_link, rendered_text

    items = qq_items()
    chains = {variant: pipelines(archive / variant) for variant in VARIANTS}
    counts = Counter()
    problems = []
    for item in items:
        expected_text = visible_text(item["description"], TEXT_DROPPING_TAGS)
        expected_images = Counter(normalize_link(absolute_url(u, item["link"]))
                                  for u in images_of_html(item["description"], TEXT_DROPPING_TAGS))
        for variant in VARIANTS:
            page = current_layout_page(item, variant)
            article = parse_article(HtmlResponse(item["link"], body=page, encoding="utf-8"), feed_entry(item))
            result = run(chains[variant], article)
            if not hasattr(result, "get"):
                counts[f"dropped/{result.reason}"] += 1
                continue
            post = frontmatter.load(archive / variant / result["archive_path"])
            body = post.content.rsplit("\n\n", 1)[0] if "\n\n" in post.content else ""
            checks = {
                "title": post["title"] == re.sub(r"[\r\n\t]", " ", item["title"]).strip(),
                "date": post["date"] == item["pub_date"],
                "thumbnail": post["thumbnail"] == item["image"],
                "text": rendered_text(body) == expected_text,
                "images": Counter(images_of_markdown(body)) == expected_images,
            }
            failed = [name for name, ok in checks.items() if not ok]
            if failed:
                problems.append((item["link"], variant, failed))
            else:
                counts[f"{variant}/ok"] += 1
    with capsys.disabled():
        print(f"\nqq items through page parser and pipelines: {len(items)} items x {len(VARIANTS)} variants; "
              + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) + f"; problems: {len(problems)}")
    assert problems == [], problems[:10]
    for variant in VARIANTS:
        assert counts[f"{variant}/ok"] + counts["dropped/empty_body"] // len(VARIANTS) == len(items)


# ------------ an originContent that holds no content (the paid articles' empty container)

_EMPTY_CONTAINERS = ('<div id="article-content"></div>', '<div id="article-content"><p> </p><!--IMG_0--></div>',
                     '<div class="rich_media_content"><script>var x = 1;</script><style>p{}</style></div>')


def _empty_fallback_page(origin_text: str, *, paid: bool = False) -> bytes:
    """A current-layout page whose container is empty and whose originContent text is
    `origin_text` (current_layout_page puts the body's inner HTML there, images as placeholders)."""
    item = {"title": "只有空壳", "pub_date": "2025-02-04 09:00:00", "link": "https://new.qq.com/rain/a/20250204A00EMP00",
            "description": f"<div>{origin_text}</div>", "id": "20250204A00EMP00", "image": ""}
    page = current_layout_page(item, "originContent")
    return page.replace(b'"article_is_pay":false', b'"article_is_pay":true') if paid else page


@pytest.mark.parametrize("origin_text", _EMPTY_CONTAINERS)
def test_origin_content_without_content_is_an_empty_body(origin_text):
    page = _empty_fallback_page(origin_text)
    article = parse_article(HtmlResponse("https://new.qq.com/rain/a/20250204A00EMP00", body=page, encoding="utf-8"))
    assert article["drop_reason"] == "empty_body"
    assert article["body_fallback"] == ""


def test_paid_article_with_an_empty_origin_content_is_paid():
    page = _empty_fallback_page('<div id="article-content"></div>', paid=True)
    article = parse_article(HtmlResponse("https://new.qq.com/rain/a/20250204A00EMP00", body=page, encoding="utf-8"))
    assert article["drop_reason"] == "paid"


@pytest.mark.parametrize("origin_text, reason", [
    ('<div id="article-content"></div>', "paid"),  # a paid column's article, body for subscribers only
    ('<div id="article-content"><p>专栏的免费文章。</p></div>', ""),  # a free article of the column
])
def test_paid_column_article_without_a_body_is_paid(origin_text, reason):
    page = _empty_fallback_page(origin_text).replace(b'"article_is_pay":false',
                                                     b'"article_is_pay":false,"is_column_pay":true')
    article = parse_article(HtmlResponse("https://new.qq.com/rain/a/20250204A00EMP00", body=page, encoding="utf-8"))
    assert article["drop_reason"] == reason


@pytest.mark.parametrize("origin_text, kept", [
    ('<div id="article-content"><p>只有一句。</p></div>', "只有一句。"),
    ('<div id="article-content"><img src="https://inews.gtimg.com/e/0"/></div>', "https://inews.gtimg.com/e/0"),
])
def test_origin_content_with_text_or_an_image_is_the_body(origin_text, kept):
    page = _empty_fallback_page(origin_text)
    article = parse_article(HtmlResponse("https://new.qq.com/rain/a/20250204A00EMP00", body=page, encoding="utf-8"))
    assert not article["drop_reason"] and article["body_fallback"] == "originContent"
    assert kept in article["body_html"]


def test_every_real_item_whole_in_origin_content_writes_no_empty_file(archive, capsys):
    """Every real item's body, outer container and all, as the page's originContent with the
    page's container empty (as qq serves its paid articles): an item whose body shows nothing
    is dropped as empty_body, every other one is written, and no written file is empty."""
    import frontmatter

    from tests.support.source_pipeline import pipelines, run

    items = qq_items()
    chain = pipelines(archive)
    counts = Counter()
    for item in items:
        # One more wrapper: current_layout_page's originContent variant unwraps the body's outer
        # element, so the real body (e.g. a bare `<div id="article-content"></div>`) is the text.
        wrapped = dict(item, description=f'<div class="rich_media_content">{item["description"]}</div>')
        page = current_layout_page(wrapped, "originContent")
        article = parse_article(HtmlResponse(item["link"], body=page, encoding="utf-8"), feed_entry(item))
        result = run(chain, article)
        empty = _is_empty_body(item["description"])
        if not hasattr(result, "get"):
            assert (result.reason, empty) == ("empty_body", True), (item["link"], result.reason)
            counts["dropped/empty_body"] += 1
            continue
        assert not empty, item["link"]
        post = frontmatter.load(archive / result["archive_path"])
        body = post.content.rsplit("\n\n", 1)[0] if "\n\n" in post.content else ""
        assert body.strip(), item["link"]
        counts["written"] += 1
    with capsys.disabled():
        print(f"\nqq items whole in originContent: {dict(counts)}")
    assert counts["dropped/empty_body"] == sum(_is_empty_body(i["description"]) for i in items) > 0
    assert counts["written"] + counts["dropped/empty_body"] == len(items)

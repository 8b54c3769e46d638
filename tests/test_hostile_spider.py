"""Hostile and broken values through the spider path: the real `scrapy crawl qq` on 127.0.0.1.

Titles and captions with quotes, backslashes, newlines, U+2028, `---`, YAML tags, emoji; links
off qq and `javascript:`; ids with path characters; a 5 MB body; a body of images only; bodies
with iframe, form, inline handlers and javascript: links. Every file must parse back with
python-frontmatter to the crawled values (as FORMAT.md escapes them: line breaks of any kind
become one space, outer white space goes), nothing may leave the archive root, and none of
the active content may reach the Markdown.
"""

from __future__ import annotations

import re

import frontmatter
import pytest
from parsel import Selector

from tests.support.qq_site import QqSite, archive_articles, load_report, page_html, run_qq
from tests.support.server import Reply, TestServer
from tests.support.text import render

TITLES = {
    "QUOTE": 'Er sagte "ja" \\ und \\" ging',
    "LINES": "erste Zeile\nzweite\r\n\tdritte",
    "LSEP": "vor\u2028nach\u2029ende",
    "DASH": "---",
    "YAML": "!!python/object/apply:os.system ['true']",
    "EMOJI": "表情 😀🚀 结束",
    "COLON": "  key: value # kein Kommentar  ",
    "FRONT": "---\ntitle: injected\n---",
}
ACTIVE = ('<p>安全<iframe src="https://frame.example.invalid/"></iframe>'
          '<form action="/post"><input name="q" value="x"><button>send</button></form>'
          '<a href="javascript:alert(1)">脚本链接</a> <span onclick="alert(2)">点击</span>'
          '<img src="https://img.example.invalid/a.jpg" onerror="alert(3)" onload="alert(4)"/>'
          '<a href="JaVaScRiPt:alert(5)">大写</a><script>alert(6)</script></p>')
# FORMAT.md's front matter keys, in its order.
FORMAT_KEYS = ["title", "date", "summary", "categories", "lang", "translations", "tags", "menu", "thumbnail",
               "lead", "comments", "authorbox", "pager", "toc", "mathjax", "sidebar", "widgets"]


def as_written(value: str) -> str:
    """The value as FORMAT.md writes it, unescaped: each line break (of any kind) and tab one space,
    outer white space removed."""
    return re.sub(r"[\n\r\t\x0b\x0c\x85\u2028\u2029]", " ", value).strip()


BIG_PARAGRAPH = "<p>" + "五兆字节正文" * 500 + "</p>"  # 9,000 bytes of UTF-8


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "site"
    archive, report = root / "content", tmp / "report.json"
    with TestServer() as server:
        site = QqSite(server)
        arts = {}
        for tag, title in TITLES.items():
            caption = title.replace("<", "&lt;")
            body = (f'<p>正文{tag}</p><p><img src="https://img.example.invalid/{tag}.jpg"/></p>'
                    f'<p class="image_desc">{caption}</p>')
            arts[tag] = site.article(tag, title=title, body=body)
        arts["ACTIV"] = site.article("ACTIV", body=ACTIVE)
        arts["IMGS"] = site.article("IMGS", body="".join(
            f'<p><img src="https://img.example.invalid/only{n}.jpg"/></p>' for n in range(3)))
        big_body = BIG_PARAGRAPH * 560  # ~ 5 MB
        assert len(big_body.encode("utf-8")) > 5_000_000
        arts["BIG"] = site.article("BIG", body=big_body)
        # Links: off qq (another host name of the server), javascript:, and ids with path characters.
        off = f"http://localhost:{server.port}/rain/a/20250310A0OFFQ00"
        server.add("GET", "/rain/a/20250310A0OFFQ00", Reply(body=page_html("异站", "<p>异站正文</p>").encode("utf-8"),
                                                             headers={"Content-Type": "text/html; charset=utf-8"}))
        server.add("GET", "/p/one", Reply(body=page_html("路径一", "<p>路径正文一</p>").encode("utf-8"),
                                          headers={"Content-Type": "text/html; charset=utf-8"}))
        server.add("GET", "/p/two", Reply(body=page_html("路径二", "<p>路径正文二</p>").encode("utf-8"),
                                          headers={"Content-Type": "text/html; charset=utf-8"}))
        extra = [
            {"id": "20250310A0OFFQ00", "articletype": "0", "title": "异站", "publish_time": "2025-03-10 09:00:00",
             "link_info": {"url": off}},
            {"id": "20250310A0JSUR00", "articletype": "0", "title": "脚本", "publish_time": "2025-03-10 09:00:00",
             "link_info": {"url": "javascript:alert(document.cookie)"}},
            {"id": "../../../../outside", "articletype": "0", "title": "路径一", "publish_time": "2025-03-10 09:00:00",
             "link_info": {"url": server.url("/p/one")}},
            {"id": "a/b\\c:d*e?f\"g<h>i|j", "articletype": "0", "title": "路径二",
             "publish_time": "2025-03-10 09:00:00", "link_info": {"url": server.url("/p/two")}},
        ]
        site.feed("c1", [a.entry() for a in arts.values()] + extra)
        result = run_qq(server, archive, "c1", report=report, timeout=600)
        requested = server.requested("GET")
    return {"result": result, "report": load_report(report) if report.exists() else None, "arts": arts,
            "archive": archive, "tmp": tmp, "requested": requested, "files": archive_articles(archive)}


def _post(crawl, tag):
    return frontmatter.load(crawl["files"][f"{crawl['arts'][tag].id}.zh-CN.md"])


def test_the_run_is_healthy(crawl):
    assert crawl["result"].returncode == 0, crawl["result"].stderr[-4000:]
    assert crawl["report"]["stats"]["qq/missing_link"] == 1  # the javascript: link
    assert crawl["report"]["errors"]["spider_errors"] == {}  # no callback raised


@pytest.mark.parametrize("tag", sorted(TITLES))
def test_titles_and_captions_parse_back(crawl, tag):
    post = _post(crawl, tag)
    art = crawl["arts"][tag]
    assert post["title"] == as_written(TITLES[tag])
    assert post["date"] == "2025-03-10 08:00:00"
    assert post["thumbnail"] == art.thumbnail
    assert post["categories"] == ["qq"] and post["lang"] == ["zh-CN"]
    # Exactly FORMAT.md's keys in its order: a title that closed the front matter early or
    # wrote a key of its own ("title: injected") would show here.
    assert list(post.metadata) == FORMAT_KEYS
    assert f"正文{tag}" in post.content
    # The caption renders as a paragraph of its own holding its text as written (line breaks
    # one space): `---` escaped, not a thematic break; backslashes and brackets kept.
    rendered = Selector(text=render(post.content)).css("p")
    paragraphs = [" ".join("".join(p.css("::text").getall()).split()) for p in rendered]
    assert " ".join(TITLES[tag].split()) in paragraphs, paragraphs
    assert post.content.rstrip().endswith(f"[qq](https://new.qq.com/rain/a/{art.id})")


def test_front_matter_is_never_closed_early(crawl):
    for name, path in crawl["files"].items():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\ntitle: \"")
        # The header is FORMAT.md's 24 lines between two `---` lines, and no other `---` in it.
        head = text.split("\n")[:26]
        assert head[0] == head[25] == "---" and head.count("---") == 2, name
        assert "\u2028" not in text.split("\n---\n", 1)[0], name  # no raw line separator in YAML


def test_active_content_never_reaches_markdown(crawl):
    content = _post(crawl, "ACTIV").content
    assert "安全" in content and "脚本链接" in content and "点击" in content
    for bad in ("<iframe", "<form", "<input", "<button", "<script", "onclick", "onerror", "onload", "alert("):
        assert bad not in content, bad
    assert not re.search(r"javascript:", content, re.I)
    assert "frame.example.invalid" not in content


def test_images_only_body(crawl):
    content = _post(crawl, "IMGS").content
    assert [m for m in re.findall(r"!\[\]\((\S+?)\)", content)] == [
        f"https://img.example.invalid/only{n}.jpg" for n in range(3)]


def test_five_megabyte_body(crawl):
    post = _post(crawl, "BIG")
    assert post.content.count("五兆字节正文") == 500 * 560
    assert len(post["summary"]) < 1000


def test_links_off_qq_and_javascript(crawl):
    files = crawl["files"]
    # Off qq (another host than qq.com and the feed's own): never requested, counted.
    assert "20250310A0OFFQ00.zh-CN.md" not in files
    assert not [p for p in crawl["requested"] if "OFFQ" in p]
    assert crawl["report"]["stats"]["qq/offsite"] == 1
    # javascript: never requested, never written.
    assert "20250310A0JSUR00.zh-CN.md" not in files
    assert not [p for p in crawl["requested"] if "javascript" in p.lower()]


def test_ids_with_path_characters_stay_inside_the_root(crawl):
    files = crawl["files"]
    assert "outside.zh-CN.md" in files and "abcdefghij.zh-CN.md" in files
    assert frontmatter.load(files["outside.zh-CN.md"])["title"] == "路径一"
    root = crawl["archive"].resolve()
    for path in crawl["tmp"].rglob("*"):
        if path.is_file() and path.suffix == ".md":
            assert root in path.resolve().parents, path
    assert sorted(p.name for p in crawl["tmp"].iterdir()) == ["report.json", "site"]
    assert sorted(p.name for p in (crawl["tmp"] / "site").iterdir()) == ["content"]

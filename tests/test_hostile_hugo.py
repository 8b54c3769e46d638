"""Hostile article text through the real pipelines and the real Hugo (issue 11, section 1).

Articles whose body, alt text, code, links, table cells, summary or closing line hold Hugo
shortcode syntax (`{{< x >}}`, `{{% x %}}`, also written with entities), the summary divider
`<!--more-->`, Markdown block or inline syntax, or `javascript:`/`data:` URLs are imported
with `scrapy import-json` (the real command, every pipeline); each file is then built alone by
the `hugo` binary (.ci/run installs Debian's 0.111) with goldmark's defaults (raw HTML off) and
a layout that prints `.Content`, `.Summary` and `.Params.summary | markdownify`. The rendered
HTML must show the article's text as written: the build succeeds, no shortcode ran, nothing
became markup, no `<script>`, no `javascript:`/`data:` URL in an href or src.

The typographer (curly quotes, en dashes, `...` as an ellipsis) is turned off in the test site:
it is a presentation choice of the site that changes every article's punctuation alike (and
FORMAT.md's own `...`), not markup that an article could inject.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import unquote

import frontmatter
import pytest
from lxml import html as lxml_html

from tests.support.cli import run_scrapy
from tests.support.hugo import require_hugo

HUGO = require_hugo()

CONFIG = """\
baseURL = "http://example.invalid/"
title = "hostile test"
timeZone = "Asia/Shanghai"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]
[markup.goldmark.renderer]
unsafe = false
[markup.goldmark.extensions]
typographer = false
[languages.en]
contentDir = "content/en"
weight = 1
[languages.zh-CN]
contentDir = "content/zh-CN"
weight = 2
"""
SINGLE = """<!doctype html><html><head><title>{{ .Title }}</title></head><body>
<div id="content">{{ .Content }}</div>
<div id="summary">{{ .Summary }}</div>
<div id="markdownify">{{ .Params.summary | markdownify }}</div>
</body></html>
"""

TITLE = "PAGE-TITLE-MARKER"
LINK = "https://news.example.com/a/{id}"

# id -> (language, body HTML, [(XPath giving a string, the string it must give)]).
# The expected strings are the article's text as a reader of the source page sees it.
CONTENT = "//div[@id='content']"
CASES = {
    "code_param": ("en", '<pre>{{% param "title" %}}</pre>',
                   [(f"string({CONTENT}//pre/code)", '{{% param "title" %}}\n')]),
    "alt_youtube": ("en", '<p>a<img src="https://img.example.com/a.png" alt="{{< youtube ID >}}">b</p>',
                    [(f"string({CONTENT}//img/@alt)", "{{< youtube ID >}}")]),
    "pre_unknown": ("en", "<pre>{{< nosuchcode >}}</pre>",
                    [(f"string({CONTENT}//pre/code)", "{{< nosuchcode >}}\n")]),
    "alt_unknown": ("en", '<p>a<img src="https://img.example.com/b.png" alt="{{% nosuchcode %}}">b</p>',
                    [(f"string({CONTENT}//img/@alt)", "{{% nosuchcode %}}")]),
    "link_text": ("en", '<p><a href="https://example.com/x">{{% nosuchcode %}}</a></p>',
                  [(f"string({CONTENT}//a)", "{{% nosuchcode %}}")]),
    "link_url": ("en", '<p><a href="https://example.com/{{< nosuchcode >}}">see</a></p>',
                 [(f"string({CONTENT}//a)", "see")]),
    "table_cell": ("zh-CN", "<table><tr><th>名称</th></tr><tr><td>{{% nosuchcode %}}</td></tr></table>",
                   [(f"string({CONTENT}//td)", "{{% nosuchcode %}}")]),
    "entities": ("en", "<p>&#123;&#123;% nosuchcode %&#125;&#125; or &#123;&#123;&lt; nosuchcode &gt;&#125;&#125;</p>",
                 [(f"string({CONTENT}//p)", "{{% nosuchcode %}} or {{< nosuchcode >}}")]),
    "inline_code": ("en", "<p>Use <code>{{< nosuchcode >}}</code> here</p>",
                    [(f"string({CONTENT}//code)", "{{< nosuchcode >}}")]),
    "split_by_tags": ("en", "<p>{<span>{</span>%<b> nosuchcode </b>%}}</p>",
                      [(f"string({CONTENT}//p)", "{{% nosuchcode %}}")]),
    "unbalanced": ("en", "<pre>if a {{< b then</pre><p>half {{% open</p>",
                   [(f"string({CONTENT}//pre/code)", "if a {{< b then\n"), (f"string({CONTENT}//p)", "half {{% open")]),
    "more_divider": ("en", "<p>first part</p><p>&lt;!--more--&gt; stays</p><pre>x &lt;!--more--&gt; y</pre>",
                     [(f"string({CONTENT}//p[2])", "<!--more--> stays"), (f"string({CONTENT}//pre/code)", "x <!--more--> y\n"),
                      ("string(//div[@id='summary'])", "first part<!--more--> staysx <!--more--> y")]),
    # goldmark's extensions in Hugo: strikethrough, and a definition list after a line break.
    "strike_deflist": ("en", "<p>a ~~del~~ b</p><p>Term<br>: definition</p>",
                       [(f"string({CONTENT}//p[1])", "a ~~del~~ b"), (f"count({CONTENT}//del | {CONTENT}//dl)", 0.0),
                        (f"normalize-space({CONTENT}//p[2])", "Term : definition")]),
    # An article about Hugo's own escape: both comment ends in one body.
    "hugo_comments": ("en", "<pre>{{&lt;/* a */&gt;}} and {{%/* b */%}}</pre><p>{{&lt; nosuchcode &gt;}} &lt;!--more--&gt; end</p>",
                      [(f"string({CONTENT}//pre/code)", "{{</* a */>}} and {{%/* b */%}}\n"),
                       (f"string({CONTENT}//p)", "{{< nosuchcode >}} <!--more--> end")]),
}
# Summaries (list pages read `summary` as Markdown): each must render to exactly its text.
SUMMARIES = {
    "sum_heading": ("zh-CN", "<p># 标题在前</p>", "# 标题在前"),
    "sum_ordered": ("en", "<p>1. first</p>", "1. first"),
    "sum_bullet": ("en", "<p>- item and + more</p>", "- item and + more"),
    "sum_quote": ("en", "<p>&gt; quoted</p>", "> quoted"),
    "sum_rule": ("en", "<p>---</p>", "---"),
    "sum_fence": ("en", "<p>~~~ code</p>", "~~~ code"),
    "sum_stars": ("en", "<p>2*3*4 = 24</p>", "2*3*4 = 24"),
    "sum_script": ("en", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<script>alert(1)</script>"),
    "sum_inline": ("en", r"<p>_u_ ~~del~~ [link](https://x.example.com/) `tick` a\*b &amp;copy; &lt;b&gt;bold&lt;/b&gt;</p>",
                   r"_u_ ~~del~~ [link](https://x.example.com/) `tick` a\*b &copy; <b>bold</b>"),
    "sum_shortcode": ("en", "<p>{{% nosuchcode %}} and {{&lt; nosuchcode &gt;}}</p>", "{{% nosuchcode %}} and {{< nosuchcode >}}"),
}


def _item(ident: str, language: str, body: str, **extra) -> dict:
    item = {"id": ident, "title": TITLE, "description": body, "link": LINK.format(id=ident),
            "pub_date": "2025-03-01 10:00:00", "source": "demo", "kind": 1, "language": language,
            "image": "", "author": ""}
    item.update(extra)
    return item


EXTRA = [
    _item("bad_urls", "en", '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a> '
          '<a href="javascript:alert(1)">j</a> <a href="vbscript:msgbox(1)">v</a> <a href="mailto:a@example.com">m</a> '
          '<a href=" DATA:text/html,x">u</a> <img src="javascript:alert(2)" alt="js"> <a href="https://ok.example.com/">ok</a></p>',
          image="javascript:alert(8)"),
    _item("odd_link", "en", "<p>odd link</p>", link="https://example.com/a b)c\n(d)"),
    _item("hostile_category", "en", "<p>category</p>", source="{{% nosuchcode %}} *x* [y]"),
    _item("divider_fallback", "en", "<pre>{{&lt;/* a */&gt;}} {{%/* b */%}} &lt;!--more--&gt;</pre><p>after it</p>"),
    _item("drop_js", "en", "<p>x</p>", link="javascript:alert(1)"),
    _item("drop_data", "en", "<p>x</p>", link="data:text/html,<script>alert(1)</script>"),
    _item("drop_relative", "en", "<p>x</p>", link="/a/relative"),
    _item("drop_ftp", "en", "<p>x</p>", link="ftp://files.example.com/a"),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    items = [_item(ident, language, body) for ident, (language, body, _) in CASES.items()]
    items += [_item(ident, language, body) for ident, (language, body, _) in SUMMARIES.items()]
    items += EXTRA
    source = work / "demo" / "list.json"
    source.parent.mkdir()
    source.write_text(json.dumps({"data": items}, ensure_ascii=False), encoding="utf-8")
    root = work / "archive"
    report = work / "report.json"
    result = run_scrapy("import-json", str(source), "-s", f"ARCHIVE_DIR={root}", "-s", f"RUN_REPORT={report}")
    return root, result, json.loads(report.read_text(encoding="utf-8"))


def _file(root, ident: str):
    paths = list(root.rglob(f"{ident}.*.md"))
    assert len(paths) == 1, (ident, paths)
    return paths[0]


def _build(tmp_path, article_file):
    """Build a site holding only this article; its page as an lxml tree."""
    site = tmp_path / "site"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    relative = article_file.parts[-4:]  # <language>/news/<folder>/<name>.md
    target = site.joinpath("content", *relative)
    target.parent.mkdir(parents=True)
    shutil.copyfile(article_file, target)
    public = tmp_path / "public"
    build = subprocess.run([HUGO, "--source", str(site), "--destination", str(public), "--quiet"],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, "hugo failed: " + build.stdout[-2000:] + build.stderr[-2000:]
    pages = [p for p in public.rglob("index.html") if 'id="content"' in p.read_text(encoding="utf-8")]
    assert len(pages) == 1, pages
    text = pages[0].read_text(encoding="utf-8")
    return text, lxml_html.fromstring(text)


def _assert_nothing_ran(page_text: str, tree) -> None:
    assert not tree.xpath("//iframe | //script | //object | //embed"), page_text
    # `param "title"` would have printed the page's title inside the content.
    assert TITLE not in "".join(tree.xpath("//div[@id='content']//text()")), page_text
    for url in tree.xpath("//@href | //@src"):
        assert url.startswith(("http://", "https://")), (url, page_text)


@pytest.mark.parametrize("ident", sorted(CASES))
def test_body_text_renders_literally(archive, tmp_path, ident):
    root, result, _ = archive
    page_text, tree = _build(tmp_path, _file(root, ident))
    _assert_nothing_ran(page_text, tree)
    for xpath, expected in CASES[ident][2]:
        assert tree.xpath(xpath) == expected, (xpath, page_text)


def test_link_url_keeps_its_address(archive, tmp_path):
    root, _, _ = archive
    page_text, tree = _build(tmp_path, _file(root, "link_url"))
    href = tree.xpath("//div[@id='content']//a/@href")[0]  # the last one is the closing line's
    assert unquote(href) == "https://example.com/{{< nosuchcode >}}", page_text


@pytest.mark.parametrize("ident", sorted(SUMMARIES))
def test_summary_renders_to_its_text(archive, tmp_path, ident):
    root, _, _ = archive
    page_text, tree = _build(tmp_path, _file(root, ident))
    _assert_nothing_ran(page_text, tree)
    expected = SUMMARIES[ident][2]
    for block in ("summary", "markdownify"):
        (div,) = tree.xpath(f"//div[@id='{block}']")
        # Text only: no heading, list, quote, rule, code, emphasis, link or raw HTML; a web
        # address in the text may become a link to itself (goldmark's linkify), its text intact.
        for element in div.iter():
            assert element.tag in ("div", "p") or (element.tag == "a" and element.get("href") == element.text_content()), (block, page_text)
        assert div.text_content().strip() == expected, (block, page_text)
        assert "raw HTML omitted" not in lxml_html.tostring(div, encoding="unicode"), page_text


def test_divider_in_code_beside_both_comment_ends_cuts_nothing(archive, tmp_path):
    # The one body protect_from_hugo cannot wrap (docs/hugo.md): the divider is broken with a
    # backslash, which shows in code; nothing is cut and the summary stays the article's.
    root, _, _ = archive
    page_text, tree = _build(tmp_path, _file(root, "divider_fallback"))
    _assert_nothing_ran(page_text, tree)
    code = tree.xpath(f"string({CONTENT}//pre/code)")
    assert code.startswith("{{</* a */>}} {{%/* b */%}} <!-"), page_text
    assert tree.xpath(f"string({CONTENT}//p)") == "after it"
    assert tree.xpath("string(//div[@id='summary'])") == "{{</* a */>}} {{%/* b */%}} <!--more-->after it"


def test_only_http_urls_are_written(archive, tmp_path):
    root, result, report = archive
    dropped = report["dropped"]
    assert dropped.get("bad_link") == 4, (dropped, result.stdout, result.stderr[-2000:])
    for ident in ("drop_js", "drop_data", "drop_relative", "drop_ftp"):
        assert not list(root.rglob(f"{ident}.*.md"))
    path = _file(root, "bad_urls")
    post = frontmatter.load(path)
    assert post["thumbnail"] == ""
    assert "javascript" not in path.read_text(encoding="utf-8").lower()
    assert "data:" not in path.read_text(encoding="utf-8").lower()
    page_text, tree = _build(tmp_path, path)
    _assert_nothing_ran(page_text, tree)
    content = tree.xpath("//div[@id='content']")[0]
    assert " ".join(content.text_content().split()) == "d j v m u ok demo"
    assert content.xpath(".//a/@href") == ["https://ok.example.com/", LINK.format(id="bad_urls")]


def test_closing_line_is_one_link_to_the_article(archive, tmp_path):
    root, _, _ = archive
    path = _file(root, "odd_link")
    # Space, parentheses and line break percent-encoded: the closing line stays one link.
    assert path.read_text(encoding="utf-8").endswith("\n[demo](https://example.com/a%20b%29c%28d%29)\n")
    page_text, tree = _build(tmp_path, path)
    (closing,) = tree.xpath("//div[@id='content']//a")
    assert closing.text == "demo"
    assert closing.get("href") == "https://example.com/a%20b%29c%28d%29"


def test_closing_line_label_renders_literally(archive, tmp_path):
    root, _, _ = archive
    path = _file(root, "hostile_category")
    assert frontmatter.load(path)["categories"] == ["{{% nosuchcode %}} *x* [y]"]
    page_text, tree = _build(tmp_path, path)
    _assert_nothing_ran(page_text, tree)
    (closing,) = tree.xpath("//div[@id='content']//a")
    assert closing.text_content() == "{{% nosuchcode %}} *x* [y]"
    assert closing.get("href") == LINK.format(id="hostile_category")

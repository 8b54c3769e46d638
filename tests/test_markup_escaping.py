"""Text that Markdown or Hugo would read as markup, without Hugo (issue 11, sections 1 and 7):
the summary's escaping and counting, the URLs the archive may write, and body links and
images with other schemes. tests/test_hostile_hugo.py checks the same through the real Hugo.
All texts are invented."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from crawler.archive import ArchiveEntry, summary, summary_text, web_url
from crawler.drops import DropArticle
from crawler.html_clean import clean_body_html
from crawler.items import Article
from crawler.markdown import escape_line, html_to_markdown, protect_from_hugo
from crawler.timeutil import parse_beijing
from pipelines.validate import ValidateArticle

# CommonMark with raw HTML recognised (Hugo's goldmark then omits it: it must not be there)
# and GFM strikethrough, as Hugo's goldmark reads `summary`.
_MD = MarkdownIt("commonmark").enable(["strikethrough"])


def _rendered_inline(markdown: str) -> list:
    """The inline tokens of a one-paragraph document (anything else: not plain text)."""
    tokens = _MD.parse(markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], (markdown, tokens)
    return tokens[1].children


@pytest.mark.parametrize("text", [
    "# 标题在前", "## two", "1. first", "12) twelve", "- item", "+ item", "* item", "> quoted", "---", "- - -",
    "***", "~~~ code", "``` code", "2*3*4 = 24", "*a* and **b**", "_u_ and __v__", "~~del~~",
    "[link](https://x.example.com/)", "![img](https://x.example.com/a.png)", "`tick`", "a\\*b",
    "&copy; &#169; &#xA9; &amp;", "<b>bold</b>", "<script>alert(1)</script>",
    "<https://auto.example.com>", "<!--more--> rest", "a <!-- comment --> b",
])
def test_escaped_line_renders_to_exactly_its_text(text):
    children = _rendered_inline(escape_line(text))
    assert [t.type for t in children] == ["text"] * len(children), children
    assert "".join(t.content for t in children) == text


def test_only_markup_is_escaped():
    cases = {
        # Text without markup stays byte for byte what FORMAT.md says.
        "图片来源：视觉中国DeepSeek的成功是中国经济增长模式的某种映射...": None,
        "S&P 500 rose 1.2% on Monday, a 3-day run": None, "Q&A: what's next?": None, "": None,
        "7*24小时直播": None,  # one run of `*` cannot open and close emphasis
        "tipranks_others": None, "snake_case and 2024年": None,  # `_` between letters
        "单~波浪 1~3月": None,  # one `~` is no strikethrough
        "#1 新闻": None, "1.5 亿": None, "-5% 跌幅": None, "--": None,
        # Markup: escaped.
        "7*24小时, 7*24": "7\\*24小时, 7\\*24", "x_y_ z": "x_y\\_ z", "~~x~~": "\\~\\~x\\~\\~",
        "S&amp;P": "S\\&amp;P", "back\\slash": "back\\\\slash", "[^1] [x]: y": "\\[^1\\] \\[x\\]: y",
        "{{% x %}}": "{{\\% x %}}", "<!--more-->": "\\<!-\\-more-->", "# 标题": "\\# 标题", "  1) x": "  1\\) x",
        "***": "\\***", "* x": "\\* x", "- - -": "\\- - -", "---": "\\---",
    }
    assert {text: escape_line(text) for text in cases} == {text: text if want is None else want for text, want in cases.items()}


def test_hugo_reads_no_shortcode_in_an_escaped_line():
    escaped = escape_line("{{% param title %}} and {{< x >}} and <!--more-->")
    assert "{{%" not in escaped and "{{<" not in escaped and "<!--more-->" not in escaped


def test_summary_counts_decoded_characters():
    # FORMAT.md: entities decoded before the characters are counted (the cut used to fall
    # inside `&amp;`, leaving `S&...`).
    body = "<p>" + "字" * 47 + "S&amp;P 500指数上涨" + "字" * 40 + "</p>"
    assert summary_text(body, "zh-CN") == "字" * 47 + "S&P..."
    # 79 characters once decoded: whole (the raw text has 83).
    body = "<p>" + "字" * 75 + "&amp;&lt;&gt;&quot;</p>"
    assert summary_text(body, "zh-CN") == "字" * 75 + "&<>\""


def test_summary_counts_decoded_words():
    words = " ".join(f"w{i}" for i in range(48))
    # `a&nbsp;b` is two words once decoded (a no-break space is white space): 50 in all.
    assert summary_text(f"<p>{words} a&nbsp;b tail</p>", "en") == words + " a b..."


def test_summary_escapes_decoded_markup():
    assert summary("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "en") == "\\<script>alert(1)\\</script>"
    assert summary("<p># 标题</p><script>var a = '# x';</script>", "zh-CN") == "\\# 标题"
    assert summary("<p>1. first</p>", "en") == "1\\. first"
    assert summary("<p>2*3*4</p>", "en") == "2\\*3\\*4"


def _entry(link: str, thumbnail: str = "", category: str = "demo") -> ArchiveEntry:
    return ArchiveEntry(id="E1", title="t", published=parse_beijing("2025-03-01 10:00:00"), summary="s",
                        category=category, language="en", folder="demo", thumbnail=thumbnail, link=link,
                        body_markdown="body")


def test_web_url():
    cases = {
        "https://news.example.com/a/1.html": "https://news.example.com/a/1.html",
        "  HTTP://news.example.com/a?x=1&y=2#f \n": "HTTP://news.example.com/a?x=1&y=2#f",
        # Non-ASCII text in a path is fine in a Markdown link: kept byte for byte.
        "https://news.example.com/即時-港聞-標題": "https://news.example.com/即時-港聞-標題",
        "https://news.example.com/a b)c\n(d)": "https://news.example.com/a%20b%29c%28d%29",
        "https://news.example.com/{{< x >}}": "https://news.example.com/%7B%7B%3C%20x%20%3E%7D%7D",
        "https://news.example.com/即時\u3000標題": "https://news.example.com/%E5%8D%B3%E6%99%82%E3%80%80%E6%A8%99%E9%A1%8C",
        "javascript:alert(8)": None, " JavaScript:alert(8)": None, "data:text/html,<b>x</b>": None,
        "/a/relative": None, "//cdn.example.com/a": None, "ftp://files.example.com/a": None,
        "mailto:a@example.com": None, "https://": None, "https://exa mple.com/": None, "": None,
    }
    assert {url: web_url(url) for url in cases} == cases
    assert web_url(None) is None


def test_closing_line_and_thumbnail():
    text = _entry("https://news.example.com/a b", thumbnail="javascript:alert(8)").text()
    assert text.endswith("\n\n[demo](https://news.example.com/a%20b)\n")
    assert '\nthumbnail: ""\n' in text
    assert '\nthumbnail: "https://img.example.com/a.png"\n' in _entry("https://n.example.com/", "https://img.example.com/a.png").text()
    with pytest.raises(ValueError):
        _entry("javascript:alert(1)").text()


def test_closing_label_is_escaped_only_where_needed():
    assert _entry("https://n.example.com/", category="tipranks_others").text().endswith("\n[tipranks_others](https://n.example.com/)\n")
    assert _entry("https://n.example.com/", category="Dow Jones Newswires").text().endswith("\n[Dow Jones Newswires](https://n.example.com/)\n")
    text = _entry("https://n.example.com/", category="a]b [c] {{% x %}}\nnext").text()
    assert text.endswith("\n[a\\]b \\[c\\] {{\\% x %}} next](https://n.example.com/)\n")


def _article(**fields) -> Article:
    article = Article(id="V1", title="t", link="https://news.example.com/a/1", published=parse_beijing("2025-03-01 10:00:00"),
                      language="en", folder="demo", category="demo")
    article.update(fields)
    return article


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "/a/relative", "ftp://f.example.com/a",
                                  "https://exa mple.com/"])
def test_an_article_without_an_http_link_is_dropped(link):
    with pytest.raises(DropArticle) as exc:
        ValidateArticle().process_item(_article(link=link))
    assert exc.value.reason == "bad_link"


def test_the_article_link_is_written_encoded():
    item = ValidateArticle().process_item(_article(link="https://news.example.com/a b)\n"))
    assert item["link"] == "https://news.example.com/a%20b%29"


def _md(html: str) -> str:
    return html_to_markdown(clean_body_html(html, "https://news.example.com/a/1.html"))


@pytest.mark.parametrize("href", ["data:text/html;base64,PHNjcmlwdD4=", " DATA:text/html,x", "mailto:a@example.com",
                                  "tel:+123", "file:///etc/passwd"])
def test_body_links_to_other_schemes_keep_only_their_text(href):
    assert _md(f'<p>see <a href="{href}">this</a> now</p>') == "see this now"


def test_body_images_without_an_http_url_are_left_out():
    out = _md('<p>a<img src="ftp://f.example.com/a.png" alt="ftp">b<img src="https://img.example.com/b.png" alt="ok"></p>')
    assert out == "ab![ok](https://img.example.com/b.png)"


def test_hugo_protection_uses_hugo_comments():
    # Nothing Hugo's lexer reads: unchanged.
    markdown = "## 标题\n\n正文 {{ 不是 }} {% raw %} <!-- x --> `code`\n\n```\n{{ .Title }}\n```"
    assert protect_from_hugo(markdown) == markdown
    # Balanced: Hugo's documented escape, in place.
    assert protect_from_hugo("`{{< x >}}` and {{% y %}}") == "`{{</* x */>}}` and {{%/* y */%}}"
    # Unbalanced: the comment ends in a hidden HTML comment after the body.
    assert protect_from_hugo("a {{< b") == "a {{</* b\n\n<!-- */>}} -->"
    # A summary divider anywhere: the whole body is one comment, its ends hidden.
    assert protect_from_hugo("x <!--more--> y") == "<!-- {{</* -->\n\nx <!--more--> y\n\n<!-- */>}} -->"
    assert protect_from_hugo("*/>}} <!--more-->") == "<!-- {{%/* -->\n\n*/>}} <!--more-->\n\n<!-- */%}} -->"


def test_body_text_that_goldmark_extensions_would_read():
    # Strikethrough (`~~`; one `~` is text) and a definition list (`: ` under a line of text).
    out = _md("<p>a ~~del~~ b, 1~3月</p><p>Term<br>: definition</p>")
    assert out == "a \\~\\~del\\~\\~ b, 1~3月\n\nTerm  \n\\: definition"
    assert "<s>" not in _MD.render(out)

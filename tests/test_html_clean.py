"""One test per cleaning rule (crawler.html_clean.RULES): its effect, and that text survives."""

import pytest

from crawler import html_clean
from crawler.body import body_markdown
from crawler.html_clean import RULES, TEXT_DROPPING_TAGS, clean_body_html
from tests.support.text import visible_text

BASE = "https://news.example.com/a/2024/story.html"


def cleaned(html: str, want: str | None = None, kept=(), gone=()) -> str:
    """The body cleaned against BASE: `want` (when given) whole, each of `kept` in it, none of
    `gone` (in any case)."""
    out = clean_body_html(html, BASE)
    assert want is None or out == want, out
    assert [k for k in kept if k not in out] == [] == [g for g in gone if g.lower() in out.lower()], out
    return out


def test_rules_are_named_and_ordered():
    assert [r.__name__ for r in RULES] == [
        "remove_comments", "remove_scripts", "remove_hidden", "remove_active_content", "remove_event_handlers",
        "remove_script_links", "make_image_urls_absolute", "remove_placeholder_images",
        "make_link_urls_absolute", "remove_empty_wrappers",
    ]
    assert {"script", "noscript", "iframe"} <= TEXT_DROPPING_TAGS


def test_remove_comments_joins_sentence_without_space():
    cleaned("<p>今天<!-- -->天气<!-- x -->很好</p><!-- end -->", "<p>今天天气很好</p>")


def test_remove_scripts():
    cleaned("<p>前文<script>var a = 1;</script>后文</p><style>p{}</style><noscript>开启脚本</noscript><template>模板</template>",
            "<p>前文后文</p>")


def test_remove_hidden_keeps_the_text_after_it():
    html = ('<div style="color: red; Display : NONE !important">Preview line for the inbox</div>'
            '<p>Shown<span hidden>thanks for signing up</span> text<span style="display:none">{pixel}</span>'
            ' goes on.</p><table style="mso-hide:all;display:none"><tr><td>Mobile copy</td></tr></table>'
            '<p style="mso-display:none; color:blue">Still shown.</p><p style="display: block">Shown too.</p>')
    out = cleaned(html, '<p>Shown text goes on.</p><p style="mso-display:none; color:blue">Still shown.</p>'
                        '<p style="display: block">Shown too.</p>')
    assert visible_text(out) == "Showntextgoeson.Stillshown.Showntoo."


def test_remove_active_content_keeps_form_text():
    html = '<p>看视频<iframe src="https://v.example.com/x">框</iframe>吧</p><object data="x">插件</object><embed src="y"><form action="/s"><p>表单里的话</p><input value="v"><button>按钮</button></form><svg><text>图</text></svg>'
    out = cleaned(html, gone=[f"<{tag}" for tag in ("iframe", "object", "embed", "form", "input", "button", "svg")])
    assert visible_text(out) == "看视频吧表单里的话"


def test_remove_event_handlers():
    cleaned('<p onclick="steal()" OnMouseOver="x()" class="k">正文<img src="/a.png" onerror="bad()"></p>',
            kept=('class="k"', "正文"), gone=("onclick", "onerror", "onmouseover"))


def test_remove_script_links_keeps_text():
    cleaned('<p><a href=" JavaScript:void(0)">点这里</a>和<a href="vbscript:x">那里</a></p>', "<p><a>点这里</a>和<a>那里</a></p>")


def test_make_image_urls_absolute_lazy_wins():
    html = ('<p><img data-src="//img.example.com/1.jpg" src="data:image/gif;base64,R0lGOD">'
            '<img data-original="/pics/2.png" src="/blank.gif">'
            '<img data-actualsrc="3.jpg" src="placeholder.gif">'
            '<img src="../4.jpg">文字</p>')
    cleaned(html, kept=('src="https://img.example.com/1.jpg"', 'src="https://news.example.com/pics/2.png"',
                        'src="https://news.example.com/a/2024/3.jpg"', 'src="https://news.example.com/a/4.jpg"', "文字"),
            gone=("data-", "blank.gif"))


def test_remove_placeholder_images():
    cleaned('<p>图<img src="data:image/svg+xml,%3Csvg%3E">后<img src="/x.jpg"></p>',
            kept=('src="https://news.example.com/x.jpg"', "图后"), gone=("data:",))


def test_make_link_urls_absolute():
    cleaned('<p><a href="/b">一</a><a href="//cdn.example.org/c">二</a><a href="d e">三</a><a href="mailto:x@example.com">四</a></p>',
            kept=('href="https://news.example.com/b"', 'href="https://cdn.example.org/c"',
                  'href="https://news.example.com/a/2024/d%20e"', 'href="mailto:x@example.com"'))


def test_remove_empty_wrappers_recursively_but_never_text():
    html = '<div><section><span></span><p> </p></section><p>保留<span></span>文字</p><p><span><img src="/i.jpg"></span></p></div>one<span> </span>two'
    # (the white space of an emptied element stays: "one two")
    cleaned(html, kept=("i.jpg", "保留文字", "one two"), gone=("<section", "<span></span>"))


def test_empty_cells_are_not_removed():
    out = clean_body_html("<table><tr><td></td><td>值</td></tr></table>", BASE)
    assert out.count("<td>") == 2


def test_inputs_of_every_shape():
    assert clean_body_html("", BASE) == ""
    assert clean_body_html("   ", BASE) == ""
    assert clean_body_html("<html><body></body></html>", BASE) == ""
    assert clean_body_html("纯文本第一行\n\n第二行 &amp; 更多", BASE) == "<p>纯文本第一行</p><p>第二行 &amp; 更多</p>"
    assert clean_body_html("前置文字<p>一</p><p>二</p>尾巴", BASE) == "前置文字<p>一</p><p>二</p>尾巴"
    doc = '<?xml version="1.0" encoding="gbk"?><html><head><meta charset="gbk"><title>标题</title></head><body><p>正文</p></body></html>'
    assert clean_body_html(doc, BASE) == "<p>正文</p>"


def test_text_nodes_are_not_reflowed():
    assert clean_body_html("<pre>a\n   b</pre><p>x  y</p>", BASE) == "<pre>a\n   b</pre><p>x  y</p>"


def test_five_megabytes_whole():
    # Every paragraph of a 5 MB body comes out, comment gone, lazy image resolved. (Its speed
    # is benchmark figure 5's row "paragraphs, cleaning only": benchmarks/hostile.py.)
    body = "<div>" + "".join(f"<p>第{i}段很长的段落<span>内容</span><!-- --><img data-src='/p{i}.jpg' src='x.gif'></p>"
                             for i in range(60000)) + "</div>"
    assert len(body.encode()) > 5_000_000
    assert clean_body_html(body, BASE) == "<div>" + "".join(
        f'<p>第{i}段很长的段落<span>内容</span><img src="https://news.example.com/p{i}.jpg"></p>'
        for i in range(60000)) + "</div>"


def test_module_exposes_helpers():
    assert html_clean.absolute_url("//x.example.com/a", "") == "https://x.example.com/a"
    assert html_clean.is_plain_text("no tags here") and not html_clean.is_plain_text("<p>x</p>")


# ------------ characters no lxml tree holds, deep nesting, many siblings (issue 11)


def test_control_characters_are_taken_out_raw_and_as_references():
    # Raw or as references, C0 controls made every later text assignment fail ("All strings
    # must be XML compatible"); vertical tab and form feed separate words.
    body = ('<p><b>加\x01粗</b>正\x00文\x0b结\x0c束 <a href="/x\x02y">链</a>&#1;尾&#x0B;巴'
            '<img src="/p\x1f.jpg" alt="图&#x1f;"></p>')
    assert clean_body_html(body, BASE) == (
        '<p><b>加粗</b>正文 结 束 <a href="https://news.example.com/xy">链</a>尾 巴'
        '<img src="https://news.example.com/p.jpg" alt="图"></p>')
    assert body_markdown(body, BASE) == (
        "**加粗**正文 结 束 [链](https://news.example.com/xy)尾 巴![图](https://news.example.com/p.jpg)")
    assert body_markdown("纯文本\x01一行\x0b\uffff结束", BASE) == "纯文本一行 结束"


@pytest.mark.parametrize("reference,between", [
    ("&#" + "9" * 5_000 + ";", "\ufffd"), ("&#x" + "F" * 5_000 + ";", "\ufffd"),
    ("&#" + "0" * 5_000 + "11;", " "), ("&#x" + "0" * 5_000 + "B;", " "), ("&#" + "0" * 5_000 + "65;", "A"),
])
def test_a_character_reference_of_thousands_of_digits_costs_no_text(reference, between):
    # int() refuses a string of over 4,300 decimal digits: the whole article was lost.
    # The number is read as HTML reads it: leading zeros count for nothing (a vertical tab is
    # a space here), past U+10FFFF it is U+FFFD.
    body = f"<p>前文{reference}后文</p><p>下一段</p>"
    assert body_markdown(body, BASE) == f"前文{between}后文\n\n下一段"


NESTINGS = {  # opening tags of one level, and the Markdown of the deep text
    "div": (("div",), "深处的文字"),
    "b": (("b",), "**深处的文字**"),
    "div+b": (("div", "b"), "深处的文字"),  # bold around blocks is unwrapped
}


@pytest.mark.parametrize("depth", [1_500, 5_000])
@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_text_nested_deeper_than_libxml2_parses_is_kept(kind, depth):
    # libxml2 stops at 2048 levels: the deep text and everything after it were lost.
    tags, deep = NESTINGS[kind]
    opening = "".join(f"<{t}>" for t in tags) * depth
    closing = "".join(f"</{t}>" for t in reversed(tags)) * depth
    body = f"<p>开头</p>{opening}深处的文字{closing}<p>结尾</p>"
    assert body_markdown(body, BASE) == f"开头\n\n{deep}\n\n结尾"
    assert visible_text(clean_body_html(body, BASE)) == "开头深处的文字结尾"


def test_flatten_keeps_every_byte_but_the_deep_tags():
    html = '<div><p title="a>b">一<div><span>二<!-- <div> --></span>三</div></p><script>"<div>"</script></div>尾</i>'
    assert html_clean.flatten(html, 9) == html
    assert html_clean.flatten(html, 2) == '<div><p title="a>b">一二<!-- <div> -->三</p><script>"<div>"</script></div>尾</i>'


def _trees(html: str, count: int = 2):
    return [html_clean.parse_body(html) for _ in range(count)]


@pytest.mark.parametrize("html", [
    "<p>a<b>b<i>c</i>d<b>e</b></b>f<span>g</span>h</p><b></b>",
    "<p><b>x</b>y<!-- c --><i>z<br>w</i>v<form>q<b>r</b></form></p>",
    "<div>t<p><b><i><u>深</u></i></b>尾</p><table><thead><tr><td>1</td></tr></thead></table></div>",
])
def test_batch_removal_and_unwrapping_equal_one_by_one(html):
    from lxml import etree

    for tags in (("b",), ("b", "i"), ("i", "u", "form"), ("thead", "p")):
        one, batch = _trees(html)
        for element in list(one.iter(*tags)):
            html_clean.unwrap(element)
        html_clean.unwrap_all(batch, list(batch.iter(*tags)))
        assert etree.tostring(batch, encoding="unicode") == etree.tostring(one, encoding="unicode")
        one, batch = _trees(html)
        for element in [e for e in one.iter(*tags) if e.getparent() is not None]:
            html_clean.remove_keep_tail(element)
        html_clean.remove_all_keep_tail(batch, list(batch.iter(*tags)))
        assert etree.tostring(batch, encoding="unicode") == etree.tostring(one, encoding="unicode")


def test_forty_thousand_siblings_of_every_kind_the_rules_remove():
    # Removed one at a time, each merged into one ever longer text: quadratic in the body.
    n = 40_000
    assert clean_body_html("<p>" + "字<!-- -->" * n + "</p>", BASE) == "<p>" + "字" * n + "</p>"
    assert clean_body_html("<p>" + "字<script>x</script>" * n + "</p>", BASE) == "<p>" + "字" * n + "</p>"
    assert clean_body_html("<div>" + "<form>字</form>" * n + "</div>", BASE) == "<div>" + "字" * n + "</div>"
    assert clean_body_html("<p>" + "字<span></span>" * n + "</p>", BASE) == "<p>" + "字" * n + "</p>"
    assert clean_body_html("<p>" + '字<img src="data:,">' * n + "</p>", BASE) == "<p>" + "字" * n + "</p>"


@pytest.mark.parametrize("levels", [("table", "tr", "td"), ("table", "tbody", "tr", "td", "div")])
def test_nested_tables_flattened_keep_their_text(levels):
    # Cut off between a table and its cells, the deep text would stand in a table outside any cell.
    opening = "".join(f"<{t}>" for t in levels) * 1_000
    closing = "".join(f"</{t}>" for t in reversed(levels)) * 1_000
    markdown = body_markdown(f"<p>开头</p>{opening}<p>深处的文字</p>{closing}<p>结尾</p>", BASE)
    assert markdown.startswith("开头\n\n") and markdown.endswith("\n\n结尾")
    assert "深处的文字" in markdown

"""Real bioon items (../shared/corpus/seed-json/bioon) as the home page's list and the article
pages of news.bioon.com serve them.

The home page holds one `.composs-blog-list > .item` per item, its link and title in
`.item-content > h2 > a`. An article page (the site's "composs" template) holds the item's
real `div[style="color: #303a4e;"]` inside `.composs-main-content`, an invented `.caas-da` ad
slot (`AD`) inserted after its first paragraph. The time (the item's `pub_date`, Beijing) is
article:published_time or JSON-LD datePublished, one form per item in turn: the page's own
time element is not known (CATALOG 2.26 names none).
"""

from __future__ import annotations

from tests.support.page_responses import (cards, esc, head_time, html_doc, html_responses, inject_after_first_paragraph,
                                          meta_or_jsonld)

HOME = "https://www.bioon.com/"
AD = '<div class="caas-da"><a href="https://www.bioon.com/ad"><img src="https://www.bioon.com/ad.jpg">虚构的广告位</a></div>'
time_form = meta_or_jsonld


def list_html(items: list[dict]) -> str:
    blog = cards('<div class="item"><div class="item-header"><a href="#"><img src="https://www.bioon.com/thumb.jpg"></a>'
                 '</div><div class="item-content"><h2><a href="{link}">{title}</a></h2>'
                 '<p>虚构的摘要。</p><span class="item-meta">虚构的栏目</span></div></div>', items)
    return html_doc("zh-CN", "生物谷", (
        '<header><a href="/">生物谷</a><a href="https://news.bioon.com/">资讯</a></header>'
        '<div class="composs-main-content"><div class="composs-panel"><div class="composs-panel-inner">'
        f'<div class="composs-blog-list lets-do-1">{blog}</div></div></div></div>'
        '<aside id="sidebar"><div class="widget"><h3>热门</h3><a href="http://news.bioon.com/article/x.html">虚构的热门文章</a>'
        '</div></aside>'))


def page_html(item: dict, index: int) -> str:
    return html_doc("zh-CN", f'{esc(item["title"])}-生物谷', head=head_time(item, time_form(index)), body=(
        '<header><a href="https://www.bioon.com/">生物谷</a></header><div class="content"><div class="wrapper">'
        '<div class="content-wrapper"><div class="composs-main-content composs-main-content-s-1">'
        '<div class="composs-panel"><div class="composs-panel-inner"><div class="composs-main-article-content">'
        f'<h1>{esc(item["title"])}</h1><div class="composs-main-article-meta"><span>来源：虚构来源</span></div>'
        f'<div class="shortcode-content">{inject_after_first_paragraph(item["description"], AD)}</div>'
        '<div class="composs-tags"><a href="/tag/1">虚构标签</a></div></div></div></div></div>'
        '<aside id="sidebar"><h3>相关阅读</h3><a href="http://news.bioon.com/article/y.html">虚构的相关文章</a></aside>'
        '</div></div></div><footer>虚构的页脚</footer>'))


list_response, page_response = html_responses(HOME, list_html, page_html)

"""iyiou: every real item as the news list and the article pages serve it, crawled once by the
real `scrapy crawl iyiou` over 127.0.0.1 through the pipelines, each file checked; the replayed
fixture crawl of fixtures/iyiou/nightly, twice."""

from __future__ import annotations

from tests.support.page_responses import BEIJING
from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("iyiou")  # sites/iyiou.toml through its spider

# The list: one `.info-item` per item, its absolute link twice in `.webTitleShow` anchors (the
# desktop and the mobile title); the page: the item's real `article.post-body` (the element the
# old crawler kept) with a `.caas-da` ad in it, after the `.post-info` line that states the
# time (Beijing, no zone written) and the author. The page states its time nowhere else.
PAGES = SitePages(
    "https://www.iyiou.com/news", relative_links=False, lang="zh-CN", page_time=False, zone=BEIJING,
    cards='<div class="news-list">{cards}</div><div class="pagination"><a href="/news?page=2">下一页</a></div>',
    card='<div class="info-item"><div class="info-content"><a class="webTitleShow" href="{href}" target="_blank">'
         '{title}</a><a class="webTitleShow mobile-only" href="{href}" target="_blank">{title}</a>'
         '<p class="brief">虚构的列表摘要。</p></div></div>',
    page='<div class="post-wrap"><h1 class="post-title">{title}</h1><div class="post-info">'
         '<span class="post-author">虚构作者</span><span class="post-time">{time}</span></div>{body}'
         '<div class="post-tags"><a href="/tag/1">虚构标签</a></div></div>',
    ad='<div class="caas-da"><p>虚构的广告：下载一个并不存在的应用。</p></div>')


# A person keeps all of an iyiou body (the card linking last week's report is the article's).
test_every_real_item = every_real_item_test(source, PAGES, served=True)
test_replayed_fixture_crawl_twice = replayed_fixture_test("iyiou")

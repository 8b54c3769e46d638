"""c114: every real item as the news list and the article pages serve it, GBK bytes declared
gb2312, crawled once by the real `scrapy crawl c114` over 127.0.0.1 through the pipelines, each
file checked; the replayed fixture crawl of fixtures/c114/nightly, twice."""

from __future__ import annotations

from tests.support.page_responses import BEIJING
from tests.support.site_pages import SitePages, every_real_item_test, replayed_fixture_test
from tests.support.site_source import SiteSource

source = SiteSource("c114")  # sites/c114.toml through its spider

# The list: `.content_c_list > .new_list_c` entries, the absolute link in `h6 > a`; the page:
# the title in `.text_title h1`, the time in `.r_time` (Beijing, no zone written, the only
# time on the page), then the item's real `div.text` (with its empty `.textad` slot) and an
# invented `.ad` in it. Both are GBK bytes declaring gb2312 in the Content-Type and the page
# (the real items hold `·` and `—`, which GB2312 lacks), characters GBK lacks (a no-break
# space) written as numeric references.
PAGES = SitePages(
    "https://www.c114.com.cn/news/", relative_links=False, lang="zh-CN", page_time=False,
    zone=BEIJING, time_format="%Y/%-m/%-d %H:%M:%S", encoding="gbk", charset="gb2312",
    cards='<div class="content_c"><div class="content_c_list">{cards}</div>'
          '<div class="new_list_more"><a href="/news/list_2.html">更多</a></div></div>',
    card='<div class="new_list_c"><h6><a href="{href}" target="_blank">{title}</a></h6>'
         '<div class="new_list_time">虚构的时间</div></div>',
    page='<div class="l_main"><div class="text_title"><h1>{title}</h1></div><div class="r_time">{time}</div>{body}'
         '<div class="text_more"><a href="/news/">返回列表</a></div></div>',
    ad='<div class="ad"><a href="/ad">虚构的广告位</a></div>')


# A person keeps all of a c114 body (the invented ad slot is not the item's).
test_every_real_item = every_real_item_test(source, PAGES, served=True)
test_replayed_fixture_crawl_twice = replayed_fixture_test("c114")

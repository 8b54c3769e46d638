"""reporterosdelsur: every real item of the site as its home page and WordPress article pages
serve them, through the spider and the pipelines; the replayed `scrapy crawl reporterosdelsur`
of fixtures/reporterosdelsur/nightly, twice."""

from __future__ import annotations

import datetime as dt

from tests.support.page_responses import response
from tests.support.shared import seed_items
from tests.support.site_pages import SitePages, check_site_items, replayed_fixture_test
from tests.support.site_source import SiteSource

SITE = "https://www.reporterosdelsur.com.mx/"
source = SiteSource("reporterosdelsur")  # sites/reporterosdelsur.toml through its spider

# The home page: one `article` card per item (`h2 > a`, absolute link); the page: the item's real
# `.entry-content` with an embedded video player in it; Mexico City time.
PAGES = SitePages(
    "https://www.reporterosdelsur.com.mx", relative_links=False,
    card='<article class="post"><figure><img src="{image}" alt=""></figure><h2 class="entry-title">'
         '<a href="{href}">{title}</a></h2></article>',
    ad='<div itemprop="video"><p>Invented video: the interview in full</p></div>', zone=dt.timezone(dt.timedelta(hours=-6)))


def test_every_real_item(tmp_path, capsys):
    # 18 items of the data are of another site (lisboatv.pt / coletivometranca.com.br), which the
    # current script reads under this name; the archive's folder is this site's.
    items = [i for i in seed_items("reporterosdelsur") if i["link"].startswith(SITE)]
    # A person keeps all of a reporterosdelsur body, its "suggested links" too (the piece's own text).
    counts = check_site_items(source, PAGES, items, tmp_path, capsys)
    assert len(items) == 91 and counts == {"written": 91}


def test_only_the_english_section_is_read():
    page = ('<article><h2><a href="https://www.reporterosdelsur.com.mx/news-en/a-piece/1/">A piece</a></h2></article>'
            '<article><h2><a href="https://www.reporterosdelsur.com.mx/noticias/una-nota/2/">Una nota</a></h2></article>')
    entries = source.list_entries(response("https://www.reporterosdelsur.com.mx", page.encode()))
    assert [e.link for e in entries] == ["https://www.reporterosdelsur.com.mx/news-en/a-piece/1/"]


test_replayed_fixture_crawl_twice = replayed_fixture_test("reporterosdelsur")

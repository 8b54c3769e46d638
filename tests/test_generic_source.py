"""The generic source: site files, discovery parsing, extraction with the generic body fallback,
the replayed fixture crawl of every shipped site file, and real pages of ../shared/corpus/pages
served behind an invented feed."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from functools import partial
from pathlib import Path

import pytest
from scrapy.statscollectors import MemoryStatsCollector

from crawler import charset
from crawler.body import body_markdown
from crawler.sources import generic, site_file
from crawler.sources.common import SourceError
from crawler.sources.generic import Entry
from crawler.timeutil import BEIJING
from tests.support.cli import run_scrapy
from tests.support.crawls import check_crawl_twice, run_with_report
from tests.support.server import Reply, TestServer
from tests.support.shared import shared_path
from tests.support.site_runs import QUIET

ROOT = Path(__file__).resolve().parents[1]
SITES = ["techcrunch", "iyiou", "c114"]


def config(**extra) -> site_file.SiteConfig:
    data = {"folder": "demo", "language": "en", "discovery": {"kind": "rss", "url": "http://127.0.0.1:9/feed"}}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return site_file.parse_site(data, "demo")


def list_found(page: str, url: str = "http://127.0.0.1:9/list", **discovery) -> generic.Found:
    """What the discovery of a list page (`discovery`: its keys besides kind) finds in `page`."""
    c = config(discovery={"kind": "list", **discovery})
    return generic.discover(c.discoveries[0], page.encode(), url, page)


# ------------ site files


def test_shipped_site_files_load():
    sites = {c.name: c for c in site_file.load_sites(ROOT / "sites")}
    assert set(SITES) <= set(sites)
    assert sites["techcrunch"].kind == "rss" and sites["techcrunch"].language == "en"
    assert sites["c114"].encoding == "gbk" and sites["iyiou"].discoveries[0].links
    assert all(not c.headers.get("Cookie") for c in sites.values())  # secrets only by name


@pytest.mark.parametrize("data, message", [
    ({"language": "en", "discovery": {"kind": "rss", "url": "x"}}, "folder is required"),
    ({"folder": "a", "language": "fr", "discovery": {"kind": "rss", "url": "x"}}, "language must be"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "html", "url": "x"}}, "discovery.kind"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "list", "url": "x"}}, "discovery.links"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss"}}, "discovery.url"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"}, "colour": 1}, "unknown key"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"},
      "request": {"secret_headers": {"Cookie": "session=abc123"}}}, "must name a setting"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"},
      "article": {"id_pattern": "("}}, "regular expression"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"}, "name": "b"}, "must be the file"),
    ({"folder": "..", "language": "en", "discovery": {"kind": "rss", "url": "x"}}, "one plain folder name"),
    ({"folder": ".", "language": "en", "discovery": {"kind": "rss", "url": "x"}}, "one plain folder name"),
    ({"folder": ".hidden", "language": "en", "discovery": {"kind": "rss", "url": "x"}}, "one plain folder name"),
    ({"folder": "a/b", "language": "en", "discovery": {"kind": "rss", "url": "x"}}, "one plain folder name"),
    ({"folder": "a\n", "language": "en", "discovery": {"kind": "rss", "url": "x"}}, "one plain folder name"),
    ({"folder": 7, "language": "en", "discovery": {"kind": "rss", "url": "x"}}, "one plain folder name"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x", "headers": {"Domain-Id": 1}}},
     "discovery.headers must be a table of strings"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x", "link_time": "td"}},
     "link_time is for kind"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "json", "url": "x", "link_anchor": "a",
                                                     "fields": {"link": "url"}}}, "link_anchor is for kind"),
    ({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x", "entries": "data.list"}},
     "entries, fields, skip and embedded"),
])
def test_bad_site_files_are_refused(data, message):
    with pytest.raises(site_file.ConfigError, match=message):
        site_file.parse_site(data, "a")


def test_toml_errors_name_the_file(tmp_path):
    (tmp_path / "broken.toml").write_text("folder = \n", encoding="utf-8")
    with pytest.raises(site_file.ConfigError, match="broken.toml"):
        site_file.load_site("broken", tmp_path)
    with pytest.raises(site_file.ConfigError, match="no site 'absent'"):
        site_file.load_site("absent", tmp_path)


# ------------ discovery


def test_rss_and_atom_entries_and_times():
    rss = b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
      <item><title>One</title><link>https://ex.test/a/1</link><pubDate>Mon, 02 Mar 2026 14:05:10 +0000</pubDate>
      <media:content url="https://ex.test/1.jpg" medium="image"/></item>
      <item><title>Two</title><guid>https://ex.test/a/2</guid></item></channel></rss>"""
    entries = generic.feed_entries(rss)
    assert [(e.link, e.title, e.image) for e in entries] == [
        ("https://ex.test/a/1", "One", "https://ex.test/1.jpg"), ("https://ex.test/a/2", "Two", "")]
    assert generic.entry_time(entries[0].published) == dt.datetime(2026, 3, 2, 22, 5, 10, tzinfo=BEIJING)
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>
      <link rel="alternate" href="/p/3"/><published>2026-03-01T10:00:00Z</published></entry></feed>"""
    (entry,) = generic.feed_entries(atom, "https://ex.test/")
    assert entry.link == "https://ex.test/p/3"
    assert generic.entry_time(entry.published) == dt.datetime(2026, 3, 1, 18, 0, tzinfo=BEIJING)


def test_sitemap_entries_and_index():
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://ex.test/n/1</loc>
      <news:news><news:publication_date>2026-03-02T08:00:00+08:00</news:publication_date>
      <news:title>N1</news:title></news:news></url></urlset>"""
    entries, children = generic.sitemap_entries(body)
    assert (entries[0].link, entries[0].title, children) == ("https://ex.test/n/1", "N1", [])
    index = b"""<sitemapindex><sitemap><loc>https://ex.test/s1.xml</loc></sitemap></sitemapindex>"""
    assert generic.sitemap_entries(index) == ([], ["https://ex.test/s1.xml"])


def test_list_discovery_resolves_and_filters():
    page = '<div class="l"><a href="/a/1">A</a><a href="/video/2">V</a><a href="/a/1">A</a><a href="#">x</a></div>'
    found = list_found(page, links=[".l a"], site_url="https://ex.test", exclude="/video/")
    assert [(e.link, e.title) for e in found.entries] == [("https://ex.test/a/1", "A")]


def test_a_list_link_is_read_as_a_browser_reads_it():
    # A line break inside an href is dropped, a space becomes %20 (the URL the page means).
    found = list_found('<div class="l"><a href=" /a/2026/\n03/first story.html ">A</a></div>', links=[".l a"],
                       site_url="https://ex.test")
    assert [e.link for e in found.entries] == ["https://ex.test/a/2026/03/first%20story.html"]


def test_list_discovery_reads_a_drop_down_of_articles():
    page = ('<select class="articles"><option value="/paper/1/one">One</option><option value="">Choose</option>'
            '<option value=\'/paper/2/two\'>Two</option></select><select><option value="/x">Not one</option></select>')
    found = list_found(page, "http://127.0.0.1:9/paper", links=["select.articles option"], site_url="https://ex.test")
    assert [(e.link, e.title) for e in found.entries] == [("https://ex.test/paper/1/one", "One"),
                                                          ("https://ex.test/paper/2/two", "Two")]


def test_list_link_keeps_its_place_and_takes_a_later_anchors_title():
    page = ('<div class="card"><a href="/n/1"><img src="/i.jpg"></a><a href="/n/2">Two</a><a href="/n/1">One</a>'
            '<a href="/n/2">Two again</a></div>')
    found = list_found(page, links=[".card a"], site_url="https://ex.test")
    assert [(e.link, e.title) for e in found.entries] == [("https://ex.test/n/1", "One"), ("https://ex.test/n/2", "Two")]


def test_list_served_inside_a_json_answer_with_times_and_anchors():
    c = config(discovery={"kind": "list", "entries": "data.list", "links": ["section.item"], "link_title": ".title a",
                          "link_time": "::attr(data-t)", "site_url": "https://ex.test"})
    answer = json.dumps({"code": 200, "data": {"list": (
        '<section class="item" data-t="1772414100"><a href="//ex.test/w/1"><img src="/i.jpg"></a>'
        '<p class="title"><a href="//ex.test/w/1">One</a></p></section>'
        '<section class="item"><p class="title"><a href="/w/2">Two</a></p></section>')}}).encode()
    found = generic.discover(c.discoveries[0], answer, "http://127.0.0.1:9/api/list", answer.decode())
    assert [(e.link, e.title, e.published) for e in found.entries] == [("https://ex.test/w/1", "One", "1772414100"),
                                                                       ("https://ex.test/w/2", "Two", "")]
    assert generic.entry_time(found.entries[0].published).isoformat() == "2026-03-02T09:15:00+08:00"
    with pytest.raises(SourceError, match="no data.list HTML"):
        generic.discover(c.discoveries[0], b'{"data": {}}', "http://127.0.0.1:9/api/list", "")
    page = ('<table><tr class="row"><td><a href="https://ex.test/broker/9">B</a></td><td><a href="https://ex.test/r/1">R'
            '</a></td><td> 2026-03-02 09:15 </td></tr><tr class="row"><td><a href="https://ex.test/x">X</a></td></tr></table>')
    (entry,) = list_found(page, "https://ex.test/list", links=["tr.row"], link_anchor="td:nth-child(2) > a",
                          link_title="td:nth-child(2) > a", link_time="td:nth-child(3)").entries
    assert (entry.link, entry.title, entry.published) == ("https://ex.test/r/1", "R", "2026-03-02 09:15")


def test_list_titles_from_an_attribute():
    page = ('<a class="item" href="/n/1" data-title=" One &amp; more ">Read</a>'
            '<div class="row"><a href="/n/2" data-title="Two"><span>Read</span></a></div>')
    found = list_found(page, links=["a.item", ".row"], link_title="::attr(data-title)", site_url="https://ex.test")
    assert [(e.link, e.title) for e in found.entries] == [("https://ex.test/n/1", "One & more"),
                                                          ("https://ex.test/n/2", "Two")]


def test_a_discovery_hook_sees_each_feed_item_and_list_element():
    """The hook gets each entry with its element: it fills a link the card hides in an image, a
    body the list carries, rewrites a feed's links; None leaves an entry out, counted."""
    hook = "tests.support.site_hooks:entry_from_element"
    page = ('<div class="card"><img src="https://qr.ex.test/qrcode?url=https://ex.test/n/7"><h3>Seven</h3>'
            '<div class="text">Invented text.</div></div><div class="card skip"><a href="/n/8">Eight</a></div>'
            '<div class="card"><h3>No link</h3></div><div class="card"><a href="/n/9"><h3>Nine</h3></a></div>')
    found = list_found(page, links=[".card"], link_title="h3", site_url="https://ex.test", hook=hook)
    assert [(e.link, e.title, e.body) for e in found.entries] == [
        ("https://ex.test/n/7", "Seven", "<p>Invented text.</p>"), ("https://ex.test/n/9", "Nine", None)]
    assert found.skipped == {"skipped_by_hook": 1, "missing_link": 1}
    rss = (b'<rss version="2.0"><channel><item><title>One</title><link>https://mirror.ex.test/v/1</link></item>'
           b'<item><title>Two</title><link>https://ex.test/v/2</link></item></channel></rss>')
    c = config(discovery={"hook": hook})
    found = generic.discover(c.discoveries[0], rss, "http://127.0.0.1:9/feed")
    assert [e.link for e in found.entries] == ["https://ex.test/v/1", "https://ex.test/v/2"]


# ------------ extraction

LONG = " ".join(["This invented paragraph says one plain thing about a made-up gadget and its maker."] * 4)
PAGE = f"""<html><head><title>Page title | Demo</title>
<meta property="og:title" content="Invented headline"><meta property="og:image" content="/img/cover.jpg">
<meta name="author" content="Invented Author"></head><body><nav><a href="/">Home</a><a href="/x">Other</a></nav>
<article><h1>Invented headline</h1><p class="when">Published 2026-03-02 09:15</p>
<div class="story"><p>{LONG}</p><div class="promo">Buy the invented thing</div><p>{LONG}</p>
<img src="/img/inline.jpg" alt="inline"></div></article><footer>Invented footer</footer></body></html>"""


def test_selectors_serve_and_nothing_falls_back():
    c = config(article={"title": "h1", "time": ".when", "body": ".story", "remove": [".promo"]})
    out = generic.extract_article(c, "https://ex.test/a/1", PAGE)
    a = out.article
    assert out.fallbacks == [] and out.selector_missed == []
    assert a["title"] == "Invented headline" and a["author"] == "Invented Author"
    assert a["published"] == dt.datetime(2026, 3, 2, 9, 15, tzinfo=BEIJING)
    assert "promo" not in a["body_html"] and "invented thing" not in a["body_html"]
    assert a["thumbnail"] == "https://ex.test/img/cover.jpg" and a["body_fallback"] == ""
    assert a["link"] == "https://ex.test/a/1" and a["id"] == "" and a["drop_reason"] == ""


def test_missing_selectors_fall_back_to_the_page_and_are_counted():
    c = config(article={"title": "h2.nothing", "body": ".not-there", "remove": [".promo"]})
    out = generic.extract_article(c, "https://ex.test/a/1", PAGE)
    a = out.article
    assert out.selector_missed == ["title", "body"]
    assert "title" in out.fallbacks and "body" in out.fallbacks
    assert a["body_fallback"] == "extract" and a["title"] == "Invented headline"
    assert "made-up gadget" in a["body_html"] and "invented thing" not in a["body_html"]
    assert 'src="https://ex.test/img/inline.jpg"' in a["body_html"]  # made absolute
    assert "Invented footer" not in a["body_html"]


CODE_PAGE = """<html><head><title>Testing a widget loader</title></head><body>
<div class="post">
<p>Our invented widget loader is easy to set up in any page, and this long paragraph explains
how the loader finds its scripts, where they live and why the order of the tags matters much.</p>
<pre><code>&lt;script src="vendor/loader.js"&gt;&lt;/script&gt;
&lt;a href="../docs/start.html"&gt;start&lt;/a&gt;</code></pre>
<p>After the snippet, a second paragraph with <a href="../docs/more.html">a relative link</a>
and an image <img src="img/shot.png" data-src="img/shot-large.png" alt="screen"> written relative,
then more invented sentences so that the extractor keeps the whole block as the article.</p>
</div></body></html>"""


def test_only_real_attributes_are_made_absolute_not_code_text():
    body = generic.extracted_body(CODE_PAGE, "http://ex.test/blog/post/index.html")
    # The escaped markup of the code sample reads as written.
    assert '&lt;script src="vendor/loader.js"&gt;&lt;/script&gt;' in body
    assert '&lt;a href="../docs/start.html"&gt;start&lt;/a&gt;' in body
    # The page's own attributes are absolute.
    assert 'href="http://ex.test/blog/docs/more.html"' in body
    assert 'src="http://ex.test/blog/post/img/shot.png"' in body
    assert 'data-src="http://ex.test/blog/post/img/shot-large.png"' in body
    # (The extractor leaves a <video> out; its attributes, had it one, are real ones too.)
    video = generic._absolutize('<div><video poster="p.jpg" src="c.mp4"></video></div>\n', "http://ex.test/v/")
    assert video == '<div><video poster="http://ex.test/v/p.jpg" src="http://ex.test/v/c.mp4"></video></div>\n'


DEEP_STORY = [f"Paragraph {n} of an invented story about the ferry of a river town, long enough to be "
              f"read as the article, with commas, and a few more words." for n in range(1, 5)]


@pytest.mark.parametrize("depth", [300, 1_500, 3_000])
def test_an_extracted_body_nested_deep_keeps_all_its_text(depth):
    # Deeper than libxml2 parses without huge_tree (256 levels) and with it (2,048): the deep
    # text and everything after it stay (below html_clean.FLATTEN_DEPTH the tags go).
    deep = "<div>" * depth + "<p>The deep paragraph, an invented sentence, with commas.</p>" + "</div>" * depth
    story = "".join(f"<p>{text}</p>" for text in DEEP_STORY)
    page = (f"<html><head><title>Deep</title></head><body><article>{story}{deep}"
            f"<p>The closing paragraph, written after the deep one, with commas.</p></article></body></html>")
    article = generic.extract_article(config(), "https://ex.test/a/1", page).article
    assert article["drop_reason"] == "" and article["body_fallback"] == "extract"
    assert body_markdown(article["body_html"], "https://ex.test/a/1") == "\n\n".join(DEEP_STORY + [
        "The deep paragraph, an invented sentence, with commas.",
        "The closing paragraph, written after the deep one, with commas."])


def test_a_body_too_deep_for_libxml2_keeps_its_text_if_not_its_urls():
    # Making its URLs absolute would cut it at 2,048 levels: it stays as the extractor wrote it.
    body = "<div>" * 2_100 + '<a href="/r">deep words</a>' + "</div>" * 2_100 + "<p>after them</p>"
    assert generic._absolutize(body, "https://ex.test/a/1") == body


def test_feed_values_win_over_page_metadata_and_id_from_link():
    c = config(article={"id_pattern": r"/a/(\d+)"})
    entry = generic.Entry(link="https://ex.test/a/77", title="Feed title", published="Mon, 02 Mar 2026 01:00:00 +0000")
    a = generic.extract_article(c, "http://mirror.test/a/77", PAGE, entry.to_meta()).article
    assert (a["title"], a["id"], a["link"]) == ("Feed title", "77", "https://ex.test/a/77")
    assert a["published"] == dt.datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)


def test_time_from_page_metadata_then_htmldate_then_none():
    meta = '<meta property="article:published_time" content="2026-03-02T01:00:00Z">'
    a = generic.extract_article(config(), "https://ex.test/a", PAGE.replace("<head>", "<head>" + meta)).article
    assert a["published"] == dt.datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)
    out = generic.extract_article(config(), "https://ex.test/a", PAGE)
    assert "time" in out.fallbacks and out.article["published"].date() == dt.date(2026, 3, 2)
    bare = f"<html><body><div><p>{LONG}</p><p>{LONG}</p></div></body></html>"
    out = generic.extract_article(config(), "https://ex.test/a", bare)
    assert out.article["published"] is None and "time" not in out.fallbacks


def test_configured_time_format_and_timezone():
    c = config(timezone="+00:00", article={"time": ".when", "time_format": "Published %Y-%m-%d %H:%M"})
    a = generic.extract_article(c, "https://ex.test/a", PAGE).article
    assert a["published"] == dt.datetime(2026, 3, 2, 17, 15, tzinfo=BEIJING)


def test_page_without_any_body_is_dropped_as_no_body():
    out = generic.extract_article(config(article={"body": ".story"}), "https://ex.test/a", "<html><body><script>var x = 1;</script></body></html>")
    assert out.article["drop_reason"] == "no_body"


def test_gbk_override_decodes_as_gb18030():
    text = "<html><body><div class='text'><p>虚构的通信新闻𠀀</p></div></body></html>"
    assert "虚构的通信新闻" in charset.decode_page(text.encode("gb18030"), b"text/html; charset=gb2312", "gbk")


# ------------ crawls


def _crawl(site, archive, *extra, cwd=ROOT):
    return run_scrapy("crawl", "generic", "-a", f"site={site}", "-s", f"ARCHIVE_DIR={archive}", *QUIET, *extra, cwd=cwd)


@pytest.mark.parametrize("site", SITES)
def test_replayed_fixture_crawl_writes_the_expected_files_then_nothing(site, tmp_path):
    fixture = ROOT / "fixtures" / site / "nightly"
    check_crawl_twice(fixture, lambda archive, *args: _crawl(site, archive, "-s", f"FIXTURES_REPLAY={fixture}", *args),
                      tmp_path)


def test_techcrunch_fixture_counts_the_extracted_body(tmp_path):
    result, report = run_with_report(partial(_crawl, "techcrunch", tmp_path / "a"), tmp_path / "report.json",
                                     "-s", f"FIXTURES_REPLAY={ROOT / 'fixtures/techcrunch/nightly'}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert report["spider"] == "techcrunch" and report["fallbacks"]["body"] == 1
    assert report["body_fallbacks_by_kind"] == {"extract": 1}


def _crawl_site(tmp_path, site: str, *more, archive: Path | None = None, env: dict | None = None):
    """`scrapy crawl generic -a site=<site>` of the site files written in tmp_path/sites, into
    `archive` (default tmp_path/a)."""
    return run_scrapy("crawl", "generic", "-a", f"site={site}", "-s", f"GENERIC_SITES_DIR={tmp_path / 'sites'}",
                      "-s", f"ARCHIVE_DIR={archive or tmp_path / 'a'}", *QUIET, *more, env=env)


def _site_file(directory: Path, name: str, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _feed_site(tmp_path, name: str, feed_url: str, more: str = "", *, folder: str = "") -> Path:
    """tmp_path/sites/<name>.toml: an English site reading one RSS feed into `folder` (default:
    its name), then the TOML `more`."""
    head = f'folder = "{folder or name}"\nlanguage = "en"\n[discovery]\nkind = "rss"\nurl = "{feed_url}"\n'
    return _site_file(tmp_path / "sites", name, head + textwrap.dedent(more))


def test_secret_header_from_environment_and_denied_discovery(tmp_path):
    with TestServer() as server:
        server.add("GET", "/feed", Reply(status=403, body=b"no"))
        _feed_site(tmp_path, "demo", server.url("/feed"), """
            [request]
            secret_headers = { Cookie = "DEMO_COOKIE" }
        """)
        result, report = run_with_report(partial(_crawl_site, tmp_path, "demo", env={"DEMO_COOKIE": "token=invented"}),
                                         tmp_path / "report.json")
        feed = [r for r in server.requests if r.path == "/feed"]
        assert feed and feed[0].headers.get("Cookie") == "token=invented"
    assert report["errors"]["by_kind"]["http_denied"] == 1 and report["errors"]["discovery_failed"] == 1
    assert result.returncode == report["exit_status"]["code"] == 4, result.stderr[-2000:]


def test_each_discovery_sends_its_own_headers(tmp_path):
    """Two [[discovery]] tables of one site asking one API for two editions by a header."""
    with TestServer() as server:
        _site_file(tmp_path / "sites", "demo", f"""
            folder = "demo"
            language = "en"
            [[discovery]]
            kind = "rss"
            url = "{server.url('/feed?edition=1')}"
            headers = {{ Domain-Id = "www" }}
            [[discovery]]
            kind = "rss"
            url = "{server.url('/feed?edition=2')}"
            language = "zh-CN"
            headers = {{ Domain-Id = "cn", Referer = "https://cn.ex.test/" }}
            [request]
            headers = {{ Referer = "https://ex.test/" }}
        """)
        _crawl_site(tmp_path, "demo")
        sent = {r.path: (r.headers.get("Domain-Id"), r.headers.get("Referer")) for r in server.requests
                if r.path.startswith("/feed")}
    assert sent == {"/feed?edition=1": ("www", "https://ex.test/"), "/feed?edition=2": ("cn", "https://cn.ex.test/")}


def test_unknown_site_fails_to_start(tmp_path):
    result = _crawl_site(tmp_path, "nowhere")  # no site file in tmp_path/sites; its run history: not in the checkout
    assert result.returncode != 0 and "no site 'nowhere'" in result.stderr


@pytest.mark.parametrize("folder", ["..", "../../outside", "."])
def test_a_folder_outside_its_place_is_a_usage_error_before_anything_runs(tmp_path, folder):
    archive = tmp_path / "archive"
    with TestServer() as server:
        server.add("GET", "/feed", Reply(body=b"<rss><channel></channel></rss>", headers={"Content-Type": "application/rss+xml"}))
        _feed_site(tmp_path, "escape", server.url("/feed"), folder=folder)
        crawl = _crawl_site(tmp_path, "escape", archive=archive)
        every = run_scrapy("crawlall", "-s", f"GENERIC_SITES_DIR={tmp_path / 'sites'}", "-s", f"ARCHIVE_DIR={archive}",
                           *QUIET)
        assert server.requests == []
    for result in (crawl, every):
        assert result.returncode == 2, result.stderr[-3000:]
        last = [line for line in result.stderr.splitlines() if line.strip()][-1]
        assert "escape.toml" in last and "folder must be one plain folder name" in last and repr(folder) in last
        assert "Traceback" not in result.stderr
    assert not archive.exists()  # not even the lock: nothing ran


# ------------ real pages

REAL = ["ars-1", "wordpress", "medium-1", "qq", "guardian-1", "lemonde-1"]


def test_real_readability_pages_behind_an_invented_feed(tmp_path, capsys):
    from benchmarks.generic_extraction import html_text, markdown_text, token_f1, tokens
    from tests.support.source_pipeline import split_file

    pages = shared_path("corpus", "pages", "readability")
    with TestServer() as server:
        items = []
        for n, name in enumerate(REAL):
            path = f"/story/{n}/{name}.html"
            server.add("GET", path, Reply(body=(pages / name / "source.html").read_bytes(),
                                          headers={"Content-Type": "text/html"}))
            items.append(f"<item><title>Invented feed title {n}</title><link>{server.url(path)}</link>"
                         f"<pubDate>Mon, 02 Mar 2026 0{n}:00:00 +0000</pubDate></item>")
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel>{"".join(items)}</channel></rss>'
        server.add("GET", "/feed", Reply(body=feed.encode(), headers={"Content-Type": "application/rss+xml"}))
        _feed_site(tmp_path, "realpages", server.url("/feed"), """
            [article]
            id_pattern = "/story/(\\\\d+)/"
        """)
        archive = tmp_path / "archive"
        result, report = run_with_report(partial(_crawl_site, tmp_path, "realpages", "-s", "ROBOTSTXT_OBEY=False",
                                                 archive=archive), tmp_path / "report.json")
    assert result.returncode == 0, result.stderr[-3000:]
    assert report["body_fallbacks_by_kind"] == {"extract": len(REAL)}
    scores = {}
    for n, name in enumerate(REAL):
        file = archive / "en" / "news" / "realpages" / f"{n}.en.md"
        assert file.is_file(), sorted(p.name for p in archive.rglob("*.md"))
        text = file.read_text(encoding="utf-8")
        assert f'title: "Invented feed title {n}"' in text and f'date: "2026-03-02 {n + 8:02d}:00:00"' in text
        _, body, closing = split_file(text)
        assert closing.endswith(f"/story/{n}/{name}.html)")
        want = html_text((pages / name / "expected.html").read_text(encoding="utf-8"))
        scores[name] = round(token_f1(tokens(markdown_text(body)), tokens(want))[2], 3)
    with capsys.disabled():
        print(f"\nreal pages through `scrapy crawl generic` (token F1 vs readability expected.html): {scores}")
    assert all(f >= 0.6 for f in scores.values()), scores
    assert sum(scores.values()) / len(scores) >= 0.85, scores


def test_real_gbk_declared_gne_page_extracts():
    path = shared_path("corpus", "pages", "gne", "163", "9.html")  # UTF-8 bytes declaring gb2312
    html = charset.decode_page(path.read_bytes(), None)
    out = generic.extract_article(config(language="zh-CN"), "https://ex.test/a", html)
    assert out.article["body_fallback"] == "extract" and len(out.article["body_html"]) > 200
    assert "\ufffd" not in out.article["body_html"] and out.article["title"]


def _site_spider(tmp_path, body: str):
    """The spider of a site file `demo` written in tmp_path (no crawl)."""
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

    from crawler import settings as project_settings
    from crawler.spider_loader import SiteSpiderLoader

    _site_file(tmp_path / "sites", "demo", body)
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict({"GENERIC_SITES_DIR": str(tmp_path / "sites"), "ARCHIVE_DIR": str(tmp_path / "a")})
    spidercls = SiteSpiderLoader.from_settings(settings).load("demo")
    crawler = Crawler(spidercls, settings)
    crawler.stats = MemoryStatsCollector(crawler)
    return spidercls.from_crawler(crawler)


def test_article_request_as_a_json_post_naming_the_article(tmp_path):
    """An RPC endpoint: one URL for every article, the POST's JSON body names it by id."""
    spider = _site_spider(tmp_path, """
        folder = "demo"
        language = "zh-CN"
        [discovery]
        kind = "json"
        url = "https://ex.test/rpc?m=list"
        fields = { id = "Code", link = "https://ex.test/n{Code}/detail.html" }
        [article]
        format = "json"
        fields = { body = "data.Content" }
        [request]
        article_url = "https://ex.test/rpc?m=detail"
        article_body = { Method = "detail", params = "%7B%22Code%22%3A%22{id}%22%7D", link = "{url}", n = 1 }
    """)
    request = spider.article_request(Entry(link="https://ex.test/n7/detail.html", id="7"))
    assert (request.method, request.url, request.headers.get("Content-Type")) == (
        "POST", "https://ex.test/rpc?m=detail", b"application/json")
    assert json.loads(request.body) == {"Method": "detail", "params": "%7B%22Code%22%3A%227%22%7D",
                                        "link": "https://ex.test/n7/detail.html", "n": 1}
    assert spider.missing(Entry(link="https://ex.test/n8/detail.html")) == "missing_id"
    with pytest.raises(site_file.ConfigError, match="article_body must be a table"):
        site_file.parse_site({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"},
                              "request": {"article_body": "x={id}"}}, "a")
    with pytest.raises(site_file.ConfigError, match=r"must contain \{url\}"):
        site_file.parse_site({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"},
                              "request": {"article_url": "https://ex.test/rpc", "article_body": {"m": "x"}}}, "a")


def test_article_text_followed_from_a_key_the_page_names(tmp_path):
    """hibor: the page names its content's key (`var ncid = '…'`), a form POST of it answers
    the content the selectors read; a page without the key is a failed page."""
    from scrapy.http import HtmlResponse

    spider = _site_spider(tmp_path, """
        folder = "demo"
        language = "zh-CN"
        [discovery]
        kind = "list"
        url = "https://ex.test/list"
        links = ["tr.row"]
        link_anchor = "td:nth-child(2) > a"
        link_title = "td:nth-child(2) > a"
        link_time = "td:nth-child(3)"
        hook = "tests.support.site_hooks:upper_title"
        [article]
        body = [".abstract"]
        remove = [".related"]
        follow = { find = "var ncid = '([^']+)'", url = "https://ex.test/content?ncid={found}", form = { ncid = "{found}" }, headers = { x-requested-with = "XMLHttpRequest" } }
    """)
    page = '<table><tr class="row"><td>1</td><td><a href="/d/1.html">r</a></td><td>2026-03-02 09:15:00</td></tr></table>'
    (entry,) = generic.discover(spider.config.discoveries[0], page.encode(), "https://ex.test/list", page).entries
    assert (entry.link, entry.title, entry.published) == ("https://ex.test/d/1.html", "R", "2026-03-02 09:15:00")
    request = spider.article_request(entry)
    html = b"<html><body><h1>R</h1><script>var x = 1; var ncid = 'a b/7';</script></body></html>"
    (follow,) = request.callback(HtmlResponse(entry.link, body=html, request=request), **request.cb_kwargs)
    assert (follow.method, follow.url, follow.body) == ("POST", "https://ex.test/content?ncid=a%20b%2F7", b"ncid=a+b%2F7")
    assert follow.headers.get("Content-Type").startswith(b"application/x-www-form-urlencoded")
    assert (follow.headers.get("x-requested-with"), follow.headers.get("Referer")) == (b"XMLHttpRequest", entry.link.encode())
    content = b'<div class="abstract"><p>Text.</p><div class="related">Other</div></div>'
    (article,) = follow.callback(HtmlResponse(follow.url, body=content, request=follow), **follow.cb_kwargs)
    assert (article["link"], article["title"], article["body_html"]) == (entry.link, "R", '<div class="abstract"><p>Text.</p></div>')
    assert article["published"].isoformat() == "2026-03-02T09:15:00+08:00"
    assert list(request.callback(HtmlResponse(entry.link, body=b"<html>no key</html>", request=request),
                                 **request.cb_kwargs)) == []
    assert spider.crawler.stats.get_value("demo/page_failed") == 1
    with pytest.raises(site_file.ConfigError, match="find must be a regular expression with a group"):
        site_file.parse_site({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"},
                              "article": {"follow": {"find": "ncid", "url": "https://ex.test/{found}"}}}, "a")


def test_article_text_followed_from_the_url_a_json_answer_names(tmp_path):
    """infoq: the detail (a JSON POST) names its document's URL (`path`), which is requested as
    it is; the page hook makes the document the page the selectors read."""
    from scrapy.http import HtmlResponse, TextResponse

    spider = _site_spider(tmp_path, """
        folder = "demo"
        language = "zh-CN"
        [discovery]
        kind = "rss"
        url = "https://ex.test/feed"
        [article]
        body = [".doc"]
        follow = { path = "data.content_url" }
        page_hook = "tests.support.site_hooks:json_document_page"
        [request]
        article_url = "https://ex.test/getDetail"
        article_body = { uuid = "{id}" }
    """)
    entry = Entry(link="https://ex.test/article/u1", id="u1", title="T", published="2026-03-02T01:00:00Z")
    request = spider.article_request(entry)
    answer = b'{"code": 0, "data": {"uuid": "u1", "content_url": "https:\\/\\/static.ex.test\\/doc\\/u1.json?v=2"}}'
    (follow,) = request.callback(TextResponse(request.url, body=answer, request=request), **request.cb_kwargs)
    assert (follow.method, follow.url, follow.headers.get("Referer")) == ("GET", "https://static.ex.test/doc/u1.json?v=2",
                                                                          b"https://ex.test/getDetail")
    document = b'{"content": [{"type": "paragraph", "text": "Text."}]}'
    (article,) = follow.callback(HtmlResponse(follow.url, body=document, request=follow), **follow.cb_kwargs)
    assert (article["link"], article["title"], article["body_html"]) == (entry.link, "T", '<div class="doc"><p>Text.</p></div>')
    assert article["published"].isoformat() == "2026-03-02T09:00:00+08:00"
    assert list(request.callback(TextResponse(request.url, body=b'{"data": {}}', request=request), **request.cb_kwargs)) == []
    assert spider.crawler.stats.get_value("demo/page_failed") == 1
    with pytest.raises(site_file.ConfigError, match="give find .* or path"):
        site_file.parse_site({"folder": "a", "language": "en", "discovery": {"kind": "rss", "url": "x"},
                              "article": {"follow": {"find": "k=(.)", "path": "data.url"}}}, "a")

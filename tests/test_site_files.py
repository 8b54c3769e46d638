"""Site files as the one way to define a source (docs/adding-a-source.md): the format's checks,
SITE_OVERRIDES, one spider per file (`scrapy crawl <site>`), the json discovery kind (paging,
params, POST body, fields, skip rules, per-item category, two language/folder pairs), JSON
articles with drop rules and hooks, per-site settings, and the direct arguments (urls=,
url_file=, since=) through real crawls against a local server."""

from __future__ import annotations

import json
import textwrap
from functools import partial
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.sources import site_file
from crawler.spider_loader import SiteSpiderLoader
from tests.support.cli import run_scrapy
from tests.support.crawls import archive_files, run_with_report
from tests.support.server import Reply, TestServer

ROOT = Path(__file__).resolve().parents[1]
QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0", "-s", "ROBOTSTXT_OBEY=False")
BASE = {"folder": "demo", "language": "en", "discovery": {"kind": "rss", "url": "http://127.0.0.1:9/feed"}}


def parse(**changes) -> site_file.SiteConfig:
    return site_file.parse_site({**BASE, **changes}, "demo")


def write_site(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def crawl(sites: Path, site: str, archive: Path, *extra: str, env=None):
    return run_scrapy("crawl", site, "-s", f"GENERIC_SITES_DIR={sites}", "-s", f"ARCHIVE_DIR={archive}", *QUIET, *extra,
                      env=env)


# ------------ the format


@pytest.mark.parametrize("changes, message", [
    ({"enabled": False}, "needs disabled_reason"),
    ({"disabled_reason": "x"}, "disabled_reason is for enabled = false"),
    ({"discovery": {"kind": "json", "url": "x"}}, "needs link (or id)"),
    ({"discovery": {"kind": "rss", "url": "x", "entries": "a"}}, "are for kind = \"json\""),
    ({"discovery": {"kind": "json", "url": "x?p=1", "pages": 3, "fields": {"link": "u"}}}, "needs {page}"),
    ({"discovery": {"kind": "json", "url": "x", "method": "PUT", "fields": {"link": "u"}}}, "method must be GET or POST"),
    ({"discovery": {"kind": "json", "url": "x", "fields": {"link": "u", "colour": "c"}}}, "unknown key(s) colour"),
    ({"discovery": {"kind": "json", "url": "x", "fields": {"link": "u"}, "skip": [{"field": "t"}]}}, "exactly one of"),
    ({"article": {"format": "json"}}, "needs article.fields.body"),
    ({"article": {"fields": {"body": "content"}}}, "are for format = \"json\""),
    ({"article": {"hook": "not a hook"}}, "package.module:function"),
    ({"article": {"format": "json", "fields": {"body": "b"}, "drop": {"field": "paid", "equals": True}}}, "reason"),
    ({"article": {"fallback": "page"}}, "fallback must be \"summary\""),
    ({"request": {"article_url": "https://x.test/a"}}, "must contain {url}, {path} or {id}"),
    ({"settings": {"ITEM_PIPELINES": {}}}, "unknown key(s) ITEM_PIPELINES"),
    ({"discovery": [{"kind": "rss", "url": "x"}, {"kind": "rss", "url": "y", "language": "fr"}]}, "discovery[1].language"),
])
def test_what_a_site_file_cannot_say_is_refused_naming_the_key(changes, message):
    with pytest.raises(site_file.ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse(**changes)


def test_overrides_replace_values_by_dotted_key_and_are_checked(tmp_path):
    write_site(tmp_path, "two", """
        folder = "two"
        language = "en"
        [[discovery]]
        kind = "rss"
        url = "https://a.test/feed"
        [[discovery]]
        kind = "rss"
        url = "https://b.test/feed"
    """)
    config = site_file.load_site("two", tmp_path, {"two": {"discovery.1.url": "http://127.0.0.1:9/b", "limit": 3}})
    assert [d.urls for d in config.discoveries] == [("https://a.test/feed",), ("http://127.0.0.1:9/b",)]
    assert config.limit == 3
    with pytest.raises(site_file.ConfigError, match="limit must be a positive integer"):
        site_file.load_site("two", tmp_path, {"two": {"limit": 0}})
    with pytest.raises(site_file.ConfigError, match="names a list"):  # which of the two [[discovery]]?
        site_file.load_site("two", tmp_path, {"two": {"discovery.url": "y"}})
    with pytest.raises(site_file.ConfigError, match="no \\[2\\] in discovery"):
        site_file.load_site("two", tmp_path, {"two": {"discovery.2.url": "y"}})


def test_one_spider_per_site_file_and_a_broken_file_breaks_only_its_own_run(tmp_path):
    sites = tmp_path / "sites"
    feed = 'language = "en"\n[discovery]\nkind = "rss"\nurl = "http://127.0.0.1:9/f"\n'
    write_site(sites, "broken", "folder = \n")
    write_site(sites, "qq", 'folder = "x"\n' + feed)
    write_site(sites, "fine", 'folder = "fine"\n' + feed)
    listed = run_scrapy("list", "-s", f"GENERIC_SITES_DIR={sites}")
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert {"broken", "fine", "qq", "generic"} <= set(listed.stdout.split())
    assert listed.stdout.split().count("qq") == 1  # the code spider; the file named like it is not registered
    result = crawl(sites, "broken", tmp_path / "archive")
    assert result.returncode == 2 and "broken.toml: not valid TOML" in result.stderr
    every = run_scrapy("crawlall", "--list", "-s", f"GENERIC_SITES_DIR={sites}")
    assert every.returncode == 2 and "broken.toml" in every.stderr
    (sites / "broken.toml").unlink()
    (sites / "generic.toml").write_text('folder = "g"\n' + feed, encoding="utf-8")
    every = run_scrapy("crawlall", "--list", "-s", f"GENERIC_SITES_DIR={sites}")
    assert every.returncode == 2 and "named like a spider: generic, qq" in every.stderr


def test_a_sites_settings_apply_to_its_own_crawler_and_the_command_line_wins(tmp_path):
    write_site(tmp_path, "slow", """
        folder = "slow"
        language = "en"
        [settings]
        DOWNLOAD_DELAY = 7.5
        CONCURRENT_REQUESTS_PER_DOMAIN = 1
        [discovery]
        kind = "rss"
        url = "http://127.0.0.1:9/f"
    """)
    settings = Settings()
    settings.setmodule(project_settings)
    settings.set("GENERIC_SITES_DIR", str(tmp_path))
    spidercls = SiteSpiderLoader.from_settings(settings).load("slow")
    crawler = Crawler(spidercls, settings)
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 7.5
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    assert Crawler(spidercls, settings).settings.getfloat("DOWNLOAD_DELAY") == 0


# ------------ a JSON API through the real crawl


def _api_page(items: list[dict]) -> Reply:
    return Reply(body=json.dumps({"data": {"list": items}}).encode(), headers={"Content-Type": "application/json"})


def test_json_discovery_pages_params_skips_categories_and_bodies(tmp_path):
    """Two pages of a POST list API carrying whole articles: the body's {page}, a query
    parameter, paths into each entry, a link template, epoch-millisecond times, a live blog
    skipped by a rule, each story's provider as its category."""
    story = lambda n, provider, **extra: {"id": n, "headline": f"Invented story {n}", "ts": 1772409600000 + n * 60000,  # noqa: E731
                                          "html": f"<p>Invented text {n}.</p>", "meta": {"provider": provider}, **extra}
    with TestServer() as server:
        server.add("POST", "/api/list?lang=en", _api_page([story(1, "Dow Jones Newswires"), story(2, "Reuters", live=True)]),
                   body={"page": 1, "size": 2})
        server.add("POST", "/api/list?lang=en", _api_page([story(3, "Reuters"), {"headline": "no id, no link"}]),
                   body={"page": 2, "size": 2})
        sites = tmp_path / "sites"
        write_site(sites, "wire", f"""
            folder = "wire"
            language = "en"
            [discovery]
            kind = "json"
            url = "{server.url('/api/list')}"
            params = {{ lang = "en" }}
            body = {{ page = "{{page}}", size = 2 }}
            pages = 2
            entries = "data.list"
            skip = [{{ field = "live", equals = true, count = "skipped_live" }}]
            [discovery.fields]
            id = "id"
            link = "https://wire.test/story/{{id}}"
            title = "headline"
            time = "ts"
            body = "html"
            category = "meta.provider"
        """)
        archive = tmp_path / "archive"
        result, report = run_with_report(partial(crawl, sites, "wire", archive), tmp_path / "report.json")
    assert result.returncode == 0, result.stderr[-3000:]
    files = archive_files(archive)
    assert sorted(files) == ["en/news/wire/1.en.md", "en/news/wire/3.en.md"]
    one = files["en/news/wire/1.en.md"].decode()
    assert 'title: "Invented story 1"' in one and 'date: "2026-03-02 08:01:00"' in one
    assert 'categories:\n  - "Dow Jones Newswires"' in one and one.endswith("[Dow Jones Newswires](https://wire.test/story/1)\n")
    assert 'categories:\n  - "Reuters"' in files["en/news/wire/3.en.md"].decode()
    assert report["stats"]["wire/skipped_live"] == 1 and report["stats"]["wire/missing_link"] == 1
    assert (report["requested"], report["written"]) == (2, 2)


def test_two_language_folder_pairs_and_json_detail_with_drop_rule_and_hook(tmp_path):
    """One site writing en and zh-CN (two [[discovery]] blocks, each its pair), articles read
    from a JSON detail API (root, fields, a paid drop rule), and a hook on each article."""
    flow = lambda ids: Reply(body=json.dumps({"items": [{"id": i} for i in ids]}).encode(),  # noqa: E731
                             headers={"Content-Type": "application/json"})
    detail = lambda i, paid=False: Reply(body=json.dumps({"data": {  # noqa: E731
        "id": i, "title": {"rendered": f"Invented &amp; title {i}"}, "time": "2026-03-02 10:00:00",
        "content": f"<p>Detail {i}.</p><div class='ad'>ad</div>", "paid": paid}}).encode(),
        headers={"Content-Type": "application/json"})
    with TestServer() as server:
        server.add("GET", "/en/flow", flow([11, 12]))
        server.add("GET", "/cn/flow", flow([21]))
        for i, paid in ((11, False), (12, True), (21, False)):
            server.add("GET", f"/detail/{i}", detail(i, paid))
        sites = tmp_path / "sites"
        write_site(sites, "pair", f"""
            folder = "pair"
            language = "en"
            [[discovery]]
            kind = "json"
            url = "{server.url('/en/flow')}"
            entries = "items"
            fields = {{ id = "id", link = "https://pair.test/en/{{id}}" }}
            [[discovery]]
            kind = "json"
            url = "{server.url('/cn/flow')}"
            entries = "items"
            fields = {{ id = "id", link = "https://pair.test/cn/{{id}}" }}
            language = "zh-CN"
            folder = "pair-cn"
            [article]
            format = "json"
            root = "data"
            remove = [".ad"]
            drop = [{{ field = "paid", equals = true, reason = "paid" }}]
            hook = "tests.support.site_hooks:shout"
            [article.fields]
            title = {{ path = "title.rendered", html = true }}
            time = "time"
            body = "content"
            [request]
            article_url = "{server.url('/detail/{id}')}"
        """)
        archive = tmp_path / "archive"
        result, report = run_with_report(partial(crawl, sites, "pair", archive), tmp_path / "report.json")
        again, second = run_with_report(partial(crawl, sites, "pair", archive), tmp_path / "second.json")
    assert result.returncode == 0, result.stderr[-3000:]
    files = archive_files(archive)
    assert sorted(files) == ["en/news/pair/11.en.md", "zh-CN/news/pair-cn/21.zh-CN.md"]
    en = files["en/news/pair/11.en.md"].decode()
    assert 'title: "INVENTED & TITLE 11"' in en and "Detail 11." in en and "ad" not in en.split("---", 2)[2]
    assert 'lang:\n  - "en"' in en and 'lang:\n  - "zh-CN"' in files["zh-CN/news/pair-cn/21.zh-CN.md"].decode()
    assert report["dropped"] == {"paid": 1}
    # The second run knows each article in its own folder (the paid one is remembered).
    assert again.returncode == 0 and second["requested"] == 0 and second["skipped_known"] == 3


# ------------ direct arguments


FEED = """<?xml version="1.0"?><rss version="2.0"><channel>
<item><title>Old story</title><link>{base}/a/1</link><pubDate>Sun, 01 Feb 2026 10:00:00 +0000</pubDate></item>
<item><title>New story</title><link>{base}/a/2</link><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate></item>
<item><title>Undated story</title><link>{base}/a/3</link></item>
</channel></rss>"""
PAGE = ("<html><head><meta property='article:published_time' content='{time}'></head><body><h1>{title}</h1>"
        "<div class='text'><p>Invented body of {title}.</p></div></body></html>")


def _news_site(server, sites: Path, **extra) -> None:
    server.add("GET", "/feed", Reply(body=FEED.format(base=server.base).encode(), headers={"Content-Type": "application/rss+xml"}))
    for n, (title, time) in enumerate((("Old story", "2026-02-01T10:00:00Z"), ("New story", "2026-03-02T10:00:00Z"),
                                       ("Undated story", "2026-01-15T10:00:00Z")), start=1):
        server.add("GET", f"/a/{n}", Reply(body=PAGE.format(title=title, time=time).encode(),
                                            headers={"Content-Type": "text/html; charset=utf-8"}))
    write_site(sites, "news", f"""
        folder = "news"
        language = "en"
        [discovery]
        kind = "rss"
        url = "{server.url('/feed')}"
        [article]
        id_pattern = "/a/(\\\\d+)"
        body = [".text"]
    """)


def test_since_skips_old_entries_and_drops_old_pages(tmp_path):
    with TestServer() as server:
        _news_site(server, tmp_path / "sites")
        result, report = run_with_report(partial(crawl, tmp_path / "sites", "news", tmp_path / "archive", "-a", "since=2026-03-01"),
                                         tmp_path / "report.json")
        fetched = [p for p in server.requested() if p.startswith("/a/")]
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(archive_files(tmp_path / "archive")) == ["en/news/news/2.en.md"]
    assert sorted(fetched) == ["/a/2", "/a/3"]  # the old entry is not requested; the undated one is, then dropped
    assert report["stats"]["news/skipped_old"] == 1 and report["dropped"] == {"too_old": 1}


def test_urls_and_url_file_fetch_given_pages_without_discovery(tmp_path):
    with TestServer() as server:
        _news_site(server, tmp_path / "sites")
        url_file = tmp_path / "urls.txt"
        url_file.write_text(f"# wanted\n{server.url('/a/3')}\n", encoding="utf-8")
        result = crawl(tmp_path / "sites", "news", tmp_path / "archive", "-a", f"urls={server.url('/a/1')}",
                       "-a", f"url_file={url_file}")
        assert "/feed" not in server.requested()
    assert result.returncode == 0, result.stderr[-3000:]
    files = archive_files(tmp_path / "archive")
    assert sorted(files) == ["en/news/news/1.en.md", "en/news/news/3.en.md"]
    assert 'title: "Undated story"' in files["en/news/news/3.en.md"].decode()


def test_urls_are_refused_where_the_list_carries_the_articles(tmp_path):
    result = run_scrapy("crawl", "jinwucj", "-a", "urls=https://sky.szfiu.com/info/hk/details/1",
                        "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
    assert result.returncode == 1 and "urls=/url_file= do not apply" in result.stderr.strip().splitlines()[-1]

"""The archive builds with real Hugo (issue 4).

Uses the `hugo` binary when present (.ci/run installs Debian's package); locally without it the
test is skipped, under CI=true it fails. A real `scrapy crawl qq` writes an archive (articles at
several Beijing times, one of them just after midnight Beijing = the previous day in UTC);
a site of our own (hugo.toml with the archive's language and timeZone Asia/Shanghai, a minimal
layout printing the title and `.Date.Format` in Beijing time) is built over it, and every article
must appear with its title and its date in Beijing time.
"""

from __future__ import annotations

import html
import subprocess

import frontmatter

from tests.support.hugo import require_hugo
from tests.support.qq_site import QqSite, archive_articles, run_qq
from tests.support.server import TestServer

HUGO = require_hugo()

CONFIG = """\
baseURL = "http://example.invalid/"
title = "archive test"
timeZone = "Asia/Shanghai"
defaultContentLanguage = "zh-CN"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[languages.zh-CN]
contentDir = "content/zh-CN"
languageName = "中文"
weight = 1
"""
SINGLE = """<!doctype html><html><body>
<h1 class="title">{{ .Title }}</h1>
<p class="date">{{ .Date.Format "2006-01-02 15:04:05 -0700" }}</p>
{{ .Content }}
</body></html>
"""
LIST = """<!doctype html><html><body>
<ul>{{ range .RegularPagesRecursive }}<li>{{ .Title }} | {{ .Date.Format "2006-01-02 15:04:05 -0700" }}</li>{{ end }}</ul>
</body></html>
"""
TIMES = ["2025-03-10 08:00:00", "2025-03-10 00:30:00", "2025-03-09 23:59:59", "2025-01-01 00:00:00"]
TITLES = ["雨中的城市", 'Quote "and" back\\slash', "午夜之后", "新年第一篇"]


def _site(root):
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")


def test_hugo_builds_every_article_with_title_and_beijing_date(tmp_path):
    root = tmp_path / "site"
    _site(root)
    archive = root / "content"
    with TestServer() as server:
        site = QqSite(server)
        arts = [site.article(f"H{n}", title=title, time=when, body=f"<p>雨果正文{n}</p>")
                for n, (title, when) in enumerate(zip(TITLES, TIMES))]
        site.feed("c1", [a.entry() for a in arts])
        result = run_qq(server, archive, "c1")
    assert result.returncode == 0, result.stderr[-3000:]
    files = archive_articles(archive)
    assert len(files) == len(arts)
    assert (archive / ".newsarchive.lock").exists()  # a dotfile: Hugo must ignore it

    build = subprocess.run([HUGO, "--source", str(root), "--destination", str(tmp_path / "public"),
                            "--quiet"], capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    public = tmp_path / "public"
    pages = {p: p.read_text(encoding="utf-8") for p in public.rglob("index.html")}
    singles = {p: t for p, t in pages.items() if '<h1 class="title">' in t}
    assert len(singles) == len(arts), sorted(str(p) for p in pages)
    shown = {html.unescape(t.split('<h1 class="title">')[1].split("</h1>")[0]):
             html.unescape(t.split("<p class=\"date\">")[1].split("</p>")[0]) for t in singles.values()}
    for art in arts:
        post = frontmatter.load(files[f"{art.id}.zh-CN.md"])
        assert post["date"] == art.time
        assert shown[art.title] == f"{art.time} +0800", (art.title, shown)
    assert "newsarchive.lock" not in "".join(str(p) for p in public.rglob("*"))

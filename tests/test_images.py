"""Kept images (IMAGES_STORE, pipelines/images.py, crawler/images.py; docs/images.md).

The crawl of fixtures/qq/images (see its README.md) is replayed with the images stage on, the
site is built with the real Hugo and every <img> of it is checked; then real crawls against a
server on 127.0.0.1 show what the downloader does to an image (its size cap, a connection
lost, a robots.txt that fails) and that images are recorded and replayed like any request.
What is kept and what is not, and why, is written here from the fixture's table, never read
off the code: a stored name is sha1 of the URL + the URL's extension (Scrapy's file_path).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from crawler.images import image_problem, markdown_images, rewrite_images, sniff_image
from crawler.markdown import html_to_markdown
from tests.support.cli import ROOT, run_scrapy
from tests.support.qq_site import QqSite, archive_articles, load_report, run_qq
from tests.support.regen_fixtures import archive_files, expected_files, replay
from tests.support.server import Reply, TestServer, huge, reset_mid_body

FIXTURE = ROOT / "fixtures" / "qq" / "images"
BODIES = FIXTURE / "bodies"
G = "https://inews.gtimg.com/newsapp_bt/0/"
MAX = "4096"  # IMAGES_MAX_BYTES of the replays: img-big.png (7,028 bytes) is too large
# Kept: URL -> (extension of the stored name, the body served for it).
KEPT = {
    "https://inews.gtimg.com/om_ls/OFixtureImgA_640360/0": ("", "img-thumb-a.png"),
    f"{G}FixtureImg01/1000": ("", "img-01.jpg"),
    f"{G}FixtureImg02.png": (".png", "img-02.png"),
    "https://mat1.gtimg.com/fixture/port-anim.gif": (".gif", "img-anim.gif"),
    "http://inews.gtimg.com/newsapp_bt/0/FixtureHttp/1000": ("", "img-http.webp"),
}
NOT_KEPT = {
    f"{G}FixtureGone/1000": "http_404",
    f"{G}FixtureHtml/1000": "html",
    "https://mat1.gtimg.com/fixture/port-logo.svg": "svg",
    f"{G}FixtureFake/1000": "html",
    f"{G}FixtureBig/1000": "too_large",
    f"{G}FixtureBusy/1000": "http_503",
    "https://pic.fixture-blocked.example/port.jpg": "robots",
}
THUMBNAILS = {"20250312A01IMG": "https://inews.gtimg.com/om_ls/OFixtureImgA_640360/0",
              "20250312A02IMG": f"{G}FixtureImg01/1000"}
QQ = "zh-CN/news/qq"


def stored_name(url: str) -> str:
    return f"images/{hashlib.sha1(url.encode()).hexdigest()}{KEPT[url][0]}"


def store_files(store: Path) -> dict[str, bytes]:
    return {p.relative_to(store).as_posix(): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()}


def replay_images(archive: Path, store: Path, report: Path, *extra: str):
    return replay("images", archive, report, "-s", f"IMAGES_STORE={store}", "-s", f"IMAGES_MAX_BYTES={MAX}",
                  "-s", "BODY_WORKERS=0", *extra)


def body_of(text: bytes) -> bytes:
    return text.split(b"\n---\n", 1)[1]


def without_thumbnail(text: bytes) -> bytes:
    return re.sub(rb'\nthumbnail: "[^"\n]*"\n', b"\n", text)


# ------------
# The replayed crawl with images on


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 1 (a fresh store), night 2 (a fresh archive, the same store), both replayed."""
    tmp = tmp_path_factory.mktemp("images")
    store = tmp / "site" / "static"
    first = replay_images(tmp / "site" / "content", store, tmp / "first.json")
    stored = store_files(store)
    mtimes = {p: p.stat().st_mtime_ns for p in store.rglob("*") if p.is_file()}
    second = replay_images(tmp / "second", store, tmp / "second.json")
    return {"tmp": tmp, "site": tmp / "site", "store": store, "first": first, "second": second,
            "first_report": load_report(tmp / "first.json"), "second_report": load_report(tmp / "second.json"),
            "files": archive_files(tmp / "site" / "content"), "files_second": archive_files(tmp / "second"),
            "stored": stored, "mtimes": mtimes}


def test_kept_images_are_stored_once_under_the_sha1_of_their_url(nights):
    assert nights["first"].returncode == 0, nights["first"].stderr[-3000:]
    report = nights["first_report"]
    assert report["exit_status"]["code"] == 0 and report["written"] == 2
    # Each kept image stored once, byte for byte as served (no re-encoding), named by its URL.
    assert nights["stored"] == {stored_name(url): (BODIES / body).read_bytes() for url, (_, body) in KEPT.items()}
    images = report["images"]
    assert (images["downloaded"], images["uptodate"], images["cached"]) == (len(KEPT), 0, 0)
    assert images["articles"] == 2  # the removed article's cover is never fetched
    # Every kept image's link in the bodies and every thumbnail that was kept: rewritten.
    links = sum(text.decode().count(f"]({url})") for text in expected_files("images").values() for url in KEPT)
    assert images["rewritten"] == links + sum(1 for url in THUMBNAILS.values() if url in KEPT)


def test_failed_images_keep_their_url_and_are_counted_by_reason(nights):
    report = nights["first_report"]
    assert report["images"]["failed"] == len(NOT_KEPT)
    assert report["images"]["failed_by_reason"] == {r: list(NOT_KEPT.values()).count(r) for r in set(NOT_KEPT.values())}
    # A lost image is no error of the run (the 503 was retried, then given up at WARNING).
    assert report["errors"]["counted"] == 0 and report["errors"]["log_error"] == 0
    assert report["stats"]["retry/reason_count/503 Service Unavailable"] == 3
    text = b"".join(nights["files"].values()).decode()
    for url in NOT_KEPT:
        assert f"]({url})" in text


def test_the_files_differ_from_the_archive_format_only_by_the_kept_urls(nights):
    """Images off, the crawl writes expected/ (tests/test_qq_fixtures.py); on, the only change
    of a body is each kept image's URL, pointing at the stored copy under IMAGES_URL_PREFIX "/",
    also inside a link; image syntax in code stays as it is."""
    expected = expected_files("images")
    assert sorted(nights["files"]) == sorted(expected)
    for rel, off in expected.items():
        want = body_of(off)
        for url in KEPT:
            want = want.replace(f"]({url})".encode(), f"](/{stored_name(url)})".encode())
        assert body_of(nights["files"][rel]) == want, rel
        assert without_thumbnail(nights["files"][rel]).split(b"\n---\n")[0] == without_thumbnail(off).split(b"\n---\n")[0]
    a = nights["files"][f"{QQ}/20250312A01IMG.zh-CN.md"].decode()
    assert f"[![码头动图](/{stored_name('https://mat1.gtimg.com/fixture/port-anim.gif')})](https://example.org/port-tour)" in a
    assert f"`![示意]({G}FixtureCode/1000)`" in a
    assert f"![图]({G}FixturePre/1000)" in nights["files"][f"{QQ}/20250312A02IMG.zh-CN.md"].decode()


def test_the_thumbnail_points_at_the_stored_copy(nights):
    for rel, text in nights["files"].items():
        article = rel.rsplit("/", 1)[1].split(".")[0]
        assert f'\nthumbnail: "/{stored_name(THUMBNAILS[article])}"\n'.encode() in text, rel


def test_a_second_night_downloads_no_image_it_has(nights):
    assert nights["second"].returncode == 0, nights["second"].stderr[-3000:]
    images = nights["second_report"]["images"]
    assert (images["downloaded"], images["uptodate"]) == (0, len(KEPT))
    assert {p: p.stat().st_mtime_ns for p in nights["store"].rglob("*") if p.is_file()} == nights["mtimes"]
    assert nights["files_second"] == nights["files"]  # the same files, pointing at the same copies
    # What was not kept is tried again for a new article (the next night may get it).
    assert images["failed"] == len(NOT_KEPT)


# ------------
# The site, built with Hugo

HUGO = shutil.which("hugo")


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")


def test_every_img_of_the_built_site_resolves(nights, tmp_path):
    if HUGO is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("hugo is not installed, and CI=true: .ci/run installs Debian's hugo package")
        pytest.skip("hugo is not installed (apt-get install hugo; .ci/run installs it)")
    site = tmp_path / "site"
    shutil.copytree(ROOT / "examples" / "site", site)
    shutil.copytree(nights["site"] / "content", site / "content", dirs_exist_ok=True)
    shutil.copytree(nights["store"], site / "static")
    public = tmp_path / "public"
    build = subprocess.run([HUGO, "--source", str(site), "--destination", str(public), "--quiet"],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    local, remote = [], []
    for page in public.rglob("*.html"):
        parser = _Images()
        parser.feed(page.read_text(encoding="utf-8"))
        for src in parser.sources:
            (local if src.startswith("/") else remote).append(src)
    # Every local <img> is a file of public/ holding the image as served; the kept body images
    # are all there (A01IMG's four, A02IMG's one); every other <img> is an image not kept.
    for src in local:
        path = public / src.lstrip("/")
        assert path.is_file(), src
        assert path.read_bytes() in {(BODIES / body).read_bytes() for _, body in KEPT.values()}, src
    body_kept = {f"/{stored_name(url)}" for url in KEPT if url != THUMBNAILS["20250312A01IMG"]}
    assert body_kept <= set(local)
    assert sorted(remote) == sorted(NOT_KEPT)


def test_nightly_publish_images_commits_them_with_the_articles(tmp_path):
    """scripts/nightly-publish --images on a checkout of a site (a local bare repository, as in
    tests/test_nightly_workflow.py): the night's commit holds the articles, the drop ledger and
    the kept images, after the Hugo gate; the next night commits no image (its run history only)."""
    if HUGO is None:
        pytest.skip("hugo is not installed")
    from tests import test_nightly_workflow as wf

    env = wf.env.__wrapped__(tmp_path)
    bare = wf.site_repository(tmp_path, env)
    site = wf.checkout(env, bare, tmp_path / "site")
    result = wf.nightly(env, site, tmp_path / "logs", "--images")
    assert result.returncode == 0, result.stderr[-3000:]
    committed = wf.tree(env, bare) - wf.tree(env, bare, "main^")
    # The nightly fixture's written articles show 12 images, all recorded: 5 covers, 7 in bodies.
    covers = [f"https://inews.gtimg.com/om_ls/OFixture{tag}_640360/0" for tag in ("Rmc01", "Ats02", "Qnt03", "Act04", "Tec09")]
    bodies = [f"{G}Fixture{tag}" for tag in ("Rmc01/1000", "Ats01/1000", "Qnt01/1000", "Act01/1000", "Org01/0",
                                             "Org02/1000", "Tec01/1000")]
    name = {url: "images/" + hashlib.sha1(url.encode()).hexdigest() for url in covers + bodies}
    assert {p for p in committed if p.startswith("static/")} == {f"static/{n}" for n in name.values()}
    assert {p for p in committed if p.startswith("content/") and not wf.RUN_FILE.match(p)} == (
        {f"{wf.QQ_DIR}/{name}" for name in wf.EXPECTED} | {f"{wf.QQ_DIR}/.dropped.tsv"})
    text = b"".join(wf.show(env, bare, p) for p in committed if p.endswith(".md")).decode()
    assert all(f"](/{name[url]})" in text and url not in text for url in bodies)
    message = wf.git(env, bare, "log", "-1", "--format=%B", "main")
    assert re.match(r"nightly \d{4}-\d\d-\d\d: 6 new articles\n", message) and "\nimages: 12" in message
    again = wf.nightly(env, site, tmp_path / "logs2", "--images")
    assert again.returncode == 0, again.stderr[-3000:]
    assert wf.git(env, bare, "rev-list", "--count", "main").strip() == "3"
    assert [path for _, path in wf.committed(env, bare) if not wf.RUN_FILE.match(path)] == []


# ------------
# Off by default; articles the archive holds


def test_off_without_images_store_the_stage_is_not_there(tmp_path):
    result = replay("images", tmp_path / "archive", tmp_path / "r.json", "-s", "BODY_WORKERS=0")
    assert result.returncode == 0, result.stderr[-3000:]
    report = load_report(tmp_path / "r.json")
    assert not [k for k in report["stats"] if k.startswith(("images/", "file_"))]
    assert archive_files(tmp_path / "archive") == expected_files("images")
    assert "KeepImages" not in result.stderr and "ImageDownloads" not in result.stderr


def test_no_image_is_fetched_for_an_article_the_archive_holds(tmp_path):
    """import-json sends every item through the pipelines, also one whose file exists."""
    item = {"id": "91001", "title": "示例港口图片导入", "link": "https://example.test/a/91001",
            "description": f'<p>导入的正文。</p><p><img src="{G}FixtureImg02.png"></p>',
            "pub_date": "2025-03-12 12:00:00", "source": "demo", "kind": 1, "language": "zh-CN",
            "image": f"{G}FixtureImg01/1000", "author": "编辑"}
    items = tmp_path / "demo" / "list.json"
    items.parent.mkdir()
    items.write_text(json.dumps({"data": [item]}, ensure_ascii=False), encoding="utf-8")
    archive = tmp_path / "archive"

    def run(store: str, report: str):
        return run_scrapy("import-json", str(items), "-s", f"ARCHIVE_DIR={archive}", "-s", f"IMAGES_STORE={tmp_path / store}",
                          "-s", f"FIXTURES_REPLAY={FIXTURE}", "-s", f"RUN_REPORT={tmp_path / report}", "-s", "BODY_WORKERS=0")

    first = run("store1", "first.json")
    assert first.returncode == 0, first.stderr[-3000:]
    assert len(store_files(tmp_path / "store1")) == 2
    again = run("store2", "second.json")
    assert again.returncode == 0, again.stderr[-3000:]
    report = load_report(tmp_path / "second.json")
    assert report["skipped_existing"] == 1 and report["written"] == 0
    assert store_files(tmp_path / "store2") == {}
    assert not [k for k in report["stats"] if k.startswith("images/")]


# ------------
# Real downloads (a server on 127.0.0.1; the images on "localhost", another host)

PNG = (BODIES / "img-02.png").read_bytes()


COVER = PNG[:-1] + b"\x82"  # another PNG (its last byte differs)


def _image_body(images: TestServer) -> tuple[str, str]:
    """The body HTML (a good image, one too large, one whose connection is reset) and the cover."""
    images.add("GET", "/ok.png", Reply(body=PNG, headers={"Content-Type": "image/png"}))
    images.add("GET", "/cover.png", Reply(body=COVER, headers={"Content-Type": "image/png"}))
    images.add("GET", "/huge.jpg", huge(50_000, content_type="image/jpeg"))
    images.add("GET", "/reset.png", reset_mid_body(PNG * 50, headers={"Content-Type": "image/png"}))
    body = "".join(f'<p>第{n}段。</p><p><img src="{images.url(path)}"></p>'
                   for n, path in enumerate(("/ok.png", "/huge.jpg", "/reset.png")))
    return body, images.url("/cover.png")


def _image_site(server: TestServer, images: TestServer):
    body, cover = _image_body(images)
    art = QqSite(server).article("IMG1", body=body, thumbnail=cover)
    QqSite(server).feed("c1", [art.entry()])
    return art


@contextmanager
def unannounced(body: bytes):
    """A server (on localhost) answering every request with `body` and no Content-Length (read
    until the connection closes, as a CDN's streamed answer): the size is known only once
    received. TestServer always announces it."""
    listener = socket.create_server(("localhost", 0))

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                try:
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: image/png\r\n\r\n" + body)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{listener.getsockname()[1]}"
    finally:
        listener.close()


def test_size_cap_and_lost_connections_cost_no_page_and_no_run_error(tmp_path):
    """The downloader cancels an image at IMAGES_MAX_BYTES (download_maxsize: announced or as it
    is received); a connection reset after the retries; a robots.txt of the image host that fails
    (503 after the retries): the article is written, the images not kept keep their URLs, and
    the run is healthy."""
    with TestServer() as server, TestServer(host="localhost") as images, unannounced(PNG * 200) as streamed:
        site = QqSite(server)
        body, cover = _image_body(images)
        body += f'<p><img src="{streamed}/streamed.png"></p>'
        art = site.article("IMG2", body=body, thumbnail=cover)
        site.feed("c1", [art.entry()])
        images.add("GET", "/robots.txt", Reply(status=503))
        result = run_qq(server, tmp_path / "archive", "c1", f"IMAGES_STORE={tmp_path / 'static'}",
                        "IMAGES_MAX_BYTES=10000", "IMAGES_URL_PREFIX=https://cdn.example.org/archive",
                        report=tmp_path / "r.json")
        robots_asked = images.count("/robots.txt")
    assert result.returncode == 0, result.stderr[-3000:]
    report = load_report(tmp_path / "r.json")
    assert report["written"] == 1 and report["errors"]["counted"] == 0
    assert report["images"]["failed_by_reason"] == {"too_large": 2, "download_error": 1}
    assert robots_asked == 4  # retried like any request, then the images were allowed
    (path,) = archive_articles(tmp_path / "archive").values()
    text = path.read_text(encoding="utf-8")
    ok = hashlib.sha1(images.url("/ok.png").encode()).hexdigest()
    thumb = hashlib.sha1(cover.encode()).hexdigest()
    # An absolute prefix: the thumbnail is an http(s) URL of the published store.
    assert f"](https://cdn.example.org/archive/images/{ok}.png)" in text
    assert f'thumbnail: "https://cdn.example.org/archive/images/{thumb}.png"' in text
    for url in (images.url("/huge.jpg"), images.url("/reset.png"), f"{streamed}/streamed.png"):
        assert f"]({url})" in text
    assert store_files(tmp_path / "static") == {f"images/{ok}.png": PNG, f"images/{thumb}.png": COVER}


def test_images_are_recorded_and_replayed_like_any_request(tmp_path):
    with TestServer() as server, TestServer(host="localhost") as images:
        _image_site(server, images)
        recorded = run_qq(server, tmp_path / "a1", "c1", f"IMAGES_STORE={tmp_path / 's1'}", "IMAGES_MAX_BYTES=10000",
                          f"FIXTURES_RECORD={tmp_path / 'rec'}", report=tmp_path / "r1.json")
        feed_url = server.url("/web_feed/getPCList")
    assert recorded.returncode == 0, recorded.stderr[-3000:]
    # The servers are gone: the replay needs no network.
    replayed = run_scrapy("crawl", "qq", "-a", "channels=c1", "-s", f"QQ_FEED_URL={feed_url}",
                          "-s", f"FIXTURES_REPLAY={tmp_path / 'rec'}", "-s", f"ARCHIVE_DIR={tmp_path / 'a2'}",
                          "-s", f"IMAGES_STORE={tmp_path / 's2'}", "-s", "IMAGES_MAX_BYTES=10000",
                          "-s", f"RUN_REPORT={tmp_path / 'r2.json'}", "-s", "RETRY_TIMES=3",
                          env={"QQ_DEVICE_ID": "", "QQ_QIMEI36": "", "QQ_COOKIE": ""})
    assert replayed.returncode == 0, replayed.stderr[-3000:]
    assert archive_files(tmp_path / "a2") == archive_files(tmp_path / "a1")
    assert store_files(tmp_path / "s2") == store_files(tmp_path / "s1") != {}
    assert load_report(tmp_path / "r2.json")["images"] == load_report(tmp_path / "r1.json")["images"]


def test_a_store_that_cannot_be_written_costs_no_page(tmp_path):
    store = tmp_path / "static"
    store.mkdir()
    (store / "images").write_text("a file where the folder should be", encoding="utf-8")
    result = replay_images(tmp_path / "archive", store, tmp_path / "r.json")
    assert result.returncode == 0, result.stderr[-3000:]
    report = load_report(tmp_path / "r.json")
    assert report["written"] == 2
    assert report["images"]["failed_by_reason"]["store_error"] == len(KEPT)
    assert body_of(archive_files(tmp_path / "archive")[f"{QQ}/20250312A01IMG.zh-CN.md"]) == \
        body_of(expected_files("images")[f"{QQ}/20250312A01IMG.zh-CN.md"])


def test_a_killed_runs_temporary_images_are_removed(tmp_path):
    """Images are written under a hidden name, then renamed: what a killed run left (Hugo would
    publish it: static/ dotfiles are copied) is removed by the next run, a live one's is not."""
    images = tmp_path / "static" / "images"
    images.mkdir(parents=True)
    sha = hashlib.sha1(b"https://img.example/x.png").hexdigest()
    stale, live = images / f".{sha}.png.4242.tmp", images / f".{sha}.png.4343.tmp"
    stale.write_bytes(PNG[:10])
    live.write_bytes(PNG[:10])
    os.utime(stale, (1_700_000_000, 1_700_000_000))
    result = replay_images(tmp_path / "archive", tmp_path / "static", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not stale.exists() and live.exists()
    assert not [p for p in images.iterdir() if p.name.startswith(".") and p != live]


@pytest.mark.parametrize("setting, message", [
    ("IMAGES_MAX_BYTES=0", "IMAGES_MAX_BYTES must be a positive number of bytes"),
    ("IMAGES_URL_PREFIX=images", "IMAGES_URL_PREFIX must be a site path starting with /"),
])
def test_a_bad_setting_stops_the_run_before_it_starts(tmp_path, setting, message):
    result = replay_images(tmp_path / "archive", tmp_path / "static", tmp_path / "r.json", "-s", setting)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "archive" / QQ).exists()


# ------------
# The Markdown's images, judged by a CommonMark parser (markdown-it, with GFM tables)

BODIES_HTML = [
    '<p>前文<img src="https://img.example/a.png" alt="图[1]">后文</p>',
    '<p><a href="https://example.org/x"><img src="https://img.example/in-link.jpg"></a></p>',
    '<p><img src="https://img.example/p(1).png" alt="括号(甲)"></p>',
    '<ul><li>项<img src="https://img.example/li.gif"></li><li><ol><li><img src="https://img.example/nested.png"></li></ol></li></ul>',
    '<blockquote><p><img src="https://img.example/quote.webp"></p><pre>![x](https://img.example/pre-in-quote.png)</pre></blockquote>',
    '<table><tr><th>甲</th><th>乙</th></tr><tr><td><img src="https://img.example/cell.png"></td><td>文</td></tr></table>',
    '<p>写法 <code>![a](https://img.example/code.png)</code> 与 ![b](https://img.example/text.png) 都是文字。</p>',
    '<pre>```\n![c](https://img.example/fence.png)\n```</pre><p><img src="https://img.example/after.png"></p>',
    '<h2><img src="https://img.example/h.png" alt="标题图"></h2><p><strong><img src="https://img.example/b.png">粗</strong></p>',
    '<p><img src="https://img.example/%E4%B8%AD.png"><img src="https://img.example/中文.png"><img src="https://img.example/a b.png"></p>',
    '<p>{{&lt; x &gt;}} <img src="https://img.example/hugo.png"></p><p>&lt;!--more--&gt;</p>',
    # An unmatched backtick: a code span does not reach into the next paragraph.
    '<p><code>a`b</code></p><p><img src="https://img.example/between.png"></p><p><code>c</code></p>',
    '<pre>a ` b</pre><p><img src="https://img.example/after-pre.png"></p><p><code>c</code></p>',
    # A blank line inside code: still code.
    '<pre>a\n\n![x](https://img.example/pre-blank.png)\n</pre><blockquote><pre>b\n\n![y](https://img.example/q-pre.png)</pre></blockquote>',
]


def _parsed_images(markdown: str) -> list[str]:
    md = MarkdownIt("commonmark").enable("table")
    found = []

    def walk(tokens):
        for token in tokens:
            if token.type == "image":
                found.append(token.attrs["src"])
            walk(token.children or [])

    walk(md.parse(markdown))
    return found


@pytest.mark.parametrize("html", BODIES_HTML)
def test_markdown_images_are_the_images_commonmark_sees(html):
    markdown = html_to_markdown(html)
    md = MarkdownIt("commonmark")
    ours = [md.normalizeLink(image.url) for image in markdown_images(markdown)]
    assert ours == _parsed_images(markdown), markdown
    # Rewritten, the images are the new URLs and nothing else of the text moved.
    new = {image.url: f"/images/{n}.png" for n, image in enumerate(markdown_images(markdown))}
    rewritten, count = rewrite_images(markdown, new)
    assert count == len(new) and _parsed_images(rewritten) == list(new.values())
    if new:
        assert md.render(rewritten).count("<img") == md.render(markdown).count("<img")


# ------------
# What an image is

MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "gif": b"GIF89a\x01\x00\x01\x00",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "avif": b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00",
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
    "bmp": b"BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00",
    "ico": b"\x00\x00\x01\x00\x01\x00\x10\x10",
}


@pytest.mark.parametrize("kind", sorted(MAGIC))
def test_image_formats_are_known_by_their_first_bytes(kind):
    assert sniff_image(MAGIC[kind] + b"\x00" * 32) == kind


@pytest.mark.parametrize("data", [b"", b"<!DOCTYPE html><html>", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                                  b"BM not a bitmap at all", b"\x00\x00\x00\x18ftypmp42", b'{"code": 404}'])
def test_other_bytes_are_no_image(data):
    assert sniff_image(data) is None


@pytest.mark.parametrize("status, content_type, body, problem", [
    (200, "image/png", MAGIC["png"], None),
    (200, "", MAGIC["jpeg"], None),  # no type, the bytes decide
    (200, "application/octet-stream", MAGIC["gif"], None),
    (200, "image/jpeg", MAGIC["png"], None),  # a wrong image type still holds an image
    (404, "image/png", MAGIC["png"], "http_404"),
    (200, "image/png", b"", "empty"),
    (200, "image/png", MAGIC["png"] + b"\x00" * 100, "too_large"),
    (200, "image/svg+xml", b"<svg/>", "svg"),
    (200, "image/png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
    (200, "text/html; charset=utf-8", MAGIC["png"], "html"),
    (200, "image/png", b"\n <!DOCTYPE html><html>", "html"),
    (200, "application/json", MAGIC["png"], "not_image"),
    (200, "image/png", b"plain text", "not_image"),
])
def test_image_problem(status, content_type, body, problem):
    assert image_problem(status, content_type, body, 64) == problem

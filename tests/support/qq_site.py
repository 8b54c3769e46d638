"""A small invented qq site on tests/support/server.py, and the real `scrapy crawl qq` run on it.

Used by the reliability tests of issue 4 (fault matrix, crash safety, hostile values, lock,
monitoring, Hugo). Every text here is invented. Only two things point the crawl at the server:
QQ_FEED_URL, and the feed entries' `link_info.url`, which name pages on the server.

    with TestServer() as server:
        site = QqSite(server)
        a = site.article("A01", title="标题", body="<p>正文</p>")    # page at /rain/a/<ID>
        site.feed("ch1", [a.entry()])                                   # POST answer for ch1
        result = run_qq(server, archive, "ch1", report=tmp / "r.json")
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.cli import run_scrapy
from tests.support.server import Reply, TestServer

MEDIA = "测试媒体号"  # the invented author of every page
FEED_PATH = "/web_feed/getPCList"
CLEAN_ENV = {"QQ_DEVICE_ID": "", "QQ_QIMEI36": "", "QQ_COOKIE": ""}

# Fast, deterministic crawls: no throttling, small timeouts and retries.
FAST = (
    "AUTOTHROTTLE_ENABLED=0", "DOWNLOAD_DELAY=0", "DOWNLOAD_TIMEOUT=1", "RETRY_TIMES=3",
    "LOG_LEVEL=INFO", "TELNETCONSOLE_ENABLED=0", "RUN_COVERAGE_MIN_ITEMS=1000",
)


def qq_id(tag: str) -> str:
    """A 16-character qq id (rain/omn family) from a tag of up to 5 letters/digits."""
    tag = tag.upper()
    if not tag.isalnum() or len(tag) > 5:
        raise ValueError(tag)
    return f"20250310A{tag:0>5}00"


def qq_settings(**overrides) -> dict:
    """The qq spider's settings as the project sets them (crawler/settings.py, their one home),
    with overrides: for a spider made outside a crawl."""
    from crawler import settings as project

    return {name: getattr(project, name) for name in dir(project) if name.startswith("QQ_")} | overrides


def feed_body(channel: str, page: int = 1) -> dict:
    """The JSON body the spider POSTs for a channel page (with the secrets' env cleared)."""
    from scrapy.settings import Settings

    from crawler.spiders.qq import QqSpider

    saved = {k: os.environ.pop(k) for k in list(CLEAN_ENV) if k in os.environ}
    try:
        spider = QqSpider()
        spider.settings = Settings(qq_settings())
        return spider.feed_body(channel, page)
    finally:
        os.environ.update(saved)


def feed_answer(entries: list[dict]) -> bytes:
    return json.dumps({"code": 0, "msg": "success", "data": entries}, ensure_ascii=False).encode("utf-8")


def page_html(title: str, body_html: str, *, pubtime: str = "2025-03-10 08:00:00", media: str = MEDIA,
              container: bool = True, origin_text: str = "", origin_attr: dict | None = None,
              meta_charset: str | None = "utf-8", cms_id: str = "") -> str:
    """A page of qq's current layout: window.DATA JSON and the body in div.rich_media_content."""
    data = {"title": title, "media": media, "pubtime": pubtime, "cms_id": cms_id, "article_type": "0",
            "originContent": {"text": origin_text}, "originAttribute": origin_attr or {},
            "article_is_pay": False}
    data_json = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    body = f'<div class="rich_media_content">{body_html}</div>' if container else '<div class="other">&nbsp;</div>'
    return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>{meta}\n"
            f"<title>{html.escape(title)}_腾讯新闻</title>\n"
            f"<script>window.DATA = {data_json};</script>\n</head>\n<body>\n"
            f"<div class=\"content-article\"><h1>{html.escape(title)}</h1>"
            f"<p class=\"media-name\">{html.escape(media)}</p>"
            f"<div id=\"ArticleContent\">{body}</div></div>\n</body>\n</html>\n")


@dataclass
class Article:
    site: "QqSite"
    id: str
    path: str
    title: str
    body: str
    time: str = "2025-03-10 08:00:00"
    thumbnail: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.site.server.url(self.path)

    def entry(self, **changes) -> dict:
        """Its getPCList feed entry (changes override keys; link_info=None drops the link)."""
        entry = {"id": self.id, "articletype": "0", "title": self.title, "publish_time": self.time,
                 "link_info": {"url": self.url}, "pic_info": {"big_img": [self.thumbnail] if self.thumbnail else []}}
        entry.update(changes)
        return {k: v for k, v in entry.items() if v is not None}


class QqSite:
    def __init__(self, server: TestServer):
        self.server = server

    def article(self, tag: str, *replies: Reply, title: str | None = None, body: str = "<p>正文一段。</p>",
                path: str | None = None, time: str = "2025-03-10 08:00:00", thumbnail: str | None = None,
                page: bytes | None = None, **page_kwargs) -> Article:
        """An article page at /rain/a/<ID> (or `path`); `replies` override the normal 200 page
        (the last one repeats, so pass the good page last for "fails, then succeeds")."""
        article_id = qq_id(tag)
        title = title if title is not None else f"测试文章{tag}"
        path = path or f"/rain/a/{article_id}"
        thumb = thumbnail if thumbnail is not None else f"https://img.example.invalid/{tag}.jpg"
        art = Article(self, article_id, path, title, body, time, thumb)
        if page is None:
            page = page_html(title, body, pubtime=time, **page_kwargs).encode("utf-8")
        self.server.add("GET", path, *(replies or (ok_page(page),)))
        return art

    def feed(self, channel: str, entries_or_reply, page: int = 1) -> None:
        reply = entries_or_reply if isinstance(entries_or_reply, Reply) else Reply(
            body=feed_answer(entries_or_reply), headers={"Content-Type": "application/json; charset=utf-8"})
        self.server.add("POST", FEED_PATH, reply, body=feed_body(channel, page))


def ok_page(page: bytes, content_type: str = "text/html; charset=utf-8") -> Reply:
    return Reply(body=page, headers={"Content-Type": content_type})


def run_qq(server: TestServer, archive: Path, channels: str, *settings: str, report: Path | None = None,
           args: tuple = (), timeout: float = 300):
    command = ["crawl", "qq", "-a", f"channels={channels}", "-s", f"QQ_FEED_URL={server.url(FEED_PATH)}",
               "-s", f"ARCHIVE_DIR={archive}"]
    for setting in (*FAST, *settings):
        command += ["-s", setting]
    if report is not None:
        command += ["-s", f"RUN_REPORT={report}"]
    command += list(args)
    return run_scrapy(*command, env=CLEAN_ENV, timeout=timeout)


def qq_command(server: TestServer, archive: Path, channels: str, *settings: str) -> list[str]:
    """The argv (after `python -m scrapy`) of the same crawl, for a Popen of one's own."""
    command = ["crawl", "qq", "-a", f"channels={channels}", "-s", f"QQ_FEED_URL={server.url(FEED_PATH)}",
               "-s", f"ARCHIVE_DIR={archive}"]
    for setting in (*FAST, *settings):
        command += ["-s", setting]
    return command


def archive_articles(archive: Path) -> dict[str, Path]:
    """Written qq articles by file name (dotfiles, i.e. temporary and lock files, left out)."""
    folder = archive / "zh-CN" / "news" / "qq"
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def load_report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))

"""Figures 2-4: the real `scrapy crawl qq` against a local site over real sockets.

The site (tests.support.server.TestServer on 127.0.0.1) serves robots.txt, getPCList feed
answers (POST bodies exactly as the spider sends them: QqSpider.feed_body) and one
current-layout page per article (tests.support.qq_pages.current_layout_page over the real
corpus bodies; when more pages than corpus items are asked for, the items are used again
under distinct qq-like ids). Every crawl is a subprocess; the server's request log and the
crawl's run report (RUN_REPORT) say what was requested and written.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import VARIANT, BenchmarkError, child_env, run_measured
from tests.support.server import Reply, TestServer, _Server

FEED_PATH = "/web_feed/getPCList"
CHANNEL = "news_news_finance"
SCALE_CHANNEL = "bench_scale"
ARTICLE_PREFIX = "/rain/a/"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


class BenchServer(TestServer):
    """TestServer with a listen backlog that holds a high-concurrency crawl's connections
    (http.server's default of 5 makes the kernel drop SYNs, which costs 1 s retransmits)."""

    def start(self) -> "BenchServer":
        import threading

        class _Backlog(_Server):
            request_queue_size = 1024

        self._httpd = _Backlog((self.host, self.port), type(self)._handler())
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="bench-http", daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def _handler():
        from tests.support.server import _Handler

        return _Handler


def distinct_id(long_id: str, cycle: int, taken: set[str]) -> str:
    """The item's 16-character qq id for the given cycle (0: its own), unique in `taken` by
    its 14-character key (the archive's file name)."""
    if cycle == 0 and long_id[:14] not in taken:
        return long_id
    start = _LETTERS.index(long_id[8]) if long_id[8] in _LETTERS else 0
    for step in range(1, len(_LETTERS)):
        letter = _LETTERS[(start + cycle * 7 + step) % len(_LETTERS)]
        candidate = long_id[:8] + letter + long_id[9:]
        if candidate[:14] not in taken:
            return candidate
    raise BenchmarkError(f"no distinct id left for {long_id}")


@dataclass
class Article:
    long_id: str
    item: dict
    page: bytes


@dataclass
class Site:
    articles: list[Article]
    feed_pages: int
    per_page: int
    server: BenchServer = field(default=None)  # type: ignore[assignment]

    def ids(self) -> list[str]:
        return [a.long_id for a in self.articles]


def build_articles(items: list[dict], count: int) -> list[Article]:
    from tests.support.qq_pages import current_layout_page, long_id

    taken: set[str] = set()
    out: list[Article] = []
    cycle = 0
    while len(out) < count:
        for item in items:
            if len(out) >= count:
                break
            new_id = distinct_id(long_id(item), cycle, taken)
            taken.add(new_id[:14])
            copy = dict(item, link=f"https://new.qq.com/rain/a/{new_id}", id=new_id[:14])
            out.append(Article(new_id, copy, current_layout_page(copy, VARIANT)))
        cycle += 1
    return out


def feed_answer(articles: list[Article], base: str) -> bytes:
    data = []
    for a in articles:
        data.append({
            "id": a.long_id, "articletype": "0", "title": a.item["title"],
            "publish_time": a.item["pub_date"],
            "link_info": {"url": f"{base}{ARTICLE_PREFIX}{a.long_id}"},
            "pic_info": {"big_img": [a.item.get("image") or ""]},
        })
    return json.dumps({"code": 0, "msg": "", "data": data}, ensure_ascii=False).encode("utf-8")


def spider_feed_body(channel: str, page: int, item_count: int) -> dict:
    """The POST body the qq spider sends (its own code, so the routes follow it)."""
    from scrapy.settings import Settings

    from crawler.spiders.qq import QqSpider

    spider = QqSpider()
    spider.settings = Settings({"QQ_ITEM_COUNT": item_count, "QQ_DEVICE_ID": "", "QQ_QIMEI36": ""})
    os.environ.pop("QQ_DEVICE_ID", None)
    os.environ.pop("QQ_QIMEI36", None)
    return spider.feed_body(channel, page)


def start_site(items: list[dict], pages: int, per_page: int, scale_new: int) -> Site:
    articles = build_articles(items, pages)
    feed_pages = -(-pages // per_page)
    server = BenchServer().start()
    server.add("GET", "/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}))
    html = {"Content-Type": "text/html; charset=utf-8"}
    for a in articles:
        server.add("GET", ARTICLE_PREFIX + a.long_id, Reply(body=a.page, headers=html))
    js = {"Content-Type": "application/json; charset=utf-8"}
    for page in range(1, feed_pages + 1):
        chunk = articles[(page - 1) * per_page: page * per_page]
        server.add("POST", FEED_PATH, Reply(body=feed_answer(chunk, server.base), headers=js),
                   body=spider_feed_body(CHANNEL, page, per_page))
    # The scale crawl: one feed page of `scale_new` articles (new to any generated archive).
    server.add("POST", FEED_PATH, Reply(body=feed_answer(articles[:scale_new], server.base), headers=js),
               body=spider_feed_body(SCALE_CHANNEL, 1, scale_new))
    return Site(articles, feed_pages, per_page, server)


@dataclass
class CrawlRun:
    label: str
    returncode: int
    wall_s: float
    elapsed_s: float | None
    peak_rss_mb: float  # the crawl's own process
    workers_peak_rss_mb: float  # its worker processes, each one's peak, summed
    article_requests: int
    feed_requests: int
    report: dict | None
    stderr_tail: str

    @property
    def stats(self) -> dict:
        return (self.report or {}).get("stats") or {}

    def pages_per_s(self, pages: int) -> float | None:
        return pages / self.elapsed_s if self.elapsed_s else None


def run_crawl(site: Site, archive: Path, *, label: str, noop: bool = False, channel: str = CHANNEL,
              pages: int | None = None, item_count: int | None = None, concurrency: int = 64,
              whatif: str | None = None, settings: dict | None = None) -> CrawlRun:
    server = site.server
    report_path = Path(tempfile.mkstemp(prefix="bench-report-", suffix=".json")[1])
    report_path.unlink()
    extra, settings = settings or {}, {
        "QQ_FEED_URL": server.url(FEED_PATH), "QQ_CHANNELS": channel,
        "QQ_PAGES": pages or site.feed_pages, "QQ_ITEM_COUNT": item_count or site.per_page,
        "ARCHIVE_DIR": str(archive), "RUN_REPORT": str(report_path),
        "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": "False",
    }
    if noop:
        settings["ITEM_PIPELINES"] = "{}"
    settings.update(extra)
    runner = ["-m", "benchmarks.whatif", whatif] if whatif else ["-m", "scrapy"]
    args = [sys.executable, *runner, "crawl", "qq"]
    for name, value in settings.items():
        args += ["-s", f"{name}={value}"]
    before = len(server.requests)
    result = run_measured(args, env=child_env())
    with server._lock:
        logged = server.requests[before:]
    report = None
    if report_path.exists():
        report = json.loads(report_path.read_text(encoding="utf-8"))
        report_path.unlink()
    elapsed = ((report or {}).get("stats") or {}).get("elapsed_time_seconds")
    return CrawlRun(
        label=label, returncode=result["returncode"], wall_s=result["wall_s"], elapsed_s=elapsed,
        peak_rss_mb=result["peak_rss_mb"], workers_peak_rss_mb=result["descendants_peak_rss_mb"],
        article_requests=sum(1 for r in logged if r.method == "GET" and r.path.startswith(ARTICLE_PREFIX)),
        feed_requests=sum(1 for r in logged if r.method == "POST"),
        report=report, stderr_tail=result["stderr"][-3000:],
    )


def check(run: CrawlRun, *, expect_requests: int, expect_written: int | None = None,
          expect_scraped: int | None = None) -> None:
    """Raise BenchmarkError when the crawl did not do what the figure assumes."""
    problems = []
    if run.report is None:
        problems.append("no run report written")
    if run.returncode != 0:
        problems.append(f"exit status {run.returncode}")
    if run.article_requests != expect_requests:
        problems.append(f"{run.article_requests} article requests, expected {expect_requests}")
    stats = run.stats
    if expect_written is not None and (run.report or {}).get("written") != expect_written:
        problems.append(f"wrote {(run.report or {}).get('written')}, expected {expect_written}")
    if expect_scraped is not None and stats.get("item_scraped_count", 0) != expect_scraped:
        problems.append(f"scraped {stats.get('item_scraped_count', 0)}, expected {expect_scraped}")
    if problems:
        raise BenchmarkError(f"crawl '{run.label}' broke: {'; '.join(problems)}\n{run.stderr_tail}")

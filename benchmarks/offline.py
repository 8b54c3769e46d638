"""Child process of figure 1: one variant, one repetition, over the real qq pages.

    python -m benchmarks.offline --variant full|floor|old [--limit N] [--profile OUT.txt]

Prints one JSON line: per-article wall and CPU times (ms), drops, peak RSS (MB).

Variants (each article's clock starts at the page bytes and stops at the variant's end):
  full   HtmlResponse + parse_article + every ITEM_PIPELINES stage in order (instantiated from
         a crawler as in a crawl); ArchiveWriter writes real files into a fresh temp ARCHIVE_DIR
  floor  HtmlResponse + parse_article, then a no-op pipeline (Scrapy's parsing only)
  old    the old system: the page text, BeautifulSoup (html.parser) selection of the body
         container, markdownify (0.14.1, as the old generator), the FORMAT.md regex summary
  full_nofsync  `full` with os.fsync replaced by a no-op (a what-if for the proposed fix)
The pages are built before the clock (tests.support.qq_pages.current_layout_page).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import VARIANT, current_rss_mb, peak_rss_mb, usable_items
from tests.support.coroutines import settled

STAGES = ("parse", "validate", "claim", "body", "summary", "write")


def build_pages(limit: int | None):
    from tests.support.qq_pages import current_layout_page, feed_entry

    items, skipped = usable_items()
    if limit:
        items = items[:limit]
    pages = [(item["link"], current_layout_page(item, VARIANT), feed_entry(item).to_meta()) for item in items]
    return pages, skipped


def make_pipelines(archive_dir: Path) -> list:
    """ITEM_PIPELINES of the project settings, in order, built from a crawler by Scrapy's own
    ItemPipelineManager: a stage that raises NotConfigured (the images stage without
    IMAGES_STORE) is left out, as in a crawl."""
    from scrapy.pipelines import ItemPipelineManager
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    from crawler import settings as project_settings
    from crawler.spiders.qq import QqSpider

    settings = Settings()
    settings.setmodule(project_settings)
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    if not is_reactor_installed():
        install_reactor(settings["TWISTED_REACTOR"])
    values = {k: settings[k] for k in settings.attributes}
    values["ARCHIVE_DIR"] = str(archive_dir)
    values["BODY_WORKERS"] = 0  # figure 1 is the work on one core (figure 2 has the workers)
    crawler = get_crawler(QqSpider, values)
    return list(ItemPipelineManager.from_crawler(crawler).middlewares)


HEADERS = {"Content-Type": "text/html; charset=utf-8"}



def run_full(pages, archive_dir: Path):
    from scrapy.http import HtmlResponse

    from crawler.drops import DropArticle
    from crawler.sources.qq import parse_article

    chain = make_pipelines(archive_dir)
    wall, cpu, stage_ms, drops = [], [], {s: [] for s in STAGES}, {}
    clock, cpu_clock = time.perf_counter, time.thread_time
    for url, body, entry in pages:
        t0, c0 = clock(), cpu_clock()
        response = HtmlResponse(url=url, body=body, headers=HEADERS)
        item = parse_article(response, entry)
        marks = [clock()]
        try:
            for pipe in chain:
                item = settled(pipe.process_item(item, None))
                marks.append(clock())
        except DropArticle as exc:
            drops[exc.reason] = drops.get(exc.reason, 0) + 1
        t1, c1 = clock(), cpu_clock()
        wall.append((t1 - t0) * 1000)
        cpu.append((c1 - c0) * 1000)
        if len(marks) == len(chain) + 1 and len(chain) == len(STAGES) - 1:
            stage_ms["parse"].append((marks[0] - t0) * 1000)
            for name, a, b in zip(STAGES[1:], marks, marks[1:]):
                stage_ms[name].append((b - a) * 1000)
    written = sum(1 for _ in archive_dir.rglob("*.md"))
    return wall, cpu, drops, {"stage_ms": stage_ms, "written": written}


def run_floor(pages, archive_dir: Path):
    from scrapy.http import HtmlResponse

    from crawler.sources.qq import parse_article

    class NoOp:
        def process_item(self, item, spider=None):
            return item

    noop = NoOp()
    wall, cpu = [], []
    clock, cpu_clock = time.perf_counter, time.thread_time
    for url, body, entry in pages:
        t0, c0 = clock(), cpu_clock()
        response = HtmlResponse(url=url, body=body, headers=HEADERS)
        noop.process_item(parse_article(response, entry))
        wall.append((clock() - t0) * 1000)
        cpu.append((cpu_clock() - c0) * 1000)
    return wall, cpu, {}, {}


_OLD_TAG = re.compile(r"<[^>]*>")
_OLD_CONTAINERS = 'div[class*="rich_media_content"], div.article-content-wrap, #article-content'


def old_summary(body_html: str) -> str:
    """The old generator's summary (FORMAT.md steps 1-3, zh): tags removed by a regex, cut."""
    text = _OLD_TAG.sub("", body_html)
    if not text:
        return ""
    return text if len(text) < 80 else text[:50] + "..."


def run_old(pages, archive_dir: Path):
    from bs4 import BeautifulSoup
    from markdownify import markdownify

    wall, cpu, drops = [], [], {}
    clock, cpu_clock = time.perf_counter, time.thread_time
    for _url, body, _entry in pages:
        t0, c0 = clock(), cpu_clock()
        soup = BeautifulSoup(body.decode("utf-8"), "html.parser")
        container = soup.select_one(_OLD_CONTAINERS)
        if container is None:
            drops["no_container"] = drops.get("no_container", 0) + 1
        else:
            html = str(container)
            markdownify(html)
            old_summary(html)
        wall.append((clock() - t0) * 1000)
        cpu.append((cpu_clock() - c0) * 1000)
    return wall, cpu, drops, {}


def run_full_nofsync(pages, archive_dir: Path):
    """What-if: `full` with os.fsync a no-op in this child (the code as is has one per file)."""
    import os

    os.fsync = lambda fd: None
    return run_full(pages, archive_dir)


RUNNERS = {"full": run_full, "floor": run_floor, "old": run_old, "full_nofsync": run_full_nofsync}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", choices=sorted(RUNNERS), required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--work", default=None, help="directory for the archive, left in place")
    parser.add_argument("--profile", default=None, help="write a pyinstrument profile (text) here")
    args = parser.parse_args(argv)

    pages, skipped = build_pages(args.limit)
    # Import everything the variant needs before the clock and the RSS baseline.
    if args.variant == "old":
        import bs4  # noqa: F401
        import markdownify  # noqa: F401
    else:
        import scrapy.http  # noqa: F401

        import crawler.sources.qq  # noqa: F401
        import pipelines.archive  # noqa: F401
    # Under --work the archive stays (the benchmark removes its work directory at the end:
    # benchmarks.run.work_dir says why nothing is deleted before).
    archive_dir = Path(tempfile.mkdtemp(prefix=f"offline-{args.variant}-", dir=args.work))
    rss_before = current_rss_mb()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    try:
        started = time.perf_counter()
        wall, cpu, drops, extra = RUNNERS[args.variant](pages, archive_dir)
        loop_s = time.perf_counter() - started
    finally:
        if profiler is not None:
            profiler.stop()
        if args.work is None:
            shutil.rmtree(archive_dir, ignore_errors=True)
    result = {
        "variant": args.variant, "articles": len(pages), "skipped_empty": skipped,
        "wall_ms": wall, "cpu_ms": cpu, "loop_s": loop_s, "drops": drops,
        "rss_before_mb": rss_before, "peak_rss_mb": peak_rss_mb(), **extra,
    }
    if profiler is not None:
        from benchmarks.profile import summarise

        Path(args.profile).write_text(profiler.output_text(unicode=True, color=False, show_all=False),
                                      encoding="utf-8")
        result["profile"] = summarise(profiler.last_session)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

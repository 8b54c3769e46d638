"""`scrapy import-json PATH... [--folder NAME] [-s ARCHIVE_DIR=DIR]`: the old crawler's item files
(list.json `{"data": [...]}`, `.jsonl`, `.jsonl.gz`) into the archive, through the pipelines
of a crawl, then a summary. The command, its spider and its start-item flow are one module
outside crawler/commands and crawler/spiders, so that it is one command (pyproject.toml's
entry point names it with its hyphen) and no spider of `scrapy list`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer

from crawler.archive import SEGMENT
from crawler.commands.crawl import exit_status
from crawler.legacy import LegacyFileError, article_from_legacy, read_legacy_file
from crawler.report import EXIT_ERRORS

START_ITEM_FLOW = "crawler.import_json.StartItemFlow"


class StartItemFlow:
    """Spider middleware of the import: the items of Spider.start() enter the pipelines at most
    CONCURRENT_ITEMS at a time, and a spider closing while some are in flight closes.

    Scrapy takes start() items as fast as start() yields them, so a shutdown found thousands of
    them already handed to the pipelines (and went on writing them); and it checks whether its
    scraper is idle only when a response finishes, so a close that began with start items in
    flight waited for ever (scrapy/scrapy#7029). Here a start item waits for a free place, and
    every finished item re-checks a pending close, or has the engine look for the run's end.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.limit = max(1, crawler.settings.getint("CONCURRENT_ITEMS"))
        self.in_flight = 0
        self.free: defer.Deferred | None = None

    @classmethod
    def from_crawler(cls, crawler):
        flow = cls(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(flow.item_done, signal=signal)
        return flow

    async def process_start(self, start):
        async for item_or_request in start:
            if not isinstance(item_or_request, Request):
                while self.in_flight >= self.limit:
                    self.free = defer.Deferred()
                    await maybe_deferred_to_future(self.free)
                self.in_flight += 1
            yield item_or_request

    def item_done(self, **kwargs):
        self.in_flight = max(0, self.in_flight - 1)
        free, self.free = self.free, None
        if free is not None and not free.called:
            free.callback(None)
        from twisted.internet import reactor

        # After this item's own bookkeeping, which ends when the signal's handlers returned.
        reactor.callLater(0, self.check_closing)

    def check_closing(self) -> None:
        scraper = getattr(self.crawler.engine, "scraper", None)
        slot = getattr(scraper, "slot", None)
        closing = getattr(slot, "closing", None)
        if closing is None:
            # Scrapy looks for the end of a run after each response, else at its heartbeat
            # every 5 s: an import has no response, so it ended up to 5 s after its last item.
            # Its next look is now (a no-op while there is more to do).
            engine_slot = getattr(self.crawler.engine, "_slot", None)
            if engine_slot is not None:
                engine_slot.nextcall.schedule()
            return
        if closing.called:
            return
        if slot.is_idle():
            scraper._check_if_closing()  # noqa: SLF001 - Scrapy's own check, not called for start items
        else:
            from twisted.internet import reactor

            reactor.callLater(0.05, self.check_closing)


class ImportJsonSpider(scrapy.Spider):
    """No request: the files' items come from start(), so they meet exactly the pipelines,
    stats and drop counting of a crawl. Run by the command only (not in `scrapy list`)."""

    name = "import-json"
    # The old items are what they are: their field coverage is reported, not judged.
    custom_settings = {"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "RUN_MIN_COVERAGE": {}}

    def __init__(self, paths=(), folder: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.paths = [Path(p) for p in (paths.split(",") if isinstance(paths, str) else paths)]
        self.folder = folder
        self.file_errors: list[str] = []

    def folder_for(self, path: Path) -> str:
        return self.folder or path.resolve().parent.name

    async def start(self):
        for item in self.items():
            yield item

    def items(self):
        for path in self.paths:
            folder = self.folder_for(path)
            self.crawler.stats.inc_value("import/files")
            try:
                for _position, obj in read_legacy_file(path):
                    self.crawler.stats.inc_value("import/items")
                    yield article_from_legacy(obj, folder)
            except LegacyFileError as exc:
                self.crawler.stats.inc_value("import/bad_files")
                self.file_errors.append(str(exc))
                self.logger.error("%s", exc)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "PATH... [--folder NAME]"

    def short_desc(self) -> str:
        return "Import the old crawler's JSON item files into the archive"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--folder", help="archive folder (default: the name of the directory holding each file)")

    def run(self, args, opts):
        if not args:
            raise UsageError("give at least one PATH")
        if opts.folder is not None and not SEGMENT.fullmatch(opts.folder):
            raise UsageError(f"--folder {opts.folder!r} is not one folder name (letters, digits, _ . -, "
                             "not starting with a dot)", print_help=False)
        settings = self.settings.copy()
        middlewares = dict(settings.getdict("SPIDER_MIDDLEWARES"))
        middlewares[START_ITEM_FLOW] = 0
        settings.set("SPIDER_MIDDLEWARES", middlewares, priority="cmdline")
        crawler = Crawler(ImportJsonSpider, settings)
        self.crawler_process.crawl(crawler, paths=args, folder=opts.folder)
        self.crawler_process.start()
        print(format_summary(crawler.stats.get_stats()))
        # The run's own status (RunReport: 1 for a bad file, 6 when stopped, 7 locked ...).
        self.exitcode = exit_status(crawler, "scrapy import-json")
        stats = crawler.stats.get_stats()
        if self.crawler_process.bootstrap_failed or (stats.get("import/bad_files") and not self.exitcode):
            self.exitcode = EXIT_ERRORS


def format_summary(stats: dict) -> str:
    dropped = {k.removeprefix("article/dropped/"): v for k, v in sorted(stats.items()) if k.startswith("article/dropped/")}
    lines = [
        f"files: {stats.get('import/files', 0)} ({stats.get('import/bad_files', 0)} bad)",
        f"items read: {stats.get('import/items', 0)}",
        f"written: {stats.get('archive/written', 0)}",
        f"skipped as existing: {stats.get('archive/skipped_existing', 0)}",
        f"dropped: {sum(dropped.values())}" + ("".join(f"\n  {reason}: {n}" for reason, n in dropped.items())),
    ]
    return "\n".join(lines)

"""`scrapy crawl` with an exit status that tells whether the run was healthy.

Scrapy's own `crawl` exits 0 even when every request failed. This one (COMMANDS_MODULE's
commands replace Scrapy's built-in ones of the same name) checks the spider's `-a` arguments
first (crawler.arguments), runs the spider as the built-in does, then exits with the status
RunReport decided (docs/exit-statuses.md), deciding it here for a run whose spider never closed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler import arguments, unstarted
from crawler.report import EXIT_ERRORS, EXIT_NAMES, RunReport, write_atomic

logger = logging.getLogger(__name__)


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider of the current project, by name; exit non-zero on an unhealthy run"

    def run(self, args, opts) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        start = dt.datetime.now(dt.timezone.utc)
        crawler = self._create_crawler(args[0])
        try:
            # Before the crawl starts: one line, not the traceback of a failed spider start.
            arguments.check(crawler.spidercls, opts.spargs, crawler.settings)
        except arguments.ArgumentError as exc:
            self.exitcode = EXIT_ERRORS
            not_started(crawler.settings, args[0], f"bad argument: {exc}", start)
            print(f"scrapy crawl {args[0]}: exit status {EXIT_ERRORS} (bad argument): {exc}", file=sys.stderr)
            return
        errors: list[BaseException] = []
        note_start_failure(self.crawler_process.crawl(crawler, **opts.spargs), errors)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_ERRORS
            if crawler.stats is None or crawler.stats.get_value("run/exit_status") is None:
                reason = "could not start" + "".join(f": {type(e).__name__}: {e}" for e in errors[:1])
                not_started(crawler.settings, args[0], reason, start)
                print(f"scrapy crawl {args[0]}: exit status {EXIT_ERRORS} ({EXIT_NAMES[EXIT_ERRORS]}): {reason}",
                      file=sys.stderr)
            return
        self.exitcode = exit_status(crawler, f"scrapy crawl {args[0]}")


def note_start_failure(started, errors: list) -> None:
    """Keep the exception that stopped the crawl from starting (a Deferred's or an asyncio
    Task's), logged here with its traceback rather than left to the loop's "never retrieved"."""
    def keep(exc: BaseException) -> None:
        errors.append(exc)
        logger.error("The crawl could not start", exc_info=(type(exc), exc, exc.__traceback__))

    if hasattr(started, "addErrback"):  # CrawlerProcess
        started.addErrback(lambda failure: keep(failure.value))
    elif hasattr(started, "add_done_callback"):  # AsyncCrawlerProcess
        started.add_done_callback(lambda task: task.cancelled() or task.exception() is None or keep(task.exception()))


def not_started(settings, name: str, reason: str, start: dt.datetime) -> None:
    """A run that never started: its report (RUN_REPORT when set), history file and alert."""
    report = unstarted.unstarted_report(settings, name, reason, start=start)
    path = settings.get("RUN_REPORT")
    if path:
        try:
            write_atomic(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            print(f"scrapy crawl {name}: RUN_REPORT {path} could not be written: {exc.strerror or exc}",
                  file=sys.stderr)
    unstarted.keep_and_alert(settings, report)


def exit_status(crawler, command: str) -> int:
    """The run's status from its RunReport (deciding it now when a forced shutdown left the
    spider unclosed), with its one line on stderr when not 0; 0 when RunReport is disabled
    (Scrapy's behaviour)."""
    runreport = RunReport.of(crawler)
    if runreport is not None:
        runreport.finish_unclosed()
    code = crawler.stats.get_value("run/exit_status") if crawler.stats else None
    if code is None:
        return 0
    code = int(code)
    if code:
        reasons = crawler.stats.get_value("run/exit_reasons") or []
        print(f"{command}: exit status {code} ({EXIT_NAMES.get(code, '?')}): " + "; ".join(reasons),
              file=sys.stderr)
    return code

"""`scrapy crawl` with an exit status that tells whether the run was healthy.

Scrapy's own `crawl` exits 0 even when every request failed. This one (COMMANDS_MODULE's
commands replace Scrapy's built-in ones of the same name) checks the spider's `-a` arguments
first (crawler.arguments), runs the spider as the built-in does, then exits with the status
RunReport decided (docs/exit-statuses.md), deciding it here for a run whose spider never closed.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler import arguments
from crawler.report import EXIT_ERRORS, EXIT_NAMES, RunReport


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider of the current project, by name; exit non-zero on an unhealthy run"

    def run(self, args, opts) -> None:
        if len(args) < 1:
            raise UsageError
        if len(args) > 1:
            raise UsageError("running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        try:
            # Before the crawl starts: one line, not the traceback of a failed spider start.
            arguments.check(crawler.spidercls, opts.spargs, crawler.settings)
        except arguments.ArgumentError as exc:
            print(f"scrapy crawl {args[0]}: exit status {EXIT_ERRORS} (bad argument): {exc}", file=sys.stderr)
            self.exitcode = EXIT_ERRORS
            return
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = EXIT_ERRORS
            return
        self.exitcode = exit_status(crawler, f"scrapy crawl {args[0]}")


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

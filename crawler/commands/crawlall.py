"""`scrapy crawlall`: every enabled source in one process, one run report, one exit status.

    scrapy crawlall [SOURCE ...] [-a NAME=VALUE ...] [-s NAME=VALUE ...] [--list | --list-arguments]

Every source (the project's spiders but `generic`, and the site files) gets its own Crawler of
one CrawlerProcess; the command's status is the worst source's (crawler.report.PRECEDENCE).
Which sources run, their arguments and settings, the report: docs/crawlall.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from scrapy import signals
from scrapy.commands import BaseRunSpiderCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.utils.log import LogCounterHandler

from crawler import arguments, report, unstarted
from crawler.sources import site_file

logger = logging.getLogger(__name__)

NOT_SOURCES = ("generic",)
LOGCOUNT = "scrapy.extensions.logcount.LogCount"
SOURCE_LOGCOUNT = "crawler.commands.crawlall.SourceLogCount"
OWN_PRIORITY = 50  # crawlall's own per-source settings: above every SETTINGS_PRIORITIES (cmdline 40)


def severity(code: int) -> int:
    """Rank of an exit status: 0 is the worst (first of crawler.report.PRECEDENCE); healthy
    is last; an unknown non-zero status ranks with errors."""
    order = list(report.PRECEDENCE)
    if code == report.EXIT_OK:
        return len(order) + 1
    if code in order:
        return order.index(code)
    return order.index(report.EXIT_ERRORS) if report.EXIT_ERRORS in order else len(order)


def worst(codes) -> int:
    codes = list(codes)
    return min(codes, key=severity) if codes else report.EXIT_OK


# ------------ log counting


class _Unattributed:
    """Counts of log lines that name no spider (shared by the crawlers of one run)."""

    counts: dict[str, int] = {}
    handler = None

    @classmethod
    def reset(cls):
        cls.counts = {}


class _UnattributedHandler(logging.Handler):
    def emit(self, record):
        if getattr(record, "spider", None) is None:
            key = record.levelname
            _Unattributed.counts[key] = _Unattributed.counts.get(key, 0) + 1


class _SpiderFilter(logging.Filter):
    def __init__(self, crawler):
        super().__init__()
        self.crawler = crawler

    def filter(self, record):
        spider = getattr(record, "spider", None)
        return spider is not None and spider is getattr(self.crawler, "spider", None)


class SourceLogCount:
    """Scrapy's LogCount for one crawler of many: only lines logged for its own spider."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.handler = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.handler = LogCounterHandler(self.crawler, level=self.crawler.settings.get("LOG_LEVEL"))
        self.handler.addFilter(_SpiderFilter(self.crawler))
        logging.root.addHandler(self.handler)

    def spider_closed(self, spider, reason):
        if self.handler is not None:
            logging.root.removeHandler(self.handler)
            self.handler = None


# ------------ sources


class Source:
    def __init__(self, name: str, kind: str, spidercls, kwargs: dict):
        self.name = name
        self.kind = kind  # "spider" or "site"
        self.spidercls = spidercls
        self.kwargs = kwargs
        self.crawler: Crawler | None = None
        self.settings = None  # its own settings (CRAWLALL_SOURCE_SETTINGS applied)
        self.start_error: str = ""


def available_sources(spider_loader, settings) -> tuple[list[str], dict[str, site_file.SiteConfig]]:
    site_names = set(getattr(spider_loader, "sites", ()))
    spiders = [name for name in sorted(spider_loader.list()) if name not in NOT_SOURCES and name not in site_names]
    sites = {config.name: config for config in site_file.load_sites(settings.get("GENERIC_SITES_DIR"),
                                                                  settings.getdict("SITE_OVERRIDES"))}
    clash = sorted(set(getattr(spider_loader, "clashes", ())) | (set(spiders) & set(sites)))
    if clash:
        raise UsageError(f"site file(s) named like a spider: {', '.join(clash)} (rename the file)", print_help=False)
    return spiders, sites


def select_sources(names: list[str], spiders: list[str], sites: dict, disabled, settings) -> list[str]:
    """The names given, else every spider and every site enabled in `settings` (its `enabled_by`
    secret set counts), less `disabled`."""
    disabled = set(disabled)
    if names:
        unknown = [n for n in names if n not in spiders and n not in sites]
        if unknown:
            raise UsageError(f"unknown source(s): {', '.join(unknown)} (spiders: {', '.join(spiders)}; "
                             f"sites: {', '.join(sorted(sites)) or 'none'})", print_help=False)
        chosen = list(dict.fromkeys(names))
    else:
        chosen = spiders + [name for name, config in sorted(sites.items()) if config.enabled_in(settings)]
    return [n for n in chosen if n not in disabled]


def status(name: str, chosen: list[str], names: list[str], sites: dict, disabled) -> str:
    """`enabled` for a source the command runs, else `disabled: <why>`."""
    if name in chosen:
        return "enabled"
    if name in disabled:
        return "disabled: CRAWLALL_DISABLED"
    if names:
        return "disabled: not in CRAWLALL_SPIDERS"
    return "disabled: " + sites[name].why_disabled()


def listing(name: str, spidercls, config: site_file.SiteConfig | None, state: str) -> list[str]:
    """`<name>\t<kind>\t<language>/<folder>\t<state>`, one line per language/folder it writes
    (a site file's discoveries may write several; the kinds of each pair joined by `+`)."""
    if config is None:
        pairs = {(spidercls.LANGUAGE, spidercls.FOLDER): [spidercls.KIND]}
    else:
        pairs = {}
        for discovery in config.discoveries:
            kinds = pairs.setdefault((discovery.language, discovery.folder), [])
            if discovery.kind not in kinds:
                kinds.append(discovery.kind)
    return [f"{name}\t{'+'.join(kinds)}\t{language}/{folder}\t{state}" for (language, folder), kinds in pairs.items()]


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] [source ...]"

    def short_desc(self) -> str:
        return "Run every enabled source in one process: one run report, the worst source's exit status"

    def long_desc(self) -> str:
        return ("Run the sources named, else CRAWLALL_SPIDERS, else every enabled one (the project's "
                "spiders and the site files of GENERIC_SITES_DIR), less CRAWLALL_DISABLED, in one "
                "process. -s applies to every source, CRAWLALL_SOURCE_SETTINGS to one, -a to the sources "
                "that take it (--list-arguments shows which); --list shows every source; "
                "-s RUN_REPORT=FILE writes one JSON report; the exit status is the worst source's. "
                "Details: docs/crawlall.md; exit statuses: docs/exit-statuses.md.")

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--list", dest="list_only", action="store_true",
                            help="print every source (the named ones), one line per language/folder: name, "
                                 "kind, language/folder, enabled or disabled: reason; run nothing")
        parser.add_argument("--list-arguments", dest="list_arguments", action="store_true",
                            help="print the sources that would run, each with its -a arguments, and exit")

    def run(self, args, opts) -> None:
        assert self.crawler_process
        settings = self.settings
        try:
            spiders, sites = available_sources(self.crawler_process.spider_loader, settings)
        except site_file.ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from None
        names = list(args) or list(settings.getlist("CRAWLALL_SPIDERS"))
        disabled = settings.getlist("CRAWLALL_DISABLED")
        chosen = select_sources(names, spiders, sites, disabled, settings)
        loader = self.crawler_process.spider_loader
        if opts.list_only:
            for name in list(dict.fromkeys(args)) or spiders + sorted(sites):
                state = status(name, chosen, names, sites, disabled)
                for line in listing(name, loader.load(name), sites.get(name), state):
                    print(line)
            return
        classes = {name: loader.load(name) for name in chosen}
        if opts.list_arguments:
            for name in chosen:
                print(f"{name}\t{'site' if name in sites else 'spider'}")
                for line in arguments.describe(classes[name]):
                    print(f"    {line}")
            return
        if not chosen:
            raise UsageError("no source to run (all disabled?)", print_help=False)
        per_source = settings.getdict("CRAWLALL_SOURCE_SETTINGS")
        unknown = sorted(set(per_source) - set(spiders) - set(sites))
        if unknown:
            raise UsageError(f"CRAWLALL_SOURCE_SETTINGS names unknown source(s): {', '.join(unknown)}", print_help=False)

        sources = []
        for name in chosen:
            # Each source gets the -a arguments it declares; one that no source declares goes to
            # every source, which refuses it (a typo fails the run instead of being ignored).
            given = arguments.for_source(classes[name], opts.spargs, classes.values())
            sources.append(Source(name, "site" if name in sites else "spider", classes[name], given))

        _Unattributed.reset()
        unattributed = _UnattributedHandler(level=settings.get("LOG_LEVEL"))
        logging.root.addHandler(unattributed)
        start = dt.datetime.now(dt.timezone.utc)
        try:
            for source in sources:
                self._start(source, per_source.get(source.name) or {})
            self.crawler_process.start()
        finally:
            logging.root.removeHandler(unattributed)
        end = dt.datetime.now(dt.timezone.utc)

        for source in sources:
            # A second SIGTERM/Ctrl-C stopped the reactor before the spiders closed: status 6.
            runreport = report.RunReport.of(source.crawler) if source.crawler and not source.start_error else None
            if runreport is not None:
                runreport.finish_unclosed()
        combined = combined_report(sources, start=start, end=end, unattributed=dict(_Unattributed.counts),
                                   max_errors=settings.getint("RUN_MAX_ERRORS"))
        for source in sources:
            if _stats(source).get("run/exit_status") is None:
                # It never started (no RunReport of its own decided): its section is its
                # history file and its alert.
                unstarted.keep_and_alert(source.settings or settings, combined["sources"][source.name])
        path = settings.get("RUN_REPORT")
        if path:
            try:
                report.write_atomic(path, json.dumps(combined, ensure_ascii=False, indent=2) + "\n")
            except OSError as exc:
                decision = report.ExitDecision(combined["exit_status"]["code"], combined["exit_status"]["reasons"])
                report.report_write_failed(decision, path, exc)
                combined["exit_status"].update(code=decision.code, name=decision.name)
            else:
                logger.info("crawlall: run report written to %s", path)
        self.exitcode = combined["exit_status"]["code"]
        line = ", ".join(f"{name} {s['exit_status']}" for name, s in combined["summary"].items())
        if self.exitcode:
            print(f"scrapy crawlall: exit status {self.exitcode} ({combined['exit_status']['name']}); "
                  f"sources: {line}", file=sys.stderr)
            for reason in combined["exit_status"]["reasons"]:
                print(f"  {reason}", file=sys.stderr)
        else:
            logger.info("crawlall: all %d sources healthy (%s)", len(sources), line)

    def _start(self, source: Source, overrides: dict) -> None:
        settings = self.settings.copy()
        if overrides:
            settings.setdict(dict(overrides), priority="cmdline")
        # One report for all, written here; above "cmdline": CrawlerProcess.crawl(crawler) merges
        # the process's own settings (the -s ones) into the crawler's again, equal priority winning.
        settings.set("RUN_REPORT", None, priority=OWN_PRIORITY)
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions[LOGCOUNT] = None
        extensions[SOURCE_LOGCOUNT] = 0
        settings.set("EXTENSIONS", extensions, priority=OWN_PRIORITY)
        source.settings = settings
        try:
            source.crawler = Crawler(source.spidercls, settings)
            deferred = self.crawler_process.crawl(source.crawler, **source.kwargs)
        except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
            source.start_error = f"{type(exc).__name__}: {exc}"
            logger.error("crawlall: source %s could not start: %s", source.name, source.start_error)
            return

        def failed(failure, source=source):  # noqa: ANN001
            source.start_error = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            logger.error("crawlall: source %s failed: %s", source.name, source.start_error)
            return None

        if hasattr(deferred, "addErrback"):  # a Deferred (CrawlerProcess)
            deferred.addErrback(failed)
        elif hasattr(deferred, "add_done_callback"):  # an asyncio Task (AsyncCrawlerProcess)
            def done(task, source=source):
                if not task.cancelled() and task.exception() is not None:
                    exc = task.exception()
                    source.start_error = f"{type(exc).__name__}: {exc}"
                    logger.error("crawlall: source %s failed: %s", source.name, source.start_error)

            deferred.add_done_callback(done)


def _stats(source: Source) -> dict:
    crawler = source.crawler
    stats = getattr(crawler, "_stats", None) if crawler is not None else None
    return dict(stats.get_stats()) if stats is not None else {}


def _source_report(source: Source, stats: dict, start, end, max_errors: int) -> dict:
    code = stats.get("run/exit_status")
    if source.start_error or code is None:
        reason = source.start_error or "the source did not run to its end (no exit status decided)"
        decision = report.ExitDecision(code=report.EXIT_ERRORS, reasons=[reason])
    else:
        decision = report.ExitDecision(code=int(code), reasons=list(stats.get("run/exit_reasons") or []))
    spider_name = source.name
    section = report.build_report(stats, spider_name, decision, start=stats.get("start_time") or start,
                                  end=stats.get("finish_time") or end, finish_reason=stats.get("finish_reason"),
                                  max_errors=max_errors)
    section["kind"] = source.kind
    if source.start_error:
        section["start_error"] = source.start_error
    return section


def combined_report(sources: list[Source], *, start, end, unattributed: dict, max_errors: int) -> dict:
    sections, summary, reasons = {}, {}, []
    for source in sources:
        stats = _stats(source)
        section = _source_report(source, stats, start, end, max_errors)
        sections[source.name] = section
        status = section["exit_status"]
        summary[source.name] = {
            "kind": source.kind, "exit_status": status["code"], "exit_name": status["name"],
            "discovered": section["discovered"], "requested": section["requested"], "written": section["written"],
            "body_fallbacks": section["body_fallbacks"],
        }
        reasons.extend(f"{source.name}: {r}" for r in status["reasons"])
    codes = {name: s["exit_status"] for name, s in summary.items()}
    code = worst(codes.values())
    unattributed_errors = int(unattributed.get("ERROR", 0))
    if code == report.EXIT_OK and unattributed_errors > max_errors:
        code = report.EXIT_ERRORS
        reasons.append(f"{unattributed_errors} error(s) logged outside any source, more than RUN_MAX_ERRORS={max_errors}")
    worst_sources = [name for name, c in codes.items() if c == code and c != report.EXIT_OK]
    return {
        "command": "crawlall",
        "start_time": report._utc_iso(start),
        "end_time": report._utc_iso(end),
        "duration_seconds": round((end - start).total_seconds(), 3),
        "exit_status": {"code": code, "name": report.EXIT_NAMES.get(code, str(code)), "reasons": reasons,
                        "worst_sources": worst_sources},
        "summary": summary,
        "totals": {
            "sources": len(sources),
            "failed": sum(1 for c in codes.values() if c != report.EXIT_OK),
            "discovered": sum(s["discovered"] for s in summary.values()),
            "requested": sum(s["requested"] for s in summary.values()),
            "written": sum(s["written"] for s in summary.values()),
            "body_fallbacks": sum(s["body_fallbacks"] for s in summary.values()),
        },
        "unattributed": {"log_count": dict(sorted(unattributed.items()))},
        "sources": sections,
    }

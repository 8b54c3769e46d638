"""The run report and the run's exit status, decided once from the crawl stats.

`RunReport` (an extension in EXTENSIONS) is always on: at spider close it decides the exit
status (`decide_exit`, a plain function over the stats dict, unit-tested on its own), puts it
into the stats (`run/exit_status`, `run/exit_name`, `run/exit_reasons`) where the `crawl`
command reads it back, logs it, and, when the setting RUN_REPORT names a path, writes the
JSON run report there atomically (a temporary file beside it, then a rename).

Exit statuses of `scrapy crawl` (crawler/commands/crawl.py):

    0  healthy: the run finished; finding nothing new is healthy
    1  errors: more than RUN_MAX_ERRORS errors (ERROR log lines plus failed downloads that an
       errback handled; a download that fails without errback is one ERROR line), or the
       crawl could not start (Scrapy's own status for a failed bootstrap)
    2  usage: bad command line (Scrapy's own UsageError status)
    3  extraction failure: article pages were fetched but none was written and some were
       dropped for a reason that is not a healthy one (RUN_HEALTHY_DROP_REASONS); the
       message names the field, e.g. "fetched 12 article pages, wrote 0: body missing in 12"
    4  discovery failure: `<spider>/discovery_failed` > 0 and nothing was discovered
    5  replay miss: FIXTURES_REPLAY met a request that the folder does not hold
    6  interrupted: the run was stopped before it finished (finish reason "shutdown",
       e.g. SIGTERM/Ctrl-C)
    7  reserved: another run holds the archive lock (issue 4)
    8  reserved: field coverage below its threshold (issue 4)

When several apply, the status is the first of 5, 6, 4, 3, 1 that applies; the report and the
log list every reason.

Stats read (`<spider>` is the spider's name, so any source can use them):
`<spider>/discovered`, `<spider>/skipped_known`, `<spider>/requested`,
`<spider>/skipped_type/<type>`, `<spider>/discovery_failed`, `archive/written`,
`archive/skipped_existing`, `article/dropped/<reason>`, `log_count/ERROR`,
`downloader/failed*` (crawler.middlewares.FailedDownloads), `downloader/exception_type_count/*`,
`spider_exceptions/*`, `downloader/response_status_count/*`, `fixtures/replay/*`.
Written here: `article/body_fallback[/<kind>]` for scraped items with a non-empty
`body_fallback`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import signals

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_EXTRACTION = 3
EXIT_DISCOVERY = 4
EXIT_REPLAY_MISS = 5
EXIT_INTERRUPTED = 6
EXIT_LOCKED = 7  # reserved for issue 4
EXIT_COVERAGE = 8  # reserved for issue 4

EXIT_NAMES = {
    EXIT_OK: "ok", EXIT_ERRORS: "errors", EXIT_USAGE: "usage", EXIT_EXTRACTION: "extraction_failure",
    EXIT_DISCOVERY: "discovery_failure", EXIT_REPLAY_MISS: "replay_miss",
    EXIT_INTERRUPTED: "interrupted", EXIT_LOCKED: "locked", EXIT_COVERAGE: "coverage",
}
# Which status wins when several apply.
PRECEDENCE = (EXIT_REPLAY_MISS, EXIT_INTERRUPTED, EXIT_DISCOVERY, EXIT_EXTRACTION, EXIT_COVERAGE, EXIT_ERRORS)

DEFAULT_MAX_ERRORS = 0
# Drop reasons that say something about the article, not about our extraction.
# qq's "empty_body" is an article whose container is there but empty with no originContent
# (the "paid or empty" articles); its "no_body" (no known layout) is not healthy.
DEFAULT_HEALTHY_DROP_REASONS = ("removed", "paid", "empty", "empty_body", "duplicate", "too_old", "off_site")
INTERRUPTED_REASONS = ("shutdown", "cancelled")


@dataclass
class ExitDecision:
    code: int = EXIT_OK
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return EXIT_NAMES.get(self.code, str(self.code))

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "reasons": list(self.reasons)}


def _int(stats: dict, key: str) -> int:
    value = stats.get(key)
    return int(value) if isinstance(value, (int, float)) else 0


def _prefixed(stats: dict, prefix: str) -> dict[str, int]:
    return {key[len(prefix):]: int(value) for key, value in sorted(stats.items())
            if key.startswith(prefix) and isinstance(value, (int, float))}


def describe_drop(reason: str) -> str:
    """`missing_body`/`no_body` -> "body missing", `bad_date` -> "date unreadable", `empty_x` ->
    "x empty", else the reason itself."""
    if reason.startswith("missing_"):
        return f"{reason[len('missing_'):]} missing"
    if reason.startswith("no_"):
        return f"{reason[len('no_'):]} missing"
    if reason.startswith("empty_"):
        return f"{reason[len('empty_'):]} empty"
    if reason.startswith("bad_"):
        return f"{reason[len('bad_'):]} unreadable"
    return reason


def count_errors(stats: dict) -> int:
    return _int(stats, "log_count/ERROR") + _int(stats, "downloader/failed_quiet")


def fetched_articles(stats: dict, spider_name: str) -> int:
    key = f"{spider_name}/requested"
    if key in stats:
        return _int(stats, key)
    return _int(stats, "item_scraped_count") + _int(stats, "item_dropped_count")


def decide_exit(stats: dict, spider_name: str, *, max_errors: int = DEFAULT_MAX_ERRORS,
                healthy_drop_reasons=DEFAULT_HEALTHY_DROP_REASONS,
                finish_reason: str | None = None) -> ExitDecision:
    """The exit status of a run from its stats (see the module docstring for the statuses)."""
    found: dict[int, list[str]] = {}

    def fail(code: int, message: str) -> None:
        found.setdefault(code, []).append(message)

    missing = _int(stats, "fixtures/replay/missing")
    if missing:
        urls = stats.get("fixtures/replay/missing_urls") or []
        first = f"; first: {urls[0]}" if urls else ""
        fail(EXIT_REPLAY_MISS, f"replay: {missing} request(s) not recorded in "
                               f"{stats.get('fixtures/replay/folder', 'the fixture folder')}{first}")

    reason = finish_reason if finish_reason is not None else stats.get("finish_reason")
    if reason in INTERRUPTED_REASONS:
        fail(EXIT_INTERRUPTED, f"the run did not finish (finish reason {reason!r})")

    discovery_failed = _int(stats, f"{spider_name}/discovery_failed")
    discovered = _int(stats, f"{spider_name}/discovered")
    if discovery_failed and not discovered:
        fail(EXIT_DISCOVERY, f"discovery failed ({discovery_failed} discovery request(s) failed) "
                             "and nothing was discovered")

    fetched = fetched_articles(stats, spider_name)
    written = _int(stats, "archive/written")
    existing = _int(stats, "archive/skipped_existing")
    dropped = _prefixed(stats, "article/dropped/")
    bad = {r: n for r, n in dropped.items() if r not in set(healthy_drop_reasons)}
    if fetched and not written and not existing and bad:
        detail = ", ".join(f"{describe_drop(r)} in {n}"
                           for r, n in sorted(bad.items(), key=lambda kv: (-kv[1], kv[0])))
        fail(EXIT_EXTRACTION, f"fetched {fetched} article pages, wrote 0: {detail}")

    errors = count_errors(stats)
    if errors > max_errors:
        fail(EXIT_ERRORS, f"{errors} error(s), more than RUN_MAX_ERRORS={max_errors} "
                          f"({_int(stats, 'log_count/ERROR')} logged at ERROR, "
                          f"{_int(stats, 'downloader/failed_quiet')} failed download(s) handled by an errback)")

    decision = ExitDecision()
    for code in PRECEDENCE:
        if code in found:
            if decision.code == EXIT_OK:
                decision.code = code
            decision.reasons.extend(found[code])
    return decision


def _json_safe(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_report(stats: dict, spider_name: str, decision: ExitDecision, *, start: dt.datetime,
                 end: dt.datetime, finish_reason: str | None, max_errors: int) -> dict:
    p = spider_name
    replay = None
    if "fixtures/replay/folder" in stats:
        replay = {
            "folder": stats.get("fixtures/replay/folder"),
            "served": _int(stats, "fixtures/replay/served"),
            "missing": _int(stats, "fixtures/replay/missing"),
            "missing_requests": list(stats.get("fixtures/replay/missing_urls") or []),
            "robots_absent": _int(stats, "fixtures/replay/robots_absent"),
        }
    statuses = {k: v for k, v in _prefixed(stats, "downloader/response_status_count/").items()
                if k.isdigit() and int(k) >= 400}
    return {
        "spider": spider_name,
        "start_time": _utc_iso(start),
        "end_time": _utc_iso(end),
        "duration_seconds": round((end - start).total_seconds(), 3),
        "finish_reason": finish_reason,
        "discovered": _int(stats, f"{p}/discovered"),
        "skipped_known": _int(stats, f"{p}/skipped_known"),
        "skipped_types": _prefixed(stats, f"{p}/skipped_type/"),
        "requested": _int(stats, f"{p}/requested"),
        "written": _int(stats, "archive/written"),
        "skipped_existing": _int(stats, "archive/skipped_existing"),
        "dropped": _prefixed(stats, "article/dropped/"),
        "body_fallbacks": _int(stats, "article/body_fallback"),
        "body_fallbacks_by_kind": _prefixed(stats, "article/body_fallback/"),
        "errors": {
            "counted": count_errors(stats),
            "max": max_errors,
            "log_error": _int(stats, "log_count/ERROR"),
            "log_warning": _int(stats, "log_count/WARNING"),
            "discovery_failed": _int(stats, f"{p}/discovery_failed"),
            "download_failed": _prefixed(stats, "downloader/failed/"),
            "download_failed_quiet": _int(stats, "downloader/failed_quiet"),
            "downloader_exceptions": _prefixed(stats, "downloader/exception_type_count/"),
            "spider_exceptions": _prefixed(stats, "spider_exceptions/"),
            "http_status": statuses,
            "http_ignored": _prefixed(stats, "httperror/response_ignored_status_count/"),
            "retry_max_reached": _int(stats, "retry/max_reached"),
        },
        "replay": replay,
        "exit_status": decision.as_dict(),
        "stats": _json_safe(dict(sorted(stats.items()))),
    }


def write_atomic(path: str | os.PathLike, text: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


class RunReport:
    """Decides the exit status at spider close and writes RUN_REPORT (when set)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.path = settings.get("RUN_REPORT") or None
        self.max_errors = settings.getint("RUN_MAX_ERRORS", DEFAULT_MAX_ERRORS)
        self.healthy = tuple(settings.getlist("RUN_HEALTHY_DROP_REASONS", list(DEFAULT_HEALTHY_DROP_REASONS)))
        self.start = dt.datetime.now(dt.timezone.utc)
        self.decision: ExitDecision | None = None
        self.report: dict | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.start = dt.datetime.now(dt.timezone.utc)

    def item_scraped(self, item, response=None, spider=None):
        try:
            fallback = item.get("body_fallback")
        except Exception:  # noqa: BLE001 - not a dict-like item
            return
        if fallback:
            self.stats.inc_value("article/body_fallback")
            self.stats.inc_value(f"article/body_fallback/{fallback}")

    def spider_closed(self, spider, reason):
        end = dt.datetime.now(dt.timezone.utc)
        stats = dict(self.stats.get_stats())
        self.decision = decide_exit(stats, spider.name, max_errors=self.max_errors,
                                    healthy_drop_reasons=self.healthy, finish_reason=reason)
        self.stats.set_value("run/exit_status", self.decision.code)
        self.stats.set_value("run/exit_name", self.decision.name)
        self.stats.set_value("run/exit_reasons", list(self.decision.reasons))
        if self.decision.code == EXIT_OK:
            logger.info("Run healthy (exit status 0)")
        else:
            for message in self.decision.reasons:
                logger.error("Run failed (exit status %d, %s): %s",
                             self.decision.code, self.decision.name, message)
        self.report = build_report(stats, spider.name, self.decision, start=self.start, end=end,
                                   finish_reason=reason, max_errors=self.max_errors)
        if self.path:
            write_atomic(self.path, json.dumps(self.report, ensure_ascii=False, indent=2) + "\n")
            logger.info("Run report written to %s", self.path)

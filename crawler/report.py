"""The run report and the run's exit status, decided once from the crawl stats.

`RunReport` (an extension, always on) decides the status at spider close with `decide_exit`, a
plain function over the stats dict, puts it into the stats (`run/exit_status`), where the
commands read it back, and writes RUN_REPORT. The statuses, what counts as an error and the
report's keys: docs/exit-statuses.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import signals

from crawler import drops
from crawler import settings as project  # the defaults of the plain functions below

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_EXTRACTION = 3
EXIT_DISCOVERY = 4
EXIT_REPLAY_MISS = 5
EXIT_INTERRUPTED = 6
EXIT_LOCKED = 7
EXIT_COVERAGE = 8

EXIT_NAMES = {
    EXIT_OK: "ok", EXIT_ERRORS: "errors", EXIT_USAGE: "usage", EXIT_EXTRACTION: "extraction_failure",
    EXIT_DISCOVERY: "discovery_failure", EXIT_REPLAY_MISS: "replay_miss",
    EXIT_INTERRUPTED: "interrupted", EXIT_LOCKED: "locked", EXIT_COVERAGE: "coverage",
}
# Which status wins when several apply.
PRECEDENCE = (EXIT_LOCKED, EXIT_REPLAY_MISS, EXIT_INTERRUPTED, EXIT_DISCOVERY, EXIT_EXTRACTION, EXIT_COVERAGE, EXIT_ERRORS)

# "shutdown_forced": a second SIGTERM/Ctrl-C stopped the reactor before the spider closed.
FORCED_REASON = "shutdown_forced"
INTERRUPTED_REASONS = ("shutdown", "cancelled", FORCED_REASON)
LOCKED_REASON = "archive_locked"  # crawler.lock.FINISH_REASON
# No lock, no run (crawler.lock): the lock file cannot be opened, or a folder leads out of the
# archive; the reason is in the stat (crawler.archive_index.REFUSED_REASON, STAT_REFUSED).
REFUSED_REASON = "archive_refused"
STAT_REFUSED = "archive/refused"

# Field coverage: the fields RUN_MIN_COVERAGE may judge.
COVERAGE_FIELDS = ("body", "thumbnail", "author")
# Drop reasons of articles whose page had no body: counted against the body's coverage.
EMPTY_BODY_DROPS = drops.no_body()


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


# The events the error count counts, by kind (the report's "errors.by_kind"): each is one
# stat kept whatever the log level. One failed page is one error: a download given up by
# RetryMiddleware is counted once, not once per "Gave up retrying" and "Error downloading" line.
ERROR_KINDS = {
    "spider_error": "errors/spider_error",  # a callback, errback or start() raised (signal)
    "item_error": "errors/item_error",  # a pipeline raised: disk full, a worker lost ... (signal)
    "download_failed": "downloader/failed",  # an exception after the retries (FailedDownloads)
    "http_gave_up": "downloader/failed_status",  # a 5xx/429 still after the retries (FailedDownloads)
    "http_denied": "{spider}/http_denied",  # a 401/403 (crawler.spiders.base)
    "bad_file": "import/bad_files",  # an unreadable import file (import-json)
    "redis": "distributed/redis_errors",  # Redis unreachable or lost (crawler.distributed)
}


def error_counts(stats: dict, spider_name: str) -> dict[str, int]:
    """The run's errors by kind (ERROR_KINDS), counted from the events' own stats."""
    return {kind: _int(stats, key.format(spider=spider_name)) for kind, key in ERROR_KINDS.items()}


def count_errors(stats: dict, spider_name: str) -> int:
    return sum(error_counts(stats, spider_name).values())


def _errors_detail(counts: dict[str, int]) -> str:
    names = {"spider_error": "spider error(s)", "item_error": "item error(s)",
             "download_failed": "failed download(s)", "http_gave_up": "HTTP error(s) after the retries",
             "http_denied": "access denied (401/403)", "bad_file": "bad import file(s)",
             "redis": "Redis error(s)"}
    return ", ".join(f"{n} {names[kind]}" for kind, n in counts.items() if n)


def _items_reached(stats: dict) -> int:
    """Items that reached the pipelines (written, dropped or failed there)."""
    dropped = max(_int(stats, "item_dropped_count"), sum(_prefixed(stats, "article/dropped/").values()))
    return _int(stats, "item_scraped_count") + dropped + _int(stats, "errors/item_error")


def _failed_articles(stats: dict, spider_name: str, requested: int) -> str | None:
    """The reason when articles were requested and not one came back (every request failed,
    whatever the reason), else None."""
    if (not requested or _int(stats, "archive/written") or _int(stats, "archive/skipped_existing")
            or _items_reached(stats)):
        return None
    forbidden = _int(stats, "robotstxt/forbidden")
    if forbidden >= requested:
        return (f"robots.txt forbids the articles: all {requested} article request(s) refused "
                "(ROBOTSTXT_OBEY), wrote 0")
    parts = []
    failed = _int(stats, f"{spider_name}/page_failed")
    if failed:
        parts.append(f"{failed} failed")
    if forbidden:
        parts.append(f"{forbidden} forbidden by robots.txt")
    for name, n in _prefixed(stats, "downloader/failed/").items():
        parts.append(f"{name} {n}")
    for code, n in _prefixed(stats, "downloader/failed_status/").items():
        parts.append(f"HTTP {code} {n}")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"requested {requested} article page(s), wrote 0: every article request failed{detail}"


def fetched_articles(stats: dict, spider_name: str) -> int:
    key = f"{spider_name}/requested"
    if key in stats:
        return _int(stats, key)
    return _int(stats, "item_scraped_count") + _int(stats, "item_dropped_count")


def _percent(share: float) -> str:
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _empty_body_drops(stats: dict) -> int:
    return sum(_int(stats, f"article/dropped/{reason}") for reason in EMPTY_BODY_DROPS)


def _coverage_base(stats: dict, name: str) -> int:
    """Articles a field's share is taken of: the written ones; for the body also the articles
    dropped for an empty or missing body (a layout change shows there, not in the files)."""
    written = _int(stats, "coverage/written")
    return written + _empty_body_drops(stats) if name == "body" else written


def coverage_of(stats: dict) -> dict:
    """Counts and shares of the written articles with each field non-empty, and fallbacks."""
    fields = {}
    for name in COVERAGE_FIELDS:
        count, base = _int(stats, f"coverage/{name}"), _coverage_base(stats, name)
        fields[name] = {"count": count, "of": base, "share": round(count / base, 4) if base else None}
    return {"written": _int(stats, "coverage/written"), "empty_body_drops": _empty_body_drops(stats),
            "fields": fields, "body_fallbacks": _int(stats, "coverage/body_fallback")}


def coverage_failures(stats: dict, min_coverage: dict = project.RUN_MIN_COVERAGE,
                      min_items: int = project.RUN_COVERAGE_MIN_ITEMS) -> list[str]:
    """One message per field whose coverage is below its threshold (none below min_items)."""
    messages = []
    for name, minimum in min_coverage.items():
        if name not in COVERAGE_FIELDS:
            continue  # RunReport warns about unknown fields when the run starts
        base = _coverage_base(stats, name)
        if not base or base < max(1, int(min_items)):
            continue
        count = _int(stats, f"coverage/{name}")
        share = count / base
        if share < float(minimum):
            if name == "body" and _empty_body_drops(stats):
                what = (f"{base} articles ({_int(stats, 'coverage/written')} written, "
                        f"{_empty_body_drops(stats)} dropped for an empty or missing body)")
            else:
                what = f"{base} written articles"
            messages.append(f"coverage: {name} in {count} of {what} ({_percent(share)}), "
                            f"below RUN_MIN_COVERAGE {_percent(float(minimum))}")
    return messages


def decide_exit(stats: dict, spider_name: str, *, max_errors: int = project.RUN_MAX_ERRORS,
                healthy_drop_reasons=project.RUN_HEALTHY_DROP_REASONS,
                finish_reason: str | None = None, min_coverage: dict = project.RUN_MIN_COVERAGE,
                coverage_min_items: int = project.RUN_COVERAGE_MIN_ITEMS) -> ExitDecision:
    """The exit status of a run from its stats (the statuses: docs/exit-statuses.md); the
    settings' values are the project's unless given."""
    found: dict[int, list[str]] = {}
    if isinstance(stats.get("distributed/run"), dict):
        # A distributed run (crawler.distributed): its outcome (discovered, requested, written,
        # dropped, coverage) is judged over all its processes (one may take an article and
        # another fetch it); the errors stay this process's own.
        stats = {**stats, **stats["distributed/run"]}

    def fail(code: int, message: str) -> None:
        found.setdefault(code, []).append(message)

    reason = finish_reason if finish_reason is not None else stats.get("finish_reason")
    if reason == LOCKED_REASON or _int(stats, "archive/lock/held_by_other"):
        holder = stats.get("archive/lock/holder") or ""
        fail(EXIT_LOCKED, f"another run holds the archive lock {stats.get('archive/lock/file', '')}"
                          + (f" ({holder})" if holder else "") + "; this run did not crawl")

    refused = stats.get(STAT_REFUSED)
    if refused or reason == REFUSED_REASON:
        fail(EXIT_ERRORS, str(refused or "the archive was refused; this run did not crawl"))

    missing = _int(stats, "fixtures/replay/missing")
    if missing:
        urls = stats.get("fixtures/replay/missing_urls") or []
        first = f"; first: {urls[0]}" if urls else ""
        fail(EXIT_REPLAY_MISS, f"replay: {missing} request(s) not recorded in "
                               f"{stats.get('fixtures/replay/folder', 'the fixture folder')}{first}")

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
    # A refused archive dropped the articles itself (unsafe_folder): that is its reason, above.
    if fetched and not written and not existing and bad and not refused:
        detail = ", ".join(f"{drops.describe(r)} in {n}"
                           for r, n in sorted(bad.items(), key=lambda kv: (-kv[1], kv[0])))
        fail(EXIT_EXTRACTION, f"fetched {fetched} article pages, wrote 0: {detail}")

    if EXIT_EXTRACTION not in found and not refused:  # an extraction failure already says the body is missing
        for message in coverage_failures(stats, min_coverage, coverage_min_items):
            fail(EXIT_COVERAGE, message)

    # An interrupted, locked or refused run stopped its requests itself: that is said above.
    if reason not in INTERRUPTED_REASONS and EXIT_LOCKED not in found and not refused:
        message = _failed_articles(stats, spider_name, _int(stats, f"{spider_name}/requested"))
        if message:
            fail(EXIT_ERRORS, message)

    if stats.get("distributed/failed"):  # Redis unreachable or lost: the crawl stopped there
        fail(EXIT_ERRORS, str(stats["distributed/failed"]))

    counts = error_counts(stats, spider_name)
    errors = sum(counts.values())
    if errors > max_errors:
        fail(EXIT_ERRORS, f"{errors} error(s), more than RUN_MAX_ERRORS={max_errors} ({_errors_detail(counts)})")

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


def skipped_of(stats: dict, spider_name: str) -> dict[str, int]:
    """The source's skip counts by their stat's name (`<spider>/skipped_known`, a site file's
    skip rule `count = "skipped_paid"` ...); the by-type counts are `skipped_types`."""
    prefix = f"{spider_name}/"
    return {name: n for name, n in _prefixed(stats, prefix).items()
            if name.startswith("skipped") and "/" not in name}


def images_of(stats: dict) -> dict:
    """What the images stage (pipelines/images.py, IMAGES_STORE) did: articles with images,
    images downloaded, already stored, served from the HTTP cache, failed (by reason), and the
    links rewritten to the stored copies."""
    counts = {name: _int(stats, f"images/{name}")
              for name in ("articles", "downloaded", "uptodate", "cached", "rewritten", "failed")}
    return dict(counts, failed_by_reason=_prefixed(stats, "images/failed/"))


def build_report(stats: dict, spider_name: str, decision: ExitDecision, *, start: dt.datetime,
                 end: dt.datetime, finish_reason: str | None, max_errors: int,
                 min_coverage: dict = project.RUN_MIN_COVERAGE,
                 coverage_min_items: int = project.RUN_COVERAGE_MIN_ITEMS) -> dict:
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
        "scraped": _int(stats, "item_scraped_count"),  # items through every pipeline
        "skipped": skipped_of(stats, p),
        "time_fallbacks": _int(stats, f"{p}/time_fallback"),  # the crawl time stood in
        # A site file's fields served by the page's metadata and the generic extraction where
        # its selectors found nothing (or gave none), and its selectors that found nothing.
        "fallbacks": _prefixed(stats, f"{p}/fallback/"),
        "selector_missed": _prefixed(stats, f"{p}/selector_missed/"),
        "images": images_of(stats),
        "coverage": dict(coverage_of(stats),
                         thresholds=dict(min_coverage),
                         min_items=coverage_min_items,
                         judged=_coverage_base(stats, "body") >= max(1, int(coverage_min_items))),
        "lock": {"file": stats.get("archive/lock/file"),
                 "held_by_other": bool(_int(stats, "archive/lock/held_by_other")),
                 "holder": stats.get("archive/lock/holder")},
        "errors": {
            "counted": count_errors(stats, p),
            "max": max_errors,
            "by_kind": error_counts(stats, p),
            "spider_errors": _prefixed(stats, "errors/spider_error/"),
            "item_errors": _prefixed(stats, "errors/item_error/"),
            "http_gave_up": _prefixed(stats, "downloader/failed_status/"),
            # Lines logged at ERROR at the run's LOG_LEVEL: for reading, not counted.
            "log_error": _int(stats, "log_count/ERROR"),
            "log_warning": _int(stats, "log_count/WARNING"),
            "discovery_failed": _int(stats, f"{p}/discovery_failed"),
            "download_failed": _prefixed(stats, "downloader/failed/"),
            "download_failed_quiet": _int(stats, "downloader/failed_quiet"),
            "article_requests_failed": _int(stats, f"{p}/page_failed"),
            "robots_forbidden": _int(stats, "robotstxt/forbidden"),
            "downloader_exceptions": _prefixed(stats, "downloader/exception_type_count/"),
            "spider_exceptions": _prefixed(stats, "spider_exceptions/"),
            "http_status": statuses,
            "http_ignored": _prefixed(stats, "httperror/response_ignored_status_count/"),
            "retry_max_reached": _int(stats, "retry/max_reached"),
        },
        "replay": replay,
        # A distributed run (crawler.distributed): this process (host, pid), its run and the
        # run-wide figures; `scrapy combine-reports` puts the processes' reports together.
        "distributed": _json_safe(stats.get("distributed/info")),
        "exit_status": decision.as_dict(),
        "stats": _json_safe(dict(sorted(stats.items()))),
    }


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` whole or not at all (a temporary file beside it, then a rename);
    OSError when it cannot be written (no directory can be made, a directory in its place ...)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        # O_NOFOLLOW: a symlink planted at the temporary name is refused, never written through.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.is_file() and not tmp.is_symlink():
            tmp.unlink()


def report_write_failed(decision: ExitDecision, path, exc: OSError) -> str:
    """Fold a RUN_REPORT that could not be written into the decision (status 1 unless a
    status that wins over it already applies); returns the reason."""
    message = f"RUN_REPORT {path} could not be written: {exc.strerror or exc}"
    if decision.code == EXIT_OK:
        decision.code = EXIT_ERRORS
    decision.reasons.append(message)
    return message


class RunReport:
    """Decides the exit status at spider close and writes RUN_REPORT (when set)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.path = settings.get("RUN_REPORT") or None
        self.max_errors = settings.getint("RUN_MAX_ERRORS")
        self.healthy = tuple(settings.getlist("RUN_HEALTHY_DROP_REASONS"))
        self.min_coverage = {str(k): float(v) for k, v in settings.getdict("RUN_MIN_COVERAGE").items()}
        unknown = sorted(set(self.min_coverage) - set(COVERAGE_FIELDS))
        if unknown:
            logger.warning("RUN_MIN_COVERAGE: unknown field(s) %s ignored (known: %s)",
                           ", ".join(unknown), ", ".join(COVERAGE_FIELDS))
        self.coverage_min_items = settings.getint("RUN_COVERAGE_MIN_ITEMS")
        self.start = dt.datetime.now(dt.timezone.utc)
        self.decision: ExitDecision | None = None
        self.report: dict | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    @staticmethod
    def of(crawler) -> "RunReport | None":
        """The crawler's RunReport (None when EXTENSIONS disables it)."""
        extensions = getattr(crawler, "extensions", None)
        for ext in getattr(extensions, "middlewares", ()):
            if isinstance(ext, RunReport):
                return ext
        return None

    def spider_opened(self, spider):
        self.start = dt.datetime.now(dt.timezone.utc)

    # The error count's own events (ERROR_KINDS): counted whatever LOG_LEVEL lets through.
    def _count_error(self, kind: str, failure) -> None:
        self.stats.inc_value(f"errors/{kind}")
        error = getattr(failure, "value", None)
        self.stats.inc_value(f"errors/{kind}/{type(error).__name__ if error is not None else 'unknown'}")

    def spider_error(self, failure, response=None, spider=None):
        self._count_error("spider_error", failure)

    def item_error(self, item, response=None, spider=None, failure=None):
        self._count_error("item_error", failure)

    def item_scraped(self, item, response=None, spider=None):
        try:
            fallback = item.get("body_fallback")
        except Exception:  # noqa: BLE001 - not a dict-like item
            return
        if fallback:
            self.stats.inc_value("article/body_fallback")
            self.stats.inc_value(f"article/body_fallback/{fallback}")
        if item.get("archive_written"):
            self._count_coverage(item, fallback)

    def _count_coverage(self, item, fallback) -> None:
        self.stats.inc_value("coverage/written")
        values = {"body": item.get("body_markdown"), "thumbnail": item.get("thumbnail"),
                  "author": item.get("author")}
        for name, value in values.items():
            if isinstance(value, str) and value.strip():
                self.stats.inc_value(f"coverage/{name}")
        if fallback:
            self.stats.inc_value("coverage/body_fallback")

    def spider_closed(self, spider, reason):
        self._finish(spider, reason)

    def finish_unclosed(self) -> ExitDecision | None:
        """Decide and write the report of a run whose spider never closed (a second SIGTERM
        or Ctrl-C stopped the reactor: finish reason FORCED_REASON, status 6); the commands
        call this once the reactor has stopped. Nothing when the spider closed."""
        spider = getattr(self.crawler, "spider", None)
        if self.decision is not None or spider is None:
            return self.decision
        self.stats.set_value("finish_reason", FORCED_REASON)
        self._finish(spider, FORCED_REASON)
        return self.decision

    def _finish(self, spider, reason):
        end = dt.datetime.now(dt.timezone.utc)
        stats = dict(self.stats.get_stats())
        self.decision = decide_exit(stats, spider.name, max_errors=self.max_errors,
                                    healthy_drop_reasons=self.healthy, finish_reason=reason,
                                    min_coverage=self.min_coverage,
                                    coverage_min_items=self.coverage_min_items)
        self._set_status()
        if self.decision.code == EXIT_OK:
            logger.info("Run healthy (exit status 0)")
        else:
            for message in self.decision.reasons:
                logger.error("Run failed (exit status %d, %s): %s",
                             self.decision.code, self.decision.name, message)
        self.report = build_report(stats, spider.name, self.decision, start=self.start, end=end,
                                   finish_reason=reason, max_errors=self.max_errors,
                                   min_coverage=self.min_coverage,
                                   coverage_min_items=self.coverage_min_items)
        # History and alerts (crawler/signals.py); send_catch_log logs a failing receiver, so
        # none of them can cost the RUN_REPORT file below.
        from crawler.signals import run_report_ready

        self.crawler.signals.send_catch_log(run_report_ready, report=self.report, spider=spider)
        if self.path:
            try:
                write_atomic(self.path, json.dumps(self.report, ensure_ascii=False, indent=2) + "\n")
            except OSError as exc:
                # No report, no healthy run: a nightly job reads its status from this file.
                message = report_write_failed(self.decision, self.path, exc)
                self._set_status()
                logger.error("Run failed (exit status %d, %s): %s", self.decision.code, self.decision.name,
                             message)
            else:
                logger.info("Run report written to %s", self.path)

    def _set_status(self) -> None:
        self.stats.set_value("run/exit_status", self.decision.code)
        self.stats.set_value("run/exit_name", self.decision.name)
        self.stats.set_value("run/exit_reasons", list(self.decision.reasons))

"""The run history: every run's JSON report kept as one file per run and source.

`RunHistory` (EXTENSIONS) writes the report that crawler.report.RunReport built into
RUN_HISTORY_DIR when it is ready (crawler.signals.run_report_ready); `LastErrors` and
`ErrorLines` put the run's last error lines into the stats (`run/last_errors`), so the report
carries them. `scrapy runs` (crawler/commands/runs.py) reads the folder back.
Format, names and guarantees: docs/runs.md.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.signals import run_report_ready

logger = logging.getLogger(__name__)

LAST_ERRORS_STAT = "run/last_errors"
LAST_ERRORS_KEPT = 10  # the report carries the last lines only: the counts are elsewhere in it
LINE_CHARS = 500
# Larger files in the folder are not run reports (a report is tens of kilobytes).
MAX_REPORT_BYTES = 16 * 1024 * 1024


def history_dir(settings) -> Path | None:
    """RUN_HISTORY_DIR as a path (relative: inside ARCHIVE_DIR), or None when empty."""
    value = settings.get("RUN_HISTORY_DIR")
    if not value:
        return None
    path = Path(os.path.expanduser(str(value)))
    return path if path.is_absolute() else Path(settings.get("ARCHIVE_DIR")) / path


def _one_line(text) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= LINE_CHARS else line[:LINE_CHARS - 1] + "…"


def note_error(stats, line: str, when: dt.datetime | None = None) -> None:
    """Append one error line to the run's last error lines (`run/last_errors` in the stats)."""
    moment = (when or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    kept = list(stats.get_value(LAST_ERRORS_STAT) or [])
    kept.append({"at": moment.isoformat(timespec="seconds").replace("+00:00", "Z"), "line": _one_line(line)})
    stats.set_value(LAST_ERRORS_STAT, kept[-LAST_ERRORS_KEPT:])


def _failure_text(failure) -> str:
    exc = getattr(failure, "value", failure)
    return f"{type(exc).__name__}: {exc}"


class LastErrors:
    """Collects the run's last error lines from the events that its error count counts
    (crawler.report.ERROR_KINDS): the signals spider_error (a callback, errback or start()
    raised) and item_error (a pipeline raised); ErrorLines adds the failed downloads. Errors
    that only a source counts (access denied, a bad import file) are in the report's counts
    by kind. From events, never from log lines: the same whatever LOG_LEVEL is."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        return ext

    def spider_error(self, failure, response=None, spider=None):
        where = f" (on {response.url})" if response is not None and getattr(response, "url", None) else ""
        note_error(self.stats, f"spider error: {_failure_text(failure)}{where}")

    def item_error(self, item, response=None, spider=None, failure=None):
        link = item.get("link") if hasattr(item, "get") else None
        note_error(self.stats, f"item error: {_failure_text(failure)}" + (f" ({link})" if link else ""))


class ErrorLines:
    """Downloader middleware beside the engine (after FailedDownloads): what reaches it is
    final, so a failed download (an exception after the retries) and an answer with a retried
    status that RetryMiddleware gave up on (RETRY_HTTP_CODES) become error lines. Counts
    nothing: FailedDownloads does."""

    def __init__(self, stats, settings):
        self.stats = stats
        self.retry_enabled = settings.getbool("RETRY_ENABLED")
        self.retry_codes = frozenset(int(code) for code in settings.getlist("RETRY_HTTP_CODES"))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings)

    def process_response(self, request, response):
        if self.retry_enabled and response.status in self.retry_codes and not request.meta.get("dont_retry"):
            note_error(self.stats, f"HTTP {response.status} after the retries: {request.url}")
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, IgnoreRequest):
            note_error(self.stats, f"download failed: {request.url} ({type(exception).__name__}: {exception})")
        return None


# ------------ writing


def _stamp(report: dict) -> str:
    """The run's UTC start as 20250310T031700Z (now when the report has none)."""
    try:
        start = dt.datetime.fromisoformat(str(report.get("start_time")).replace("Z", "+00:00"))
        if start.tzinfo is None:
            raise ValueError
    except ValueError:
        start = dt.datetime.now(dt.timezone.utc)
    return start.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _safe(name: str) -> str:
    """A source name as one harmless file name part."""
    text = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(name)).strip(".-")
    return text[:80] or "run"


def history_name(report: dict, pid: int, attempt: int = 0) -> str:
    suffix = f"-{attempt + 1}" if attempt else ""
    return f"{_stamp(report)}_{_safe(report.get('spider', ''))}_{pid}{suffix}.json"


def write_run(directory: str | os.PathLike, report: dict) -> Path:
    """Write one run's report as a new file in `directory` (made if missing; itself no
    symlink), atomically: a hidden temporary file (O_EXCL, O_NOFOLLOW), flushed, hard-linked to
    its name, which is never replaced (a name taken, even by a symlink, gets a suffix)."""
    folder = Path(directory)
    data = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    os.makedirs(folder, exist_ok=True)
    dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        tmp = f".{history_name(report, os.getpid())}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=dfd)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            for attempt in range(100):
                name = history_name(report, os.getpid(), attempt)
                try:
                    os.link(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
                except FileExistsError:
                    continue
                os.fsync(dfd)
                return folder / name
            raise FileExistsError(f"{folder}: no free name for {history_name(report, os.getpid())}")
        finally:
            try:
                os.unlink(tmp, dir_fd=dfd)
            except OSError:
                pass
    finally:
        os.close(dfd)


def keep_run(settings, report: dict) -> Path | None:
    """Write `report` into RUN_HISTORY_DIR now (a run without a crawler: one that never
    started); the file, or None when there is no history or it cannot be written (logged)."""
    directory = history_dir(settings)
    if directory is None:
        return None
    try:
        written = write_run(directory, report)
    except OSError as exc:
        logger.warning("Run history not written to %s: %s", directory, exc)
        return None
    logger.info("Run report kept in the run history: %s", written)
    return written


class RunHistory:
    """Keeps every run's report in RUN_HISTORY_DIR (off when the setting is empty).

    A history that cannot be written (a full disk, no permission) is one WARNING line and the
    stat `run_history/write_failed`: the exit status says whether the run did its job, the
    archive, and was decided before; RUN_REPORT is written all the same (docs/runs.md)."""

    def __init__(self, crawler, directory: Path):
        self.crawler = crawler
        self.directory = directory
        self.written: Path | None = None

    @classmethod
    def from_crawler(cls, crawler):
        directory = history_dir(crawler.settings)
        if directory is None:
            raise NotConfigured  # no message: Scrapy would log one at WARNING
        ext = cls(crawler, directory)
        crawler.signals.connect(ext.report_ready, signal=run_report_ready)
        return ext

    def report_ready(self, report, spider=None):
        try:
            self.written = write_run(self.directory, report)
        except OSError as exc:
            self.crawler.stats.inc_value("run_history/write_failed")
            logger.warning("Run history not written to %s: %s", self.directory, exc, extra={"spider": spider})
            return
        logger.info("Run report kept in the run history: %s", self.written, extra={"spider": spider})


# ------------ reading


def _int(value) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _float(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _text(value) -> str:
    return value if isinstance(value, str) else ("" if value is None else json.dumps(value, ensure_ascii=False))


@dataclass
class Run:
    """What the table and the page show of one run report (read defensively: the folder may
    hold hand-written or damaged files)."""

    source: str
    start: dt.datetime
    file: str
    status: int = 0
    status_name: str = ""
    reasons: list[str] = field(default_factory=list)
    written: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    duration: float | None = None
    coverage: dict[str, float | None] = field(default_factory=dict)  # field -> share (None: no base)
    thresholds: dict[str, float] = field(default_factory=dict)
    judged: bool = False
    last_errors: list[dict] = field(default_factory=list)  # {"at", "line"}

    @property
    def night(self) -> dt.date:
        return self.start.date()

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())

    @classmethod
    def from_report(cls, data, file: str) -> "Run":
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        source = data.get("spider")
        if not isinstance(source, str) or not source:
            raise ValueError('no "spider" name')
        try:
            start = dt.datetime.fromisoformat(str(data.get("start_time")).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError('no readable "start_time"') from None
        if start.tzinfo is None:
            raise ValueError('"start_time" without a time zone')
        start = start.astimezone(dt.timezone.utc)
        status = data.get("exit_status")
        if not isinstance(status, dict) or not isinstance(status.get("code"), int):
            raise ValueError('no "exit_status" code')
        errors = data.get("errors") if isinstance(data.get("errors"), dict) else {}
        dropped = data.get("dropped") if isinstance(data.get("dropped"), dict) else {}
        coverage = data.get("coverage") if isinstance(data.get("coverage"), dict) else {}
        fields = coverage.get("fields") if isinstance(coverage.get("fields"), dict) else {}
        thresholds = coverage.get("thresholds") if isinstance(coverage.get("thresholds"), dict) else {}
        stats = data.get("stats") if isinstance(data.get("stats"), dict) else {}
        last = stats.get(LAST_ERRORS_STAT) if isinstance(stats.get(LAST_ERRORS_STAT), list) else []
        return cls(
            source=source, start=start, file=file,
            status=status["code"], status_name=_text(status.get("name")),
            reasons=[_text(r) for r in status.get("reasons") or [] if r is not None]
            if isinstance(status.get("reasons"), list) else [],
            written=_int(data.get("written")),
            dropped={str(k): _int(v) for k, v in dropped.items() if _int(v)},
            errors=_int(errors.get("counted")),
            errors_by_kind={str(k): _int(v) for k, v in (errors.get("by_kind") or {}).items() if _int(v)}
            if isinstance(errors.get("by_kind"), dict) else {},
            duration=_float(data.get("duration_seconds")),
            coverage={str(k): _float(v.get("share")) for k, v in fields.items() if isinstance(v, dict)},
            thresholds={str(k): t for k, v in thresholds.items() if (t := _float(v)) is not None},
            judged=bool(coverage.get("judged")),
            last_errors=[{"at": _text(e.get("at")), "line": _text(e.get("line"))} for e in last if isinstance(e, dict)],
        )


def load_runs(directory: str | os.PathLike) -> tuple[list[Run], list[str]]:
    """Every run report in `directory`, oldest first, and one line per file that is not one.
    Hidden files (temporary ones) and symlinks are left out."""
    folder = Path(directory)
    runs, problems = [], []
    for name in sorted(os.listdir(folder)):
        if name.startswith(".") or not name.endswith(".json"):
            continue
        path = folder / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as exc:
            what = "a symbolic link" if exc.errno == errno.ELOOP else exc.strerror or exc
            problems.append(f"{name}: not read ({what})")
            continue
        try:
            with os.fdopen(fd, "rb") as fh:
                raw = fh.read(MAX_REPORT_BYTES + 1)
            if len(raw) > MAX_REPORT_BYTES:
                raise ValueError(f"larger than {MAX_REPORT_BYTES} bytes")
            runs.append(Run.from_report(json.loads(raw.decode("utf-8")), name))
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
            problems.append(f"{name}: not a run report ({exc})")
    runs.sort(key=lambda run: (run.start, run.source, run.file))
    return runs, problems


def select_runs(runs: list[Run], *, last: int, sources: list[str] | None = None) -> list[Run]:
    """The runs of the last `last` nights (UTC dates on which a run started) of the sources."""
    if sources:
        wanted = set(sources)
        runs = [run for run in runs if run.source in wanted]
    nights = sorted({run.night for run in runs})[-last:] if last > 0 else []
    keep = set(nights)
    return [run for run in runs if run.night in keep]

"""The archive lock: two runs on the same archive never overlap (exit status 7), and a run that
cannot take it does not run. A kernel flock on a hidden file of ARCHIVE_DIR, so a killed run
leaves no stale lock; shared between the crawlers of one process, and among the processes of a
distributed run. How and why: docs/workers.md.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import logging
import os
import socket
import stat
import threading
from pathlib import Path

from scrapy import signals

from crawler.archive_index import REFUSED_REASON, STAT_REFUSED, archive_problems, remove_leftovers
from crawler.distributed import redis_url
from scrapy.exceptions import CloseSpider, NotConfigured

logger = logging.getLogger(__name__)

FINISH_REASON = "archive_locked"
STAT_LOCKED = "archive/lock/held_by_other"
STAT_HOLDER = "archive/lock/holder"
STAT_FILE = "archive/lock/file"

# path -> [fd, count of crawlers of this process holding it]
_held: dict[str, list[int]] = {}
_guard = threading.Lock()


class LockHeld(Exception):
    """Another process holds the archive lock; the message says who, as far as known."""

    def __init__(self, path: str, holder: str):
        super().__init__(f"another run holds the archive lock {path}" + (f" ({holder})" if holder else ""))
        self.path = path
        self.holder = holder


class LockFailed(Exception):
    """The lock file cannot be opened or locked (not: held by another run); the message says
    which file and why, in one line."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"cannot take the archive lock {path}: {reason}")
        self.path = path
        self.reason = reason


def _open_lock_file(key: str) -> int:
    """The lock file's descriptor: never through a symlink at its name, a regular file only."""
    try:
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LockFailed(key, "it is a symlink (never followed)") from None
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != key else ""
        raise LockFailed(key, f"{exc.strerror or exc}{where}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LockFailed(key, "it is not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def lock_path(archive_dir: str | os.PathLike, name: str) -> Path:
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"ARCHIVE_LOCK_FILE must be a plain file name, got {name!r}")
    return Path(archive_dir).resolve() / name


def _holder_text(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 512).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def acquire(path: str | os.PathLike, shared: bool = False) -> str:
    """Take the lock (shared with other crawlers of this process; with `shared`, also with
    other processes that take it shared); raise LockHeld if another process holds it
    otherwise, LockFailed if the lock file cannot be opened or locked. Returns the lock file's
    path as a string (the key for release())."""
    path = Path(path)
    key = str(path)
    with _guard:
        if key in _held:
            _held[key][1] += 1
            return key
        fd = _open_lock_file(key)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder_text(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise LockHeld(key, holder) from None
            raise LockFailed(key, exc.strerror or str(exc)) from None
        started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        info = f"{'a distributed run, ' if shared else ''}pid {os.getpid()} on {socket.gethostname()}, started {started}\n"
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.encode("utf-8"), 0)
        except OSError:
            pass  # the lock is what matters; the text is only informative
        _held[key] = [fd, 1]
        return key


def release(key: str) -> None:
    with _guard:
        entry = _held.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _held[key]
        fd = entry[0]
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class ArchiveLock:
    """Extension: the archive lock for the duration of the crawl (docs/workers.md)."""

    def __init__(self, crawler, path: Path):
        self.crawler = crawler
        self.path = path
        self.key: str | None = None
        self.shared = False  # a distributed run: one lock per process, taken shared

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_LOCK"):
            raise NotConfigured("ARCHIVE_LOCK is off")
        path = lock_path(settings.get("ARCHIVE_DIR"), settings.get("ARCHIVE_LOCK_FILE"))
        ext = cls(crawler, path)
        ext.shared = bool(redis_url(settings))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        stats = self.crawler.stats
        first = str(self.path) not in _held  # not yet held by another crawler of this process
        try:
            self.key = acquire(self.path, shared=self.shared)
        except LockHeld as exc:
            # Logged once, by RunReport, from these stats (exit status 7).
            stats.set_value(STAT_LOCKED, 1)
            stats.set_value(STAT_HOLDER, exc.holder)
            stats.set_value(STAT_FILE, exc.path)
            raise CloseSpider(FINISH_REASON) from None
        except LockFailed as exc:
            # No lock, no run (exit status 1; logged once, by RunReport, from these stats).
            stats.set_value(STAT_FILE, exc.path)
            stats.set_value(STAT_REFUSED, str(exc))
            raise CloseSpider(REFUSED_REASON) from None
        stats.set_value(STAT_FILE, str(self.path))
        logger.info("Archive lock taken: %s", self.path)
        if first:
            # Before anything is written or removed: no folder may lead out of the archive.
            problems = archive_problems(self.path.parent)
            if problems:
                release(self.key)
                self.key = None
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                stats.set_value(STAT_REFUSED, problems[0] + more)
                raise CloseSpider(REFUSED_REASON)
            # Only now is no other run writing: temporary files of a killed run can go. (Not
            # when a crawler of this process took the lock before: its files are in flight;
            # nor in a distributed run: its founder sweeps, crawler.distributed.)
            removed = 0 if self.shared else remove_leftovers(self.path.parent)
            if removed:
                stats.set_value("archive/leftovers_removed", removed)
                logger.info("Removed %d temporary file(s) left by a killed run", removed)

    def spider_closed(self, spider, reason=None):
        if self.key is not None:
            release(self.key)
            self.key = None

"""Files that appear whole or not at all, never over another file, flushed to disk in groups:
a hidden temporary file, one syncfs for the files that arrive together, then link(2) to the
name. Why and what it does not give: docs/workers.md.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from crawler.archive import temp_name


def _load_syncfs():
    """libc's syncfs(2), or None where there is none (not Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int
    return syncfs


def _unlink(path: Path) -> None:
    """Remove a temporary name, at best: one left behind (a file system gone read-only) is
    hidden from Hugo and removed by the next run (crawler.archive_index.remove_leftovers), and
    raising here would hide the error that matters or fail a file that was written."""
    try:
        os.unlink(path)
    except OSError:
        pass


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _create(path: Path):
    """A new file for writing text; never an existing name, never through a symlink."""
    return open(os.open(path, _NEW_FILE, 0o666), "w", encoding="utf-8", newline="\n")


def write_temporary(target: Path, text: str, *, flush: bool) -> Path:
    """`text` in a new hidden temporary file beside `target` (its folder made if missing);
    with `flush`, on disk when this returns."""
    tmp = target.parent / temp_name(target.name)
    try:
        fh = _create(tmp)
    except FileNotFoundError:  # the folder is new (or was removed meanwhile)
        target.parent.mkdir(parents=True, exist_ok=True)
        fh = _create(tmp)
    try:
        with fh:
            fh.write(text)
            if flush:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def give_name(tmp: Path, target: Path) -> bool:
    """Link the (durable) temporary file to its name, never over an existing file, and remove
    the temporary name. False when the name was taken."""
    try:
        try:
            # link(2) creates `target` itself: a symlink (even a dangling one) there is a taken
            # name (EEXIST), never followed.
            os.link(tmp, target, follow_symlinks=False)
        except FileExistsError:
            return False
        except OSError:
            # File systems without hard links: a rename that refuses to replace (checked just
            # before, a symlink counting as a name; the window is tiny and the nightly run's
            # lock keeps two runs apart).
            if os.path.lexists(target):
                return False
            os.rename(tmp, target)
        return True
    finally:
        _unlink(tmp)


@dataclass
class _Group:
    files: list[tuple[Path, Path, asyncio.Future]] = field(default_factory=list)
    directories: dict[Path, int] = field(default_factory=dict)  # folder -> open descriptor


def _close_directories(group: _Group) -> None:
    directories, group.directories = group.directories, {}
    for fd in directories.values():
        os.close(fd)


def _settle(future: asyncio.Future, *, result=None, exception: BaseException | None = None) -> None:
    if future.done():  # its writer was cancelled
        return
    if exception is not None:
        future.set_exception(exception)
    else:
        future.set_result(result)


class DurableFiles:
    def __init__(self):
        self._group = _Group()
        self._flushing = False
        self._task: asyncio.Task | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._syncfs = _load_syncfs()
        self.flushes = 0  # groups flushed (for tests and the curious)

    def create_now(self, target: Path, text: str) -> bool:
        """Write, flush and name one file at once; False when `target` exists."""
        return give_name(write_temporary(target, text, flush=True), target)

    async def create(self, target: Path, text: str) -> bool:
        """Write `text` as `target`, durable before it has its name; False when it exists."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self.create_now(target, text)
        group = self._group
        folder = target.parent
        if folder not in group.directories:
            folder.mkdir(parents=True, exist_ok=True)
            group.directories[folder] = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        tmp = write_temporary(target, text, flush=False)
        future = loop.create_future()
        group.files.append((tmp, target, future))
        if not self._flushing:
            self._flushing = True
            # Kept, so that the task is not collected while it runs.
            self._task = loop.create_task(self._flush_groups())
        return await future

    def _make_durable(self, group: _Group) -> None:
        """In the flush thread: the group's files on disk (one syncfs a file system); the
        group's directory descriptors closed here, by the thread that uses them (a flush
        cancelled meanwhile must not close them under it)."""
        try:
            self._flush(group)
        finally:
            _close_directories(group)

    def _flush(self, group: _Group) -> None:
        if self._syncfs is not None:
            devices = set()
            for fd in group.directories.values():
                device = os.fstat(fd).st_dev
                if device not in devices:
                    devices.add(device)
                    if self._syncfs(fd) != 0:
                        error = ctypes.get_errno()
                        raise OSError(error, f"syncfs: {os.strerror(error)}")
            return
        for tmp, _target, _future in group.files:
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    async def _flush_groups(self) -> None:
        loop = asyncio.get_running_loop()
        group = None
        try:
            while self._group.files:
                # Yield once, so that the files already on their way join this group.
                await asyncio.sleep(0)
                group, self._group = self._group, _Group()
                if self._thread is None:
                    self._thread = ThreadPoolExecutor(1, thread_name_prefix="archive-flush")
                try:
                    work = loop.run_in_executor(self._thread, self._make_durable, group)
                except BaseException:
                    _close_directories(group)
                    raise
                try:
                    await work
                    error = None
                    self.flushes += 1
                except Exception as exc:
                    error = exc
                for tmp, target, future in group.files:
                    if error is not None:
                        _unlink(tmp)
                        _settle(future, exception=error)
                        continue
                    try:
                        _settle(future, result=give_name(tmp, target))
                    except OSError as exc:
                        _settle(future, exception=exc)
                group = None
        except BaseException as exc:
            # Whatever broke the loop itself: no writer may wait for ever on a file of the
            # group in hand or of the next one; each gets the error (and Scrapy logs it).
            error = exc if isinstance(exc, Exception) else RuntimeError(f"archive flush stopped: {exc!r}")
            for pending in (group, self._group):
                if pending is None:
                    continue
                for tmp, _target, future in pending.files:
                    _unlink(tmp)
                    _settle(future, exception=error)
            # The next group's descriptors (the one in hand is the flush thread's to close).
            _close_directories(self._group)
            self._group = _Group()
            if not isinstance(exc, Exception):
                raise  # cancelled, interrupted: the loop's business; an error went to the writers
        finally:
            self._flushing = False

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        _close_directories(self._group)
        self._group = _Group()

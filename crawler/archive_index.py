"""What the archive already holds: the state of incremental runs; and where it may be written.

The archive is append-only and its file names are the articles' ids (or md5 names), so the
names in a folder say which articles are known. A folder is listed once, lazily, with
os.listdir (names only, no file is opened), which keeps a 100,000-file archive cheap.

The archive is a git checkout whose content we do not fully control: a folder (language,
`news`, source folder) that is a symlink leading out of ARCHIVE_DIR is never written through,
and the run is refused (`folder_problem`, docs/nightly.md "Writes stay inside the archive").
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import stat
from pathlib import Path

from crawler.archive import LANGUAGES, TEMP_FILE, _clean_id, id_key, is_archive_name

logger = logging.getLogger(__name__)

# A run that must not touch its archive (lock unusable, a folder leading out of the archive)
# ends with this finish reason; the stat holds the reason as one line (crawler.report).
REFUSED_REASON = "archive_refused"
STAT_REFUSED = "archive/refused"


# The closing link `[label](url)` is the file's last line; 4 KiB from the end holds it.
_TAIL_BYTES = 4096
_CLOSING_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]*)\)\s*$")


def closing_link(path: str | os.PathLike) -> str | None:
    """The link of an archive file's closing line, read from the end of the file only (None
    for anything but a regular file: a FIFO or /dev/zero behind a name must not hang a run)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        tail = os.pread(fd, _TAIL_BYTES, max(0, info.st_size - _TAIL_BYTES)).decode("utf-8", "ignore")
    finally:
        os.close(fd)
    m = _CLOSING_LINK.search(tail)
    return m.group(1) if m else None


# Articles that made no file for a lasting reason (removed, paid): one line each, so that the
# next night does not request them again. A hidden name: Hugo ignores it.
DROP_LEDGER = ".dropped.tsv"


def _inside(path: str, root: str) -> bool:
    """Is the (real) path the (real) root or below it?"""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def directory_problem(root: str | os.PathLike, *parts: str) -> str | None:
    """Why the directory `root/<parts...>` must not be written through, or None: one of its
    directories below the root is a symlink leading out of the archive (a symlink to another
    place inside is the archive's own business). Missing directories are no problem."""
    real_root = os.path.realpath(root)
    relative = ""
    for part in parts:
        relative = os.path.join(relative, part)
        path = os.path.join(real_root, relative)
        if os.path.islink(path):
            target = os.path.realpath(path)
            if not _inside(target, real_root):
                return f"archive folder {relative} is a symlink leading out of the archive (to {target})"
    target = os.path.realpath(os.path.join(real_root, relative))
    if not _inside(target, real_root):  # whatever else leads out
        return f"archive folder {relative} leads out of the archive (to {target})"
    return None


def folder_problem(root: str | os.PathLike, language: str, folder: str) -> str | None:
    """Why the archive folder `<language>/news/<folder>` must not be written, or None: it
    leads out of the archive (directory_problem), or its drop ledger is not a regular file."""
    problem = directory_problem(root, language, "news", folder)
    if problem:
        return problem
    ledger = os.path.join(os.path.realpath(root), language, "news", folder, DROP_LEDGER)
    try:
        mode = os.lstat(ledger).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(mode):
        return None
    kind = "a symlink" if stat.S_ISLNK(mode) else "not a regular file"
    return f"drop ledger {language}/news/{folder}/{DROP_LEDGER} is {kind}"


def archive_problems(root: str | os.PathLike) -> list[str]:
    """folder_problem() of every folder of the archive's languages, and of the language and
    `news` directories themselves: checked once when a run starts (crawler.lock)."""
    problems = []
    for language in LANGUAGES:
        problem = directory_problem(root, language, "news")
        if problem:
            problems.append(problem)
            continue
        try:
            folders = sorted(os.listdir(os.path.join(root, language, "news")))
        except OSError:  # none yet, or not a directory (then nothing can be written there)
            continue
        for folder in folders:
            problem = folder_problem(root, language, folder) if not folder.startswith(".") else None
            if problem:
                problems.append(problem)
    return problems


def refuse_run(crawler, message: str) -> None:
    """Stop a running crawl that must not write its archive: the reason goes into the stats
    (STAT_REFUSED, the first one kept) and the spider closes with REFUSED_REASON."""
    stats = crawler.stats
    if stats is not None and not stats.get_value(STAT_REFUSED):
        stats.set_value(STAT_REFUSED, message)
    close_soon(crawler, REFUSED_REASON)


def close_soon(crawler, reason: str) -> None:
    """Close the crawler's running spider with `reason`, from a pipeline or a signal handler
    (nothing when no spider or no event loop runs)."""
    engine = getattr(crawler, "engine", None)
    if engine is None or getattr(engine, "spider", None) is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    # Kept, so that the task is not collected while it runs.
    crawler.closing_task = loop.create_task(engine.close_spider_async(reason=reason))


def remove_folder_leftovers(directory: str | os.PathLike) -> int:
    """Remove the temporary files of killed runs in one folder; returns how many."""
    try:
        names = os.listdir(directory)  # names only: no DirEntry for each of 100,000 files
    except (FileNotFoundError, NotADirectoryError):
        return 0
    removed = 0
    for name in names:
        if name[0] == "." and TEMP_FILE.match(name):
            try:
                os.unlink(os.path.join(directory, name))
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def remove_leftovers(root: str | os.PathLike) -> int:
    """Remove the temporary files of killed runs in every folder of the archive (call it only
    while holding the archive lock); returns how many were removed. A folder leading out of
    the archive is not swept: nothing outside ARCHIVE_DIR is removed."""
    real_root = os.path.realpath(root)
    return sum(remove_folder_leftovers(directory) for directory in Path(root).glob("*/news/*")
               if _inside(os.path.realpath(directory), real_root))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class ArchiveIndex:
    def __init__(self, root: str | os.PathLike, on_refuse=None):
        self.root = Path(root)
        self._folders: dict[tuple[str, str], set[str]] = {}
        self._links: dict[tuple[str, str], set[str]] = {}
        self._dropped: dict[tuple[str, str], set[str]] = {}
        self._problems: dict[tuple[str, str], str | None] = {}
        # Called with the reason when a folder must not be written (a crawl: refuse_run).
        self.on_refuse = on_refuse

    @classmethod
    def for_crawler(cls, crawler) -> "ArchiveIndex":
        """The crawl's one index of ARCHIVE_DIR, shared by the spider, the archive writer and
        the drop counter, so that each folder is listed once per run."""
        root = Path(crawler.settings.get("ARCHIVE_DIR")).resolve()
        index = getattr(crawler, "archive_index", None)
        if index is None or index.root != root:
            index = crawler.archive_index = cls(root, on_refuse=lambda message: refuse_run(crawler, message))
        return index

    def folder_problem(self, language: str, folder: str) -> str | None:
        """folder_problem() of a folder, checked once per run; the first time a folder has a
        problem, on_refuse is told."""
        key = (language, folder)
        if key not in self._problems:
            problem = self._problems[key] = folder_problem(self.root, language, folder)
            if problem:
                logger.debug("Archive folder refused: %s", problem)
                if self.on_refuse is not None:
                    self.on_refuse(problem)
        return self._problems[key]

    def folder_path(self, language: str, folder: str) -> Path:
        return self.root / language / "news" / folder

    def _keys(self, language: str, folder: str) -> set[str]:
        key = (language, folder)
        keys = self._folders.get(key)
        if keys is None:
            keys = self._folders[key] = self._scan(language, folder)
        return keys

    def _scan(self, language: str, folder: str) -> set[str]:
        directory = self.folder_path(language, folder)
        suffix = f".{language}.md"
        keys: set[str] = set()
        try:
            # Names only (os.listdir, not scandir: no DirEntry for each of 100,000 files).
            names = os.listdir(directory)
        except FileNotFoundError:
            return keys
        add = keys.add
        for name in names:
            # Temporary files (hidden, `.tmp`) are not articles; those of killed runs are
            # removed by remove_leftovers() once the archive lock is held (crawler.lock).
            if is_archive_name(name):
                add(id_key(name[: -len(suffix)] if name.endswith(suffix) else name[:-3]))
        return keys

    def contains_name(self, language: str, folder: str, name: str, *, include_dropped: bool = True) -> bool:
        """Is an article of this file name (or its other qq id form) in the archive, or
        (include_dropped) remembered as dropped for a lasting reason?"""
        suffix = f".{language}.md"
        stem = name[: -len(suffix)] if name.endswith(suffix) else name
        key = id_key(stem)
        return key in self._keys(language, folder) or (include_dropped and key in self._dropped_keys(language, folder))

    def _dropped_keys(self, language: str, folder: str) -> set[str]:
        key = (language, folder)
        keys = self._dropped.get(key)
        if keys is None:
            keys = self._dropped[key] = set()
            if self.folder_problem(language, folder):
                return keys  # the run is refused; nothing is read through a symlink
            try:
                fd = os.open(self.folder_path(language, folder) / DROP_LEDGER,
                             os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            except FileNotFoundError:
                return keys
            with open(fd, encoding="utf-8") as fh:
                for line in fh:
                    fields = line.rstrip("\n").split("\t")
                    keys.update(f for f in fields[:2] if f)  # id key, link
        return keys

    def record_drop(self, language: str, folder: str, article_id, link: str, reason: str) -> None:
        """Remember an article that makes no file for a lasting reason (appended, one short
        line per write, so concurrent appends do not interleave)."""
        stem = _clean_id(article_id)
        if self.folder_problem(language, folder):
            return  # never written through a symlink; the run is refused (on_refuse)
        keys = self._dropped_keys(language, folder)
        if (stem and id_key(stem) in keys) or (not stem and link in keys):
            return
        directory = self.folder_path(language, folder)
        directory.mkdir(parents=True, exist_ok=True)
        line = "\t".join((id_key(stem) if stem else "", _one_line(link), reason)) + "\n"
        # O_NOFOLLOW: a symlink put in the ledger's place since the folder was checked is not
        # followed (ELOOP); one write() of one short line, so concurrent appends do not mix.
        fd = os.open(directory / DROP_LEDGER,
                     os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        keys.update(k for k in (id_key(stem) if stem else "", link) if k)

    def add_name(self, language: str, folder: str, name: str) -> None:
        suffix = f".{language}.md"
        stem = name[: -len(suffix)] if name.endswith(suffix) else name
        self._keys(language, folder).add(id_key(stem))

    def _link_set(self, language: str, folder: str) -> set[str]:
        key = (language, folder)
        links = self._links.get(key)
        if links is None:
            links = set()
            directory = self.folder_path(language, folder)
            try:
                entries = list(os.scandir(directory))
            except FileNotFoundError:
                entries = []
            for entry in entries:
                if is_archive_name(entry.name):
                    link = closing_link(entry.path)
                    if link:
                        links.add(link)
            self._links[key] = links
        return links

    def contains_link(self, language: str, folder: str, link: str, *, include_dropped: bool = True) -> bool:
        """Is an article with this link in the folder (or remembered as dropped)? Reads the
        files' closing links once per folder, so it is meant for sources whose names do not
        identify an article (md5 names)."""
        return link in self._link_set(language, folder) or (include_dropped and link in self._dropped_keys(language, folder))

    def add_link(self, language: str, folder: str, link: str) -> None:
        if (language, folder) in self._links:
            self._links[(language, folder)].add(link)

    def count(self, language: str, folder: str) -> int:
        """Articles known in a folder (benchmarks report it)."""
        return len(self._keys(language, folder))

"""What the archive already holds: the state of incremental runs.

The archive is append-only and its file names are the articles' ids (or md5 names), so the
names in a folder say which articles are known. A folder is listed once, lazily, with
os.scandir (names only, no file is opened), which keeps a 100,000-file archive cheap.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from crawler.archive import TEMP_FILE, _clean_id, id_key, is_archive_name


# The closing link `[label](url)` is the file's last line; 4 KiB from the end holds it.
_TAIL_BYTES = 4096
_CLOSING_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]*)\)\s*$")


def closing_link(path: str | os.PathLike) -> str | None:
    """The link of an archive file's closing line, read from the end of the file only."""
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - _TAIL_BYTES))
        tail = fh.read().decode("utf-8", "ignore")
    m = _CLOSING_LINK.search(tail)
    return m.group(1) if m else None


# Articles that made no file for a lasting reason (removed, paid): one line each, so that the
# next night does not request them again. A hidden name: Hugo ignores it.
DROP_LEDGER = ".dropped.tsv"


def remove_leftovers(root: str | os.PathLike) -> int:
    """Remove the temporary files of killed runs in every folder of the archive (call it only
    while holding the archive lock); returns how many were removed."""
    removed = 0
    for directory in Path(root).glob("*/news/*"):
        try:
            names = os.listdir(directory)  # names only: no DirEntry for each of 100,000 files
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            if name[0] == "." and TEMP_FILE.match(name):
                try:
                    os.unlink(directory / name)
                    removed += 1
                except FileNotFoundError:
                    pass
    return removed


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class ArchiveIndex:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._folders: dict[tuple[str, str], set[str]] = {}
        self._links: dict[tuple[str, str], set[str]] = {}
        self._dropped: dict[tuple[str, str], set[str]] = {}

    @classmethod
    def for_crawler(cls, crawler) -> "ArchiveIndex":
        """The crawl's one index of ARCHIVE_DIR, shared by the spider, the archive writer and
        the drop counter, so that each folder is listed once per run."""
        root = Path(crawler.settings.get("ARCHIVE_DIR") or "output").resolve()
        index = getattr(crawler, "archive_index", None)
        if index is None or index.root != root:
            index = crawler.archive_index = cls(root)
        return index

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
            try:
                with open(self.folder_path(language, folder) / DROP_LEDGER, encoding="utf-8") as fh:
                    for line in fh:
                        fields = line.rstrip("\n").split("\t")
                        keys.update(f for f in fields[:2] if f)  # id key, link
            except FileNotFoundError:
                pass
        return keys

    def record_drop(self, language: str, folder: str, article_id, link: str, reason: str) -> None:
        """Remember an article that makes no file for a lasting reason (appended, one short
        line per write, so concurrent appends do not interleave)."""
        stem = _clean_id(article_id)
        keys = self._dropped_keys(language, folder)
        if (stem and id_key(stem) in keys) or (not stem and link in keys):
            return
        directory = self.folder_path(language, folder)
        directory.mkdir(parents=True, exist_ok=True)
        line = "\t".join((id_key(stem) if stem else "", _one_line(link), reason)) + "\n"
        with open(directory / DROP_LEDGER, "a", encoding="utf-8") as fh:
            fh.write(line)
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

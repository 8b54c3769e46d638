"""crawler.durable_files: group-committed file creation on a real file system, in a real loop."""

from __future__ import annotations

import asyncio
import errno
import os

import pytest

from crawler.archive import TEMP_FILE
from crawler.durable_files import DurableFiles


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def _create_all(files: DurableFiles, pairs):
    async def main():
        return await asyncio.gather(*(files.create(target, text) for target, text in pairs), return_exceptions=True)

    try:
        return asyncio.run(main())
    finally:
        files.close()


def _create_five_or_time_out(files: DurableFiles, folder):
    """Five files at once; a writer still waiting after 10 s fails the test (TimeoutError)."""
    async def main():
        writes = [files.create(folder / f"{i}.md", "x") for i in range(5)]
        return await asyncio.wait_for(asyncio.gather(*writes, return_exceptions=True), 10)

    try:
        return asyncio.run(main())
    finally:
        files.close()


@pytest.mark.parametrize("with_syncfs", [True, False])
def test_many_files_are_written_whole_in_few_flushes(tmp_path, with_syncfs):
    files = DurableFiles()
    if not with_syncfs:
        files._syncfs = None  # where libc has no syncfs: each file is fsync'ed in the thread
    folder = tmp_path / "zh-CN" / "news" / "qq"  # made by the first write
    pairs = [(folder / f"{i:04d}.zh-CN.md", f"---\ntitle: {i}\n---\n\n正文 {i}\n") for i in range(200)]
    results = _create_all(files, pairs)
    assert results == [True] * 200
    assert _names(folder) == sorted(f"{i:04d}.zh-CN.md" for i in range(200))
    for target, text in pairs:
        assert target.read_text(encoding="utf-8") == text
    # The files that arrive while one group is flushed are flushed together.
    assert 1 <= files.flushes < 50, files.flushes


def test_an_existing_file_is_never_overwritten(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("kept", encoding="utf-8")
    files = DurableFiles()
    assert _create_all(files, [(target, "new"), (tmp_path / "b.md", "b")]) == [False, True]
    assert target.read_text(encoding="utf-8") == "kept"
    assert _names(tmp_path) == ["a.md", "b.md"]


def test_the_same_name_twice_at_once_is_written_once(tmp_path):
    files = DurableFiles()
    assert _create_all(files, [(tmp_path / "a.md", "first"), (tmp_path / "a.md", "second")]) == [True, False]
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "first"
    assert _names(tmp_path) == ["a.md"]


def test_a_failed_flush_names_no_file_of_its_group(tmp_path, monkeypatch):
    files = DurableFiles()

    def broken(group):
        raise OSError(errno.EIO, "syncfs: Input/output error")

    monkeypatch.setattr(files, "_make_durable", broken)
    results = _create_all(files, [(tmp_path / f"{i}.md", "x") for i in range(5)])
    assert all(isinstance(r, OSError) and r.errno == errno.EIO for r in results), results
    assert _names(tmp_path) == []  # neither a named file nor a temporary one


def test_a_failed_flush_on_a_read_only_file_system_fails_its_files_instead_of_hanging(tmp_path, monkeypatch):
    # ext4 turns read-only after a journal error, the usual companion of a failed syncfs: the
    # temporary names cannot be removed either, and no writer may wait for ever.
    files = DurableFiles()

    def broken(group):
        raise OSError(errno.EIO, "syncfs: Input/output error")

    def read_only(path, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(files, "_make_durable", broken)
    monkeypatch.setattr("crawler.durable_files.os.unlink", read_only)

    results = _create_five_or_time_out(files, tmp_path)
    assert all(isinstance(r, OSError) and r.errno == errno.EIO for r in results), results
    assert not any(TEMP_FILE.match(n) is None for n in _names(tmp_path)), "a file got its name"


def test_a_broken_flush_loop_fails_every_waiting_file(tmp_path, monkeypatch):
    files = DurableFiles()

    def give_name(tmp, target):
        raise TypeError("not an OSError: breaks the loop itself")

    monkeypatch.setattr("crawler.durable_files.give_name", give_name)

    results = _create_five_or_time_out(files, tmp_path)
    assert all(isinstance(r, TypeError) for r in results), results
    assert _names(tmp_path) == []


def test_outside_a_loop_the_file_is_written_at_once(tmp_path):
    files = DurableFiles()
    coroutine = files.create(tmp_path / "new" / "a.md", "text")
    with pytest.raises(StopIteration) as stop:
        coroutine.send(None)
    assert stop.value.value is True
    assert (tmp_path / "new" / "a.md").read_text(encoding="utf-8") == "text"
    assert files.flushes == 0


def test_temporary_names_are_hidden_and_recognised(tmp_path):
    # While a group waits for its flush, its files lie under temporary names that Hugo skips
    # and that crawler.archive_index sweeps after a killed run.
    files = DurableFiles()
    seen = []

    async def main():
        task = asyncio.ensure_future(files.create(tmp_path / "a.md", "text"))
        await asyncio.sleep(0)
        seen.extend(os.listdir(tmp_path))
        return await task

    try:
        assert asyncio.run(main()) is True
    finally:
        files.close()
    assert len(seen) == 1 and TEMP_FILE.match(seen[0]) and seen[0].startswith("."), seen
    assert _names(tmp_path) == ["a.md"]

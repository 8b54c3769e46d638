"""Issue 11, sections 2 and 5: nothing outside ARCHIVE_DIR is written, whatever the archive
holds (symlinks at the lock, the drop ledger, a folder), and no lock means no run.

The runs are the real `scrapy import-json` command on real files; a refused run exits 1 and
says why in its RUN_REPORT (exit_status.reasons), and reads no item at all."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import temp_name
from crawler.archive_index import ArchiveIndex, archive_problems, remove_leftovers
from crawler.lock import LockFailed, acquire, release
from crawler.settings import ARCHIVE_LOCK_FILE
from tests.support import privileges
from tests.support.cli import ROOT

FOLDER = "demo"
PRECIOUS = "a file outside the archive\n"


def item(n: int, **extra) -> dict:
    base = {"id": f"7700{n}", "title": f"安全测试 {n}", "description": f"<p>第{n}篇，灯塔旁的邮差数着海鸥写下测试句。</p>",
            "link": f"https://example.test/safe/{n}", "pub_date": "2025-03-01 10:17:43", "source": "demo",
            "kind": 1, "language": "zh-CN"}
    base.update(extra)
    return base


def import_run(tmp_path: Path, archive: Path, items: list[dict], *settings: str, unprivileged: bool = False):
    """`scrapy import-json` of `items` (folder FOLDER) into `archive`: (process, report)."""
    source = tmp_path / "input" / FOLDER / "list.json"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(json.dumps({"data": items}, ensure_ascii=False), encoding="utf-8")
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "scrapy", "import-json", str(source), "-s", f"ARCHIVE_DIR={archive}",
               "-s", f"RUN_REPORT={report}", "-s", "BODY_WORKERS=0"]
    for setting in settings:
        command += ["-s", setting]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                            preexec_fn=privileges.unprivileged() if unprivileged else None)
    return result, json.loads(report.read_text(encoding="utf-8"))


def articles(archive: Path) -> list[str]:
    return sorted(str(p.relative_to(archive)) for p in archive.rglob("*.md")) if archive.is_dir() else []


def assert_refused(result, report, reason: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert report["finish_reason"] == "archive_refused"
    assert report["exit_status"]["code"] == 1
    assert reason in report["exit_status"]["reasons"], report["exit_status"]
    assert report["stats"].get("import/items", 0) == 0  # refused before it read anything


# ---------------------------------------------------------------- the lock (sections 2 and 5)

def test_lock_symlink_to_an_outside_file_is_never_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(PRECIOUS, encoding="utf-8")
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / ARCHIVE_LOCK_FILE).symlink_to(outside)
    with pytest.raises(LockFailed) as info:
        acquire(archive / ARCHIVE_LOCK_FILE)
    assert info.value.reason == "it is a symlink (never followed)"
    assert outside.read_text(encoding="utf-8") == PRECIOUS  # not truncated, no pid written


def test_a_lock_file_that_is_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / ARCHIVE_LOCK_FILE
    os.mkfifo(fifo)
    with pytest.raises(LockFailed) as info:
        acquire(fifo)
    assert info.value.reason == "it is not a regular file"
    (tmp_path / "again").mkdir()
    key = acquire(tmp_path / "again" / ARCHIVE_LOCK_FILE)  # an ordinary lock still works
    release(key)


@pytest.mark.parametrize("case", ["directory", "symlink", "dangling_symlink", "read_only_archive", "archive_is_a_file"])
def test_no_lock_no_run(tmp_path, case):
    """A lock file that cannot be opened: the run neither runs nor writes; exit 1 with the
    reason. As root, a read-only archive is tested with the child's CAP_DAC_OVERRIDE dropped
    (root ignores file permissions); a directory in the lock's place fails with EISDIR and a
    path through a regular file with EEXIST/ENOTDIR for anyone, root included."""
    archive = tmp_path / "archive"
    archive.mkdir()
    lock = archive / ARCHIVE_LOCK_FILE
    outside = tmp_path / "outside.txt"
    outside.write_text(PRECIOUS, encoding="utf-8")
    if case == "directory":
        lock.mkdir()
        reason = os.strerror(errno.EISDIR)
    elif case == "symlink":
        lock.symlink_to(outside)
        reason = "it is a symlink (never followed)"
    elif case == "dangling_symlink":
        lock.symlink_to(tmp_path / "made-outside.txt")
        reason = "it is a symlink (never followed)"
    elif case == "read_only_archive":
        archive.chmod(0o555)
        reason = os.strerror(errno.EACCES)
    else:  # ARCHIVE_DIR names a regular file
        archive.rmdir()
        archive.write_text(PRECIOUS, encoding="utf-8")
        lock = archive / ARCHIVE_LOCK_FILE
        reason = f"{os.strerror(errno.EEXIST)} ({archive})"
    try:
        result, report = import_run(tmp_path, archive, [item(1)], unprivileged=case == "read_only_archive")
    finally:
        if archive.is_dir():
            archive.chmod(0o755)
    assert_refused(result, report, f"cannot take the archive lock {lock}: {reason}")
    assert articles(archive) == []
    assert outside.read_text(encoding="utf-8") == PRECIOUS
    assert not (tmp_path / "made-outside.txt").exists()


# ---------------------------------------------------------------- folders and the drop ledger

@pytest.mark.parametrize("link", [f"zh-CN/news/{FOLDER}", "zh-CN"])
def test_a_folder_leading_out_of_the_archive_refuses_the_run(tmp_path, link):
    outside = tmp_path / "elsewhere"
    (outside / "news" / FOLDER).mkdir(parents=True)  # whatever the link leads to exists
    leftover = outside / "news" / FOLDER / temp_name(f"7700.zh-CN.md")
    leftover.write_text(PRECIOUS, encoding="utf-8")  # shaped like our temporary files
    target = outside / "news" / FOLDER if link.endswith(FOLDER) else outside
    archive = tmp_path / "archive"
    (archive / link).parent.mkdir(parents=True, exist_ok=True)
    (archive / link).symlink_to(target, target_is_directory=True)
    before = sorted(outside.rglob("*"))
    result, report = import_run(tmp_path, archive, [item(1), item(2)])
    assert_refused(result, report, f"archive folder {link} is a symlink leading out of the archive (to {target})")
    assert sorted(outside.rglob("*")) == before  # nothing written, nothing removed
    assert leftover.read_text(encoding="utf-8") == PRECIOUS


def test_without_the_lock_the_writer_refuses_the_folder(tmp_path):
    # ARCHIVE_LOCK=False: no check at the start; the writer judges the folder itself.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    archive = tmp_path / "archive"
    (archive / "zh-CN" / "news").mkdir(parents=True)
    (archive / "zh-CN" / "news" / FOLDER).symlink_to(outside, target_is_directory=True)
    result, report = import_run(tmp_path, archive, [item(1), item(2)], "ARCHIVE_LOCK=False")
    assert result.returncode == 1, result.stderr[-2000:]
    assert report["finish_reason"] == "archive_refused"
    assert (f"archive folder zh-CN/news/{FOLDER} is a symlink leading out of the archive (to {outside})"
            in report["exit_status"]["reasons"])
    assert report["written"] == 0 and report["dropped"].get("unsafe_folder", 0) >= 1
    assert list(outside.iterdir()) == []


def test_the_start_check_names_what_leads_out_and_only_that(tmp_path):
    # Links that stay inside the archive are its own business (a renamed folder, a language
    # sharing another's folders); only what leads out is named, once per directory.
    outside = tmp_path / "elsewhere"
    (outside / "news").mkdir(parents=True)
    root = tmp_path / "archive"
    (root / "zh-CN" / "news" / "demo-2025").mkdir(parents=True)
    (root / "zh-CN" / "news" / FOLDER).symlink_to("demo-2025", target_is_directory=True)
    (root / "zh-HK").symlink_to("zh-CN", target_is_directory=True)
    (root / "zh-CN" / "news" / "gone").symlink_to(outside, target_is_directory=True)
    (root / "en").symlink_to(outside, target_is_directory=True)
    (root / "zh-CN" / "news" / "other" / ".dropped.tsv").mkdir(parents=True)
    assert archive_problems(root) == [
        f"archive folder zh-CN/news/gone is a symlink leading out of the archive (to {outside})",
        "drop ledger zh-CN/news/other/.dropped.tsv is not a regular file",
        f"archive folder zh-HK/news/gone is a symlink leading out of the archive (to {outside})",
        "drop ledger zh-HK/news/other/.dropped.tsv is not a regular file",
        f"archive folder en is a symlink leading out of the archive (to {outside})",
    ]


def test_a_drop_ledger_symlink_refuses_the_run(tmp_path):
    outside = tmp_path / "outside.tsv"
    outside.write_text(PRECIOUS, encoding="utf-8")
    folder = tmp_path / "archive" / "zh-CN" / "news" / FOLDER
    folder.mkdir(parents=True)
    (folder / ".dropped.tsv").symlink_to(outside)
    # kind 2 is remembered in the ledger in this run: without the check it was appended to.
    result, report = import_run(tmp_path, tmp_path / "archive", [item(1, kind=2), item(2)],
                                "ARCHIVE_REMEMBER_DROPS=kind_2")
    assert_refused(result, report, f"drop ledger zh-CN/news/{FOLDER}/.dropped.tsv is a symlink")
    assert outside.read_text(encoding="utf-8") == PRECIOUS


def test_the_ledger_is_appended_to_without_following_a_symlink(tmp_path):
    # A symlink put in the ledger's place after its folder was judged: the open itself
    # refuses it (O_NOFOLLOW).
    root = tmp_path / "archive"
    index = ArchiveIndex(root)
    index.record_drop("en", FOLDER, "", "https://example.test/one", "removed")
    assert index.folder_problem("en", FOLDER) is None
    ledger = root / "en" / "news" / FOLDER / ".dropped.tsv"
    ledger.unlink()
    outside = tmp_path / "outside.tsv"
    outside.write_text(PRECIOUS, encoding="utf-8")
    ledger.symlink_to(outside)
    with pytest.raises(OSError) as info:
        index.record_drop("en", FOLDER, "", "https://example.test/two", "removed")
    assert info.value.errno == errno.ELOOP
    assert outside.read_text(encoding="utf-8") == PRECIOUS


def test_leftovers_are_not_swept_through_a_folder_leading_out(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    theirs = outside / temp_name("x.en.md")
    theirs.write_text(PRECIOUS, encoding="utf-8")
    root = tmp_path / "archive"
    (root / "en" / "news").mkdir(parents=True)
    (root / "en" / "news" / "linked").symlink_to(outside, target_is_directory=True)
    ours = root / "en" / "news" / "own" / temp_name("y.en.md")
    ours.parent.mkdir()
    ours.write_text("partial", encoding="utf-8")
    assert remove_leftovers(root) == 1
    assert not ours.exists() and theirs.read_text(encoding="utf-8") == PRECIOUS


def test_an_archive_name_that_is_not_a_file_is_no_article_link(tmp_path):
    # The closing links are read from the files' ends: a directory (or a FIFO, a device)
    # under an article's name is skipped instead of failing (or hanging) the run.
    folder = tmp_path / "archive" / "en" / "news" / FOLDER
    (folder / "odd.en.md").mkdir(parents=True)
    (folder / "ok.en.md").write_text("---\n---\n\n\n\n[demo](https://example.test/ok)\n", encoding="utf-8")
    index = ArchiveIndex(tmp_path / "archive")
    assert index.contains_link("en", FOLDER, "https://example.test/ok")
    assert not index.contains_link("en", FOLDER, "https://example.test/odd")

"""`scrapy import-json`, run as the real command line on files of the old crawler's shape."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys

import frontmatter
import pytest

from tests.support.cli import ROOT, run_scrapy


def item(n: int, **extra) -> dict:
    base = {
        "id": f"9000{n}", "title": f"测试标题 {n}", "description": f"<p>第{n}篇测试正文，内容是我们自己写的。</p>",
        "link": f"https://example.test/a/{n}", "pub_date": "2025-02-08 21:01:46", "source": "demo",
        "kind": 1, "language": "zh-CN", "image": "", "author": "编辑",
    }
    base.update(extra)
    return base


def test_imports_list_json_jsonl_and_jsonl_gz(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "list.json").write_text(json.dumps({"data": [item(1), item(2, kind=2), item(3, language="")]}), encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "items.jsonl").write_text("\n".join(json.dumps(item(n)) for n in (4, 5)) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "other" / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(item(6, id="", extra_key="ignored")) + "\n")
    archive = tmp_path / "archive"
    result = run_scrapy("import-json", str(tmp_path / "demo" / "list.json"), str(tmp_path / "other" / "items.jsonl"),
                        str(tmp_path / "other" / "more.jsonl.gz"), "-s", f"ARCHIVE_DIR={archive}")
    assert result.returncode == 0, result.stderr
    assert "written: 4" in result.stdout
    assert "kind_2: 1" in result.stdout and "no_language: 1" in result.stdout
    names = sorted(str(p.relative_to(archive)) for p in archive.rglob("*.md"))
    by_id = {"zh-CN/news/demo/90001.zh-CN.md", "zh-CN/news/other/90004.zh-CN.md", "zh-CN/news/other/90005.zh-CN.md"}
    assert by_id <= set(names) and len(names) == 4
    (md5_named,) = set(names) - by_id  # item 6 has no id: md5 of title + date
    assert re.fullmatch(r"zh-CN/news/other/[0-9a-f]{32}\.zh-CN\.md", md5_named)
    post = frontmatter.load(archive / names[0])
    assert post["title"] == "测试标题 1" and post["date"] == "2025-02-08 21:01:46"
    assert post["categories"] == ["demo"] and post.content.endswith("[demo](https://example.test/a/1)")

    again = run_scrapy("import-json", str(tmp_path / "demo" / "list.json"), "-s", f"ARCHIVE_DIR={archive}")
    assert "written: 0" in again.stdout and "skipped as existing: 1" in again.stdout


def test_folder_option_overrides_directory_name(tmp_path):
    (tmp_path / "list.json").write_text(json.dumps({"data": [item(7)]}), encoding="utf-8")
    archive = tmp_path / "archive"
    result = run_scrapy("import-json", str(tmp_path / "list.json"), "--folder", "chosen", "-s", f"ARCHIVE_DIR={archive}")
    assert result.returncode == 0, result.stderr
    assert (archive / "zh-CN/news/chosen/90007.zh-CN.md").is_file()


def test_bad_files_are_named_and_the_others_still_imported(tmp_path):
    good = tmp_path / "good" / "list.json"
    good.parent.mkdir()
    good.write_text(json.dumps({"data": [item(8)]}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": [\n  {"id": 1,\n  oops}\n]}', encoding="utf-8")
    shape = tmp_path / "shape.json"
    shape.write_text(json.dumps([item(9)]), encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(json.dumps(item(10)) + "\nnot json\n", encoding="utf-8")
    archive = tmp_path / "archive"
    result = run_scrapy("import-json", str(broken), str(shape), str(lines), str(good), "-s", f"ARCHIVE_DIR={archive}")
    assert result.returncode == 1
    log = result.stderr
    assert f"{broken}: line 3, column 3: not JSON" in log
    assert f'{shape}: expected {{"data": [...]}} at the top level' in log
    assert f"{lines}: line 2, column 1: not JSON" in log
    assert "files: 4 (3 bad)" in result.stdout and "written: 2" in result.stdout
    assert (archive / "zh-CN/news/good/90008.zh-CN.md").is_file()
    assert (archive / f"zh-CN/news/{tmp_path.name}/900010.zh-CN.md").is_file()


def test_unreadable_date_is_dropped_with_reason(tmp_path):
    path = tmp_path / "d" / "list.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"data": [item(11, pub_date="yesterday")]}), encoding="utf-8")
    result = run_scrapy("import-json", str(path), "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}",
                        "-s", f"RUN_REPORT={tmp_path / 'r.json'}")
    assert "bad_date: 1" in result.stdout and "written: 0" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (report["dropped"], report["written"]) == ({"bad_date": 1}, 0)


@pytest.mark.parametrize("folder", ["../x", "a/b", "", ".", "..", ".hidden", "/abs", "a\n"])
def test_bad_folder_is_a_usage_error_before_anything_runs(tmp_path, folder):
    (tmp_path / "list.json").write_text(json.dumps({"data": [item(12)]}), encoding="utf-8")
    archive = tmp_path / "archive"
    result = run_scrapy("import-json", str(tmp_path / "list.json"), "--folder", folder, "-s", f"ARCHIVE_DIR={archive}")
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr.splitlines()[-1].endswith(f": error: --folder {folder!r} is not one folder name "
                                                   "(letters, digits, _ . -, not starting with a dot)")
    assert not archive.exists()  # no lock, no folder, no file
    assert result.stdout == ""  # no summary: nothing ran


def test_one_command_and_no_spider():
    """`scrapy import-json` is one command (not also `import_json`) and no spider of `scrapy list`."""
    commands = run_scrapy("-h")
    names = [line.split()[0] for line in commands.stdout.splitlines() if line.startswith("  ") and line.split()]
    assert names.count("import-json") == 1 and "import_json" not in names, commands.stdout
    spiders = run_scrapy("list")
    assert spiders.returncode == 0, spiders.stderr
    assert "qq" in spiders.stdout.split() and "import-json" not in spiders.stdout.split()


def test_the_import_ends_with_its_last_item_not_at_the_engines_next_heartbeat(tmp_path):
    """Scrapy looks for the end of a run after each response, else at its heartbeat (every 5 s):
    an import has no response, and each one waited up to 5 s after its last file. Here the
    heartbeat is an hour: the import still ends, its files written."""
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "list.json").write_text(json.dumps({"data": [item(13), item(14)]}), encoding="utf-8")
    archive = tmp_path / "archive"
    code = ("import sys\n"
            "from scrapy.core.engine import ExecutionEngine\n"
            "ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = 3600.0\n"
            "from scrapy.cmdline import execute\n"
            "execute(['scrapy', *sys.argv[1:]])\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    result = subprocess.run([sys.executable, "-c", code, "import-json", str(tmp_path / "demo" / "list.json"),
                             "-s", f"ARCHIVE_DIR={archive}"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)  # past it, the import waits for the heartbeat: the failure
    assert result.returncode == 0, result.stderr[-3000:]
    assert "written: 2" in result.stdout
    assert sorted(p.name for p in archive.rglob("*.md")) == ["900013.zh-CN.md", "900014.zh-CN.md"]

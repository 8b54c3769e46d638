"""Every source's fixture crawls: `python -m tests.support.regen_fixtures --check` finds each
`fixtures/<source>/<crawl>/` and fails on any drift of its expected/ files, which the command
without --check writes back; and every source `scrapy crawlall --list` shows has its nightly
crawl (a new source comes with its fixture)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.cli import ROOT, run_scrapy
from tests.support.crawls import archive_files


def regen(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tests.support.regen_fixtures", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_every_fixture_crawl_matches_its_expected_files(capsys):
    result = regen("--check")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    crawls = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in (ROOT / "fixtures").glob("*/*/expected"))
    checked = sorted(line.split(":")[0] for line in result.stdout.splitlines() if not line.startswith(" "))
    assert checked == crawls and {"qq/nightly", "qq/old-layouts", "qq/images", "sina/nightly", "c114/nightly"} <= set(crawls)
    assert all(line.endswith("0 new, 0 gone, 0 changed") for line in result.stdout.splitlines() if "/" in line.split(":")[0])
    with capsys.disabled():
        print(f"\nregen_fixtures --check: {len(crawls)} fixture crawls of "
              f"{len({c.split('/')[0] for c in crawls})} sources unchanged")


def test_a_drift_fails_the_check_and_regeneration_writes_it_back(tmp_path):
    fixtures = tmp_path / "fixtures"
    for crawl in ("c114/nightly", "qq/old-layouts"):
        shutil.copytree(ROOT / "fixtures" / crawl, fixtures / crawl)
    c114, qq = fixtures / "c114/nightly/expected", fixtures / "qq/old-layouts/expected"
    originals = {"c114": archive_files(c114), "qq": archive_files(qq)}
    changed = sorted(originals["c114"])[0]
    (c114 / changed).write_bytes((c114 / changed).read_bytes().replace(b"\n\n", b"\n\nAn ad left in.\n\n", 1))
    (c114 / "zh-CN/news/c114/extra.zh-CN.md").write_bytes(b"---\ntitle: \"x\"\n---\n")
    gone = sorted(originals["qq"])[-1]
    (qq / gone).unlink()
    drifted = {"c114": archive_files(c114), "qq": archive_files(qq)}

    check = regen("--check", "--fixtures", str(fixtures))
    assert check.returncode == 1, check.stdout + check.stderr[-3000:]
    lines = check.stdout.splitlines()
    assert "c114/nightly: 3 files; 0 new, 1 gone, 1 changed" in lines
    assert f"  changed: {changed}" in lines and "  gone: zh-CN/news/c114/extra.zh-CN.md" in lines
    assert "qq/old-layouts: 3 files; 1 new, 0 gone, 0 changed" in lines and f"  new: {gone}" in lines
    assert {"c114": archive_files(c114), "qq": archive_files(qq)} == drifted  # --check writes nothing

    write = regen("--fixtures", str(fixtures))
    assert write.returncode == 0, write.stdout + write.stderr[-3000:]
    assert {"c114": archive_files(c114), "qq": archive_files(qq)} == originals
    again = regen("--check", "--fixtures", str(fixtures), "c114", "qq/old-layouts")
    assert again.returncode == 0 and again.stdout.count("0 new, 0 gone, 0 changed") == 2, again.stdout


def test_a_crawl_that_does_not_replay_fails_and_keeps_its_expected_files(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures" / "c114/nightly", fixtures / "c114/nightly")
    index = fixtures / "c114/nightly/index.jsonl"
    lines = index.read_text(encoding="utf-8").splitlines()
    index.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # the third article is not recorded
    before = archive_files(fixtures / "c114/nightly/expected")
    result = regen("--fixtures", str(fixtures))
    assert result.returncode == 1
    assert "c114/nightly: not replayed: crawlall exited 5" in result.stderr
    assert archive_files(fixtures / "c114/nightly/expected") == before
    assert regen("--check", "--fixtures", str(fixtures), "nosuchsource").returncode == 2


def test_every_listed_source_has_its_nightly_fixture_crawl():
    """A source (a site file or a spider) comes with fixtures/<source>/nightly/: index.jsonl and
    the expected/ files; this fails only for the sources that exist."""
    listed = run_scrapy("crawlall", "--list", "-s", "CRAWLALL_DISABLED=")
    assert listed.returncode == 0, listed.stderr[-3000:]
    sources = sorted({line.split("\t")[0] for line in listed.stdout.splitlines() if "\t" in line})
    assert "qq" in sources and "sina" in sources
    missing = [name for name in sources if not (ROOT / "fixtures" / name / "nightly" / "index.jsonl").is_file()
               or not archive_files(ROOT / "fixtures" / name / "nightly" / "expected")]
    assert not missing, f"sources without fixtures/<source>/nightly/ (index.jsonl, expected/): {', '.join(missing)}"

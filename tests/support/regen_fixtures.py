"""Replay the qq fixture crawls and (re)write their expected archive files.

    .venv/bin/python -m tests.support.regen_fixtures            # every crawl in fixtures/qq/
    .venv/bin/python -m tests.support.regen_fixtures nightly    # one crawl
    .venv/bin/python -m tests.support.regen_fixtures --check    # compare only, write nothing

A crawl is a folder `fixtures/qq/<name>/` with `index.jsonl` + `bodies/` (the recorded or
hand-written responses, docs/fixtures.md), `crawl.json` (the crawl's spider arguments
and the run-report numbers the tests expect) and `expected/` (the archive files the replay
must produce, laid out as `<lang>/news/qq/<name>.md`). After a deliberate change to parsing,
cleaning or Markdown, run this command, review `git diff fixtures/qq/*/expected`, commit.

It runs the real `scrapy crawl qq -s FIXTURES_REPLAY=<folder>` in a subprocess into a
temporary archive and replaces `expected/` with what that run wrote. A run that does not exit
0 writes nothing and fails the command. The numbers in crawl.json are not rewritten: they are
the tests' assertions and are edited by hand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.cli import ROOT, run_scrapy
from tests.support.crawls import archive_files

FIXTURES = ROOT / "fixtures" / "qq"
EXPECTED = "expected"
CRAWL = "crawl.json"
# Device ids and cookie come from the environment when the settings are empty: a developer's
# own values would change the feed POST bodies and miss the recorded ones.
CLEAN_ENV = {"QQ_DEVICE_ID": "", "QQ_QIMEI36": "", "QQ_COOKIE": ""}


def crawl_names() -> list[str]:
    return sorted(p.parent.name for p in FIXTURES.glob(f"*/{CRAWL}"))


def crawl_config(name: str) -> dict:
    return json.loads((FIXTURES / name / CRAWL).read_text(encoding="utf-8"))


def replay(name: str, archive: Path, report: Path, *extra: str, log_level: str = "INFO") -> subprocess.CompletedProcess:
    """`scrapy crawl qq` replaying fixtures/qq/<name> into `archive` (report in `report`)."""
    config = crawl_config(name)
    return run_scrapy(
        "crawl", "qq", "-s", f"FIXTURES_REPLAY={FIXTURES / name}", "-s", f"ARCHIVE_DIR={archive}",
        "-s", f"RUN_REPORT={report}", "-s", f"LOG_LEVEL={log_level}", *config.get("args", []), *extra,
        env=CLEAN_ENV,
    )


def expected_files(name: str) -> dict[str, bytes]:
    return archive_files(FIXTURES / name / EXPECTED)


def produce(name: str) -> dict[str, bytes]:
    """Replay the crawl into a fresh archive and return the files it wrote."""
    with tempfile.TemporaryDirectory(prefix=f"regen-{name}-") as tmp:
        archive, report = Path(tmp) / "archive", Path(tmp) / "report.json"
        result = replay(name, archive, report)
        if result.returncode != 0:
            raise SystemExit(f"{name}: replay exited {result.returncode}\n{result.stderr[-4000:]}")
        return archive_files(archive)


def regenerate(name: str, check: bool = False) -> bool:
    """Rewrite fixtures/qq/<name>/expected/ (or only compare with --check). True if unchanged."""
    produced = produce(name)
    current = expected_files(name)
    same = produced == current
    added = sorted(set(produced) - set(current))
    removed = sorted(set(current) - set(produced))
    changed = sorted(k for k in set(produced) & set(current) if produced[k] != current[k])
    print(f"{name}: {len(produced)} files; {len(added)} new, {len(removed)} gone, {len(changed)} changed")
    for label, names in (("new", added), ("gone", removed), ("changed", changed)):
        for one in names:
            print(f"  {label}: {one}")
    if check or same:
        return same
    target = FIXTURES / name / EXPECTED
    if target.exists():
        shutil.rmtree(target)
    for rel, data in produced.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"crawls to regenerate (default: all of {', '.join(crawl_names())})")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when expected/ is out of date")
    args = parser.parse_args(argv)
    names = args.names or crawl_names()
    unknown = [n for n in names if n not in crawl_names()]
    if unknown:
        parser.error(f"no crawl {', '.join(unknown)} in {FIXTURES}")
    unchanged = [regenerate(name, check=args.check) for name in names]
    if args.check and not all(unchanged):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

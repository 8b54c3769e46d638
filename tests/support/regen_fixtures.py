"""Replay every source's fixture crawls and (re)write their expected archive files.

    .venv/bin/python -m tests.support.regen_fixtures                  # every crawl of every source
    .venv/bin/python -m tests.support.regen_fixtures sina qq/images   # a source's crawls; one crawl
    .venv/bin/python -m tests.support.regen_fixtures --check          # compare only, write nothing

A crawl is a folder `fixtures/<source>/<crawl>/` holding `index.jsonl` + `bodies/` (docs/fixtures.md)
and `expected/`, the archive files its replay must write (`<lang>/news/<folder>/<name>.md`);
a `crawl.json` may give the crawl's spider arguments (`args`) and the run-report numbers its
tests expect (edited by hand, never rewritten here). After a deliberate change to parsing,
cleaning or Markdown, run this command, review `git diff fixtures/*/*/expected`, commit.

The `nightly` crawls without arguments are replayed together by one real `scrapy crawlall`
(FIXTURES_REPLAY=the fixtures directory, each source into an archive of its own), every other
crawl by its own `scrapy crawl <source>`. A crawl whose replay does not exit 0 is not written
and fails the command (exit 1), as does any difference under --check.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crawler.fixtures import INDEX_JSON, INDEX_JSONL, NIGHTLY
from tests.support.cli import ROOT, run_scrapy
from tests.support.crawls import QUIET, archive_files

FIXTURES = ROOT / "fixtures"
QQ = FIXTURES / "qq"
EXPECTED = "expected"
CRAWL = "crawl.json"
# Device ids and cookie come from the environment when the settings are empty: a developer's
# own values would change the feed POST bodies and miss the recorded ones.
CLEAN_ENV = {"QQ_DEVICE_ID": "", "QQ_QIMEI36": "", "QQ_COOKIE": ""}


@dataclass(frozen=True)
class Crawl:
    """One fixture crawl: `<root>/<source>/<name>/`."""

    source: str
    name: str
    folder: Path

    @property
    def label(self) -> str:
        return f"{self.source}/{self.name}"

    @property
    def config(self) -> dict:
        path = self.folder / CRAWL
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    @property
    def args(self) -> list[str]:
        return list(self.config.get("args", []))

    def expected(self) -> dict[str, bytes]:
        return archive_files(self.folder / EXPECTED)

    def replay(self, archive: Path, report: Path, *extra: str, log_level: str = "INFO"):
        """The real `scrapy crawl <source>` replaying this crawl into `archive` (report in `report`)."""
        return run_scrapy(
            "crawl", self.source, "-s", f"FIXTURES_REPLAY={self.folder}", "-s", f"ARCHIVE_DIR={archive}",
            "-s", f"RUN_REPORT={report}", "-s", f"LOG_LEVEL={log_level}", *self.args, *extra,
            env=CLEAN_ENV,
        )


def fixture_crawls(root: Path = FIXTURES) -> list[Crawl]:
    """Every `<root>/<source>/<crawl>/` with an index and `expected/`, by source and name."""
    folders = sorted(p.parent for p in root.glob(f"*/*/{EXPECTED}") if p.is_dir())
    return [Crawl(folder.parent.name, folder.name, folder) for folder in folders if _has_index(folder)]


def _has_index(folder: Path) -> bool:
    return any((folder / index).is_file() for index in (INDEX_JSONL, INDEX_JSON))


# ------------ qq's crawls by name (tests/test_qq_fixtures.py, test_qq_e2e.py, test_images.py)


def crawl_names() -> list[str]:
    return sorted(p.parent.name for p in QQ.glob(f"*/{CRAWL}"))


def crawl_config(name: str) -> dict:
    return Crawl("qq", name, QQ / name).config


def replay(name: str, archive: Path, report: Path, *extra: str, log_level: str = "INFO"):
    """`scrapy crawl qq` replaying fixtures/qq/<name> into `archive` (report in `report`)."""
    return Crawl("qq", name, QQ / name).replay(archive, report, *extra, log_level=log_level)


def expected_files(name: str) -> dict[str, bytes]:
    return Crawl("qq", name, QQ / name).expected()


# ------------ producing and comparing


def _together(crawl: Crawl) -> bool:
    return crawl.name == NIGHTLY and not crawl.args


def produce(crawls: list[Crawl], root: Path, tmp: Path) -> dict[Crawl, dict[str, bytes] | str]:
    """Each crawl's replayed files, or why its replay failed (one line and the log's end)."""
    out: dict[Crawl, dict[str, bytes] | str] = {}
    together = [c for c in crawls if _together(c)]
    if together:
        archives = {c.source: tmp / "crawlall" / c.source for c in together}
        report = tmp / "crawlall.json"
        result = run_scrapy(
            "crawlall", *archives, "-s", f"FIXTURES_REPLAY={root}", "-s", f"RUN_REPORT={report}",
            "-s", "CRAWLALL_SOURCE_SETTINGS=" + json.dumps({s: {"ARCHIVE_DIR": str(a)} for s, a in archives.items()}),
            "-s", "LOG_LEVEL=INFO", *QUIET, env=CLEAN_ENV)
        sections = json.loads(report.read_text(encoding="utf-8"))["sources"] if report.is_file() else {}
        for crawl in together:
            status = (sections.get(crawl.source) or {}).get("exit_status") or {}
            if status.get("code") == 0:
                out[crawl] = archive_files(archives[crawl.source])
            else:
                reasons = "; ".join(status.get("reasons") or ["no run report"])
                out[crawl] = f"crawlall exited {result.returncode}: {reasons}\n{result.stderr[-3000:]}"
    for n, crawl in enumerate(c for c in crawls if not _together(c)):
        archive, report = tmp / f"crawl-{n}", tmp / f"crawl-{n}.json"
        result = crawl.replay(archive, report)
        out[crawl] = archive_files(archive) if result.returncode == 0 else \
            f"replay exited {result.returncode}\n{result.stderr[-3000:]}"
    return out


def regenerate(crawl: Crawl, produced: dict[str, bytes], check: bool = False) -> bool:
    """Rewrite the crawl's expected/ with what its replay wrote (with `check`: only compare).
    True when it was already the same."""
    current = crawl.expected()
    added = sorted(set(produced) - set(current))
    removed = sorted(set(current) - set(produced))
    changed = sorted(k for k in set(produced) & set(current) if produced[k] != current[k])
    print(f"{crawl.label}: {len(produced)} files; {len(added)} new, {len(removed)} gone, {len(changed)} changed")
    for label, names in (("new", added), ("gone", removed), ("changed", changed)):
        for one in names:
            print(f"  {label}: {one}")
    same = not (added or removed or changed)
    if check or same:
        return same
    target = crawl.folder / EXPECTED
    if target.exists():
        shutil.rmtree(target)
    for rel, data in produced.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return same


def choose(names: list[str], root: Path) -> list[Crawl]:
    """The crawls named (`<source>` for all of its crawls, `<source>/<crawl>` for one, which
    may still lack expected/), all without names; an unknown name raises ValueError."""
    every = fixture_crawls(root)
    if not names:
        return every
    chosen: list[Crawl] = []
    for name in names:
        source, _, crawl = name.partition("/")
        found = [c for c in every if c.source == source and crawl in ("", c.name)]
        folder = root / source / crawl
        if not found and crawl and _has_index(folder):
            found = [Crawl(source, crawl, folder)]  # a new crawl: its expected/ is made now
        if not found:
            raise ValueError(f"no fixture crawl {name} in {root}")
        chosen.extend(c for c in found if c not in chosen)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="<source> or <source>/<crawl> (default: every crawl)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when an expected/ is out of date")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="the directory of sources (default: fixtures/)")
    args = parser.parse_args(argv)
    root = args.fixtures.resolve()
    try:
        crawls = choose(args.names, root)
    except ValueError as exc:
        parser.error(str(exc))
    with tempfile.TemporaryDirectory(prefix="regen-") as tmp:
        produced = produce(crawls, root, Path(tmp))
    ok = True
    for crawl in crawls:
        files = produced[crawl]
        if isinstance(files, str):
            print(f"{crawl.label}: not replayed: {files}", file=sys.stderr)
            ok = False
        elif not regenerate(crawl, files, check=args.check) and args.check:
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

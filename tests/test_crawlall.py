"""`scrapy crawlall`: several sources in one process (replayed fixtures and a local server),
one combined run report, the worst source's exit status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crawler import report
from crawler.commands.crawlall import select_sources, worst
from tests.support.cli import run_scrapy
from tests.support.crawls import archive_files
from tests.support.regen_fixtures import CLEAN_ENV
from tests.support.server import Reply, TestServer

ROOT = Path(__file__).resolve().parents[1]
QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")
REPLAYED = ["techcrunch", "iyiou", "c114", "morningstar"]


def replay_settings(*names, **extra) -> str:
    value = {name: {"FIXTURES_REPLAY": str(ROOT / "fixtures" / name / "nightly")} for name in names}
    value.update(extra)
    return "CRAWLALL_SOURCE_SETTINGS=" + json.dumps(value)


def expected_files(*names) -> dict:
    files = {}
    for name in names:
        files.update(archive_files(ROOT / "fixtures" / name / "nightly" / "expected"))
    return files


def sites_dir(tmp_path: Path, extra: dict | None = None) -> Path:
    directory = tmp_path / "sites"
    directory.mkdir()
    for path in (ROOT / "sites").glob("*.toml"):
        shutil.copy(path, directory / path.name)
    for name, text in (extra or {}).items():
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


# docs/exit-statuses.md and docs/crawlall.md: "the first of 7, 5, 6, 4, 3, 8, 1", then 0.
DOCUMENTED_ORDER = [7, 5, 6, 4, 3, 8, 1, 0]


def test_worst_follows_the_documented_order():
    assert worst([0, 0]) == 0 and worst([]) == 0
    assert worst([0, 1, 3]) == 3
    for rank, better in enumerate(DOCUMENTED_ORDER):
        for worse in DOCUMENTED_ORDER[:rank]:
            assert worst([better, worse]) == worst([worse, better]) == worse, (better, worse)


def test_selection_by_names_disabled_and_enabled_flag():
    class Site:
        def __init__(self, enabled):
            self.enabled = enabled

        def enabled_in(self, settings):
            return self.enabled or bool(settings.get("B_COOKIE"))

    sites = {"a": Site(True), "b": Site(False)}
    assert select_sources([], ["qq", "sina"], sites, [], {}) == ["qq", "sina", "a"]
    assert select_sources([], ["qq", "sina"], sites, ["sina"], {}) == ["qq", "a"]
    assert select_sources(["b", "qq"], ["qq", "sina"], sites, [], {}) == ["b", "qq"]
    assert select_sources([], ["qq"], sites, [], {"B_COOKIE": "x"}) == ["qq", "a", "b"]


OFF = ('folder = "off"\nlanguage = "en"\nenabled = false\ndisabled_reason = "invented:  needs a cookie"\n'
       '[discovery]\nkind = "rss"\nurl = "http://127.0.0.1:9/f"\n')
# Two language/folder pairs, the first found by two kinds of discovery.
TWO = ('folder = "two"\nlanguage = "en"\n'
       '[[discovery]]\nkind = "rss"\nurl = "http://127.0.0.1:9/a"\n'
       '[[discovery]]\nkind = "atom"\nlanguage = "zh-CN"\nfolder = "two-cn"\nurl = "http://127.0.0.1:9/b"\n'
       '[[discovery]]\nkind = "sitemap"\nurl = "http://127.0.0.1:9/c"\n'
       '[[discovery]]\nkind = "rss"\nurl = "http://127.0.0.1:9/d"\n')


def test_list_prints_every_source_one_line_per_language_and_folder(tmp_path):
    sites = sites_dir(tmp_path, {"off": OFF, "two": TWO})
    result = run_scrapy("crawlall", "--list", "-s", f"GENERIC_SITES_DIR={sites}", "-s", "CRAWLALL_DISABLED=techcrunch")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert all(len(line.split("\t")) == 4 for line in lines), lines
    names = [line.split("\t")[0] for line in lines]
    assert names[1:] == sorted(names[1:]) and list(dict.fromkeys(names)) == ["qq", *sorted(p.stem for p in sites.glob("*.toml"))]
    for line in ("qq\tjson\tzh-CN/qq\tenabled",
                 "c114\tlist\tzh-CN/c114\tenabled",
                 "thehill\trss\ten/thehill\tenabled",
                 "techcrunch\trss\ten/techcrunch\tdisabled: CRAWLALL_DISABLED",
                 "off\trss\ten/off\tdisabled: invented: needs a cookie",
                 "two\trss+sitemap\ten/two\tenabled",
                 "two\tatom\tzh-CN/two-cn\tenabled"):
        assert line in lines, line
    assert "generic" not in result.stdout and "import" not in result.stdout


def test_list_of_named_sources_and_of_crawlall_spiders(tmp_path):
    sites = sites_dir(tmp_path, {"off": OFF, "two": TWO})
    named = run_scrapy("crawlall", "--list", "off", "qq", "two", "-s", f"GENERIC_SITES_DIR={sites}")
    assert named.returncode == 0, named.stderr[-2000:]
    # A source named runs, enabled = false or not.
    assert named.stdout == ("off\trss\ten/off\tenabled\nqq\tjson\tzh-CN/qq\tenabled\n"
                            "two\trss+sitemap\ten/two\tenabled\ntwo\tatom\tzh-CN/two-cn\tenabled\n")
    chosen = run_scrapy("crawlall", "--list", "-s", f"GENERIC_SITES_DIR={sites}", "-s", "CRAWLALL_SPIDERS=c114,off")
    lines = chosen.stdout.splitlines()
    assert "c114\tlist\tzh-CN/c114\tenabled" in lines and "off\trss\ten/off\tenabled" in lines
    assert "qq\tjson\tzh-CN/qq\tdisabled: not in CRAWLALL_SPIDERS" in lines
    assert [line for line in lines if line.endswith("\tenabled")] == ["c114\tlist\tzh-CN/c114\tenabled",
                                                                       "off\trss\ten/off\tenabled"]


def test_unknown_source_is_a_usage_error():
    result = run_scrapy("crawlall", "nosuchsource")
    assert result.returncode == 2 and "unknown source" in result.stderr


def test_all_healthy_sources_in_one_process(tmp_path, capsys):
    archive, path = tmp_path / "archive", tmp_path / "report.json"
    result = run_scrapy("crawlall", *REPLAYED, "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={path}",
                        "-s", replay_settings(*REPLAYED), *QUIET)
    assert result.returncode == 0, result.stderr[-3000:]
    assert archive_files(archive) == expected_files(*REPLAYED)
    combined = json.loads(path.read_text(encoding="utf-8"))
    assert combined["command"] == "crawlall" and combined["exit_status"]["code"] == 0
    assert list(combined["sources"]) == REPLAYED
    for name in REPLAYED:
        section = combined["sources"][name]
        assert section["spider"] == name and section["written"] == 3 and section["exit_status"]["code"] == 0
        assert section["errors"]["log_error"] == 0
    assert combined["sources"]["techcrunch"]["body_fallbacks_by_kind"] == {"extract": 1}
    assert combined["totals"]["written"] == 12 and combined["totals"]["failed"] == 0
    with capsys.disabled():
        print(f"\ncrawlall healthy: {combined['summary']}")


def test_one_failing_source_fails_the_run_and_is_named(tmp_path):
    archive, path = tmp_path / "archive", tmp_path / "report.json"
    with TestServer() as server:
        server.add("GET", "/feed", Reply(status=200, body=b"<rss><channel></channel></rss>",
                                         headers={"Content-Type": "application/rss+xml"}))
        sites = sites_dir(tmp_path, {"emptyfeed": f'folder = "emptyfeed"\nlanguage = "en"\n[discovery]\n'
                                                  f'kind = "rss"\nurl = "{server.url("/feed")}"\n'})
        result = run_scrapy("crawlall", "techcrunch", "c114", "emptyfeed", "-s", f"GENERIC_SITES_DIR={sites}",
                            "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={path}",
                            "-s", replay_settings("techcrunch", "c114"), *QUIET)
    assert result.returncode == report.EXIT_DISCOVERY, result.stderr[-3000:]
    assert "emptyfeed" in result.stderr
    combined = json.loads(path.read_text(encoding="utf-8"))
    summary = combined["summary"]
    assert summary["emptyfeed"]["exit_status"] == report.EXIT_DISCOVERY
    assert summary["techcrunch"]["exit_status"] == 0 and summary["c114"]["exit_status"] == 0
    # One source's ERROR lines are not counted in the others' stats.
    assert combined["sources"]["techcrunch"]["errors"]["log_error"] == 0
    assert combined["exit_status"]["worst_sources"] == ["emptyfeed"]
    assert any(r.startswith("emptyfeed: discovery failed") for r in combined["exit_status"]["reasons"])
    assert archive_files(archive) == expected_files("techcrunch", "c114")


@pytest.mark.parametrize("argument, message", [
    ("limit=0", "limit must be a positive integer"),
    # A name no source takes (a typo of `pages`) goes to every source, and each refuses it.
    ("page=3", "unknown argument 'page'"),
])
def test_a_source_that_cannot_start_is_an_error_and_others_still_run(tmp_path, argument, message):
    archive, path = tmp_path / "archive", tmp_path / "report.json"
    result = run_scrapy("crawlall", "techcrunch", "morningstar", "-a", argument, "-s", f"ARCHIVE_DIR={archive}",
                        "-s", f"RUN_REPORT={path}", "-s", replay_settings("techcrunch", "morningstar"), *QUIET)
    # Refused by every spider's arguments: both sources fail to start (status 1).
    assert result.returncode == report.EXIT_ERRORS, result.stderr[-3000:]
    combined = json.loads(path.read_text(encoding="utf-8"))
    assert {s["exit_status"] for s in combined["summary"].values()} == {report.EXIT_ERRORS}
    for section in combined["sources"].values():
        assert message in section["start_error"] and "limit=N" in section["start_error"].split("valid arguments:")[1]
    assert archive_files(archive) == {}


def test_limit_argument_applies_to_every_source(tmp_path):
    archive = tmp_path / "archive"
    result = run_scrapy("crawlall", "iyiou", "c114", "-a", "limit=1", "-s", f"ARCHIVE_DIR={archive}",
                        "-s", replay_settings("iyiou", "c114"), *QUIET)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(archive_files(archive)) == 2


def test_an_argument_goes_only_to_the_sources_that_take_it(tmp_path):
    # channels= is qq's alone; pages= every source takes (c114's list has no {page}: nothing to page).
    archive, qq = tmp_path / "archive", ROOT / "fixtures" / "qq" / "nightly"
    settings = {"qq": {"FIXTURES_REPLAY": str(qq)}, "c114": {"FIXTURES_REPLAY": str(ROOT / "fixtures" / "c114" / "nightly")}}
    result = run_scrapy("crawlall", "qq", "c114", "-a", "channels=news_news_finance,news_news_tech", "-a", "pages=2",
                        "-s", f"ARCHIVE_DIR={archive}", "-s", "CRAWLALL_SOURCE_SETTINGS=" + json.dumps(settings), *QUIET,
                        env={"QQ_DEVICE_ID": "", "QQ_QIMEI36": "", "QQ_COOKIE": ""})
    assert result.returncode == 0, result.stderr[-3000:]
    assert archive_files(archive) == {**archive_files(qq / "expected"), **expected_files("c114")}


# ------------ the nightly job, offline

# crawlall gives qq its default channel; qq's nightly crawl also holds the tech channel (its
# crawl.json arguments), whose one new article is this one (fixtures/qq/nightly/README.md).
QQ_TECH_ONLY = "zh-CN/news/qq/20250310A09TEC.zh-CN.md"


def listed(*args: str) -> list[list[str]]:
    result = run_scrapy("crawlall", "--list", *args)
    assert result.returncode == 0, result.stderr[-2000:]
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_the_nightly_job_replays_offline_in_one_command_then_requests_nothing(tmp_path, capsys):
    """README: `scrapy crawlall -s FIXTURES_REPLAY=fixtures -s ARCHIVE_DIR=DIR`, every enabled
    source replaying its fixtures/<source>/nightly in one process: each source's expected files,
    exit 0; the same command again requests no article page and writes nothing."""
    enabled = list(dict.fromkeys(name for name, _kind, _pair, state in listed() if state == "enabled"))
    # A source without its crawl fails tests/test_fixture_crawls.py; here it is left out.
    without = [name for name in enabled if not (ROOT / "fixtures" / name / "nightly" / "index.jsonl").is_file()
               or not archive_files(ROOT / "fixtures" / name / "nightly" / "expected")]
    sources = [name for name in enabled if name not in without]
    expected = {name: archive_files(ROOT / "fixtures" / name / "nightly" / "expected") for name in sources}
    del expected["qq"][QQ_TECH_ONLY]
    archive = tmp_path / "archive"

    def night(report: Path):
        result = run_scrapy("crawlall", "-s", "FIXTURES_REPLAY=fixtures", "-s", f"ARCHIVE_DIR={archive}",
                            "-s", f"RUN_REPORT={report}", "-s", "CRAWLALL_DISABLED=" + ",".join(without), *QUIET,
                            env=CLEAN_ENV)
        assert report.is_file(), result.stderr[-3000:]
        return result, json.loads(report.read_text(encoding="utf-8"))

    first, one = night(tmp_path / "first.json")
    assert first.returncode == 0 and one["exit_status"]["code"] == 0, one["exit_status"]
    assert sorted(one["sources"]) == sorted(sources) and len(sources) >= 10
    for name, section in one["sources"].items():
        assert section["exit_status"]["code"] == 0 and section["replay"]["missing"] == 0, (name, section["exit_status"])
        assert section["written"] == len(expected[name]) > 0, name
    assert archive_files(archive) == {rel: data for files in expected.values() for rel, data in files.items()}
    assert one["totals"]["written"] == sum(len(files) for files in expected.values())

    second, two = night(tmp_path / "second.json")
    assert second.returncode == 0 and two["exit_status"]["code"] == 0, two["exit_status"]
    for name, section in two["sources"].items():
        assert (section["requested"], section["written"]) == (0, 0), name
        assert section["skipped_known"] >= one["sources"][name]["written"], name
    assert two["totals"]["requested"] == 0
    assert archive_files(archive) == {rel: data for files in expected.values() for rel, data in files.items()}
    with capsys.disabled():
        print(f"\ncrawlall offline: {len(sources)} sources, {one['totals']['written']} files in "
              f"{one['duration_seconds']} s; second run: 0 article requests in {two['duration_seconds']} s"
              + (f"; without a nightly fixture: {', '.join(without)}" if without else ""))


def test_a_source_without_its_nightly_crawl_does_not_start_and_is_named(tmp_path):
    sites = sites_dir(tmp_path, {"nofixture": 'folder = "nofixture"\nlanguage = "en"\n[discovery]\n'
                                              'kind = "rss"\nurl = "https://nofixture.example/feed"\n'})
    archive, path = tmp_path / "archive", tmp_path / "report.json"
    result = run_scrapy("crawlall", "c114", "nofixture", "-s", f"GENERIC_SITES_DIR={sites}", "-s", "FIXTURES_REPLAY=fixtures",
                        "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={path}", *QUIET)
    assert result.returncode == report.EXIT_ERRORS, result.stderr[-3000:]
    combined = json.loads(path.read_text(encoding="utf-8"))
    why = ("FixtureError: FIXTURES_REPLAY=fixtures holds no fixture crawl of nofixture: "
           "neither fixtures/index.jsonl nor fixtures/nofixture/nightly/index.jsonl")
    assert combined["sources"]["nofixture"]["start_error"] == why
    assert combined["exit_status"]["reasons"] == [f"nofixture: {why}"]
    assert combined["summary"]["c114"]["exit_status"] == 0 and combined["summary"]["c114"]["written"] == 3
    assert archive_files(archive) == expected_files("c114")

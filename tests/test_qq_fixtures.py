"""Replays of the hand-written qq fixture crawls (fixtures/qq/<name>/, see its README.md).

For each crawl: the real `scrapy crawl qq -s FIXTURES_REPLAY=fixtures/qq/<name>` (plus the
crawl's arguments from crawl.json) runs in a subprocess into a temporary archive; the files it
writes must equal `expected/` byte for byte, its run report must give the numbers of
crawl.json and exit status 0. A second replay into the same archive requests no article that
the first one wrote and writes nothing.

After a deliberate change of the output: `.venv/bin/python -m tests.support.regen_fixtures`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.cli import ROOT, run_scrapy
from tests.support.regen_fixtures import (
    CLEAN_ENV, QQ, archive_files, crawl_config, crawl_names, expected_files, replay,
)

CRAWLS = crawl_names()
REGEN = "run `.venv/bin/python -m tests.support.regen_fixtures` after a deliberate change"
# "Crawled (200) <GET https://...> (referer: ...)" at DEBUG: every response the engine got.
CRAWLED = re.compile(r"Crawled \((\d+)\) <(GET|POST) (\S+)>")


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _crawled(stderr: str) -> list[tuple[str, str, int]]:
    return [(m.group(2), m.group(3), int(m.group(1))) for m in CRAWLED.finditer(stderr)]


def _article_gets(crawled) -> list[str]:
    return [url for method, url, _ in crawled if method == "GET" and not url.endswith("/robots.txt")]


def _link(text: bytes) -> str:
    return re.search(rb"\]\((\S+)\)\s*$", text).group(1).decode()


_REPLAYS: dict[str, dict] = {}


@pytest.fixture(scope="module", params=CRAWLS)
def replayed(request, tmp_path_factory):
    return _replayed(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def nightly(tmp_path_factory):
    return _replayed("nightly", tmp_path_factory)


@pytest.fixture(scope="module")
def old_layouts(tmp_path_factory):
    return _replayed("old-layouts", tmp_path_factory)


def _replayed(name: str, tmp_path_factory) -> dict:
    """Two replays of one crawl into the same archive (the archive as a nightly run's state),
    made once per crawl for the whole module."""
    if name not in _REPLAYS:
        _REPLAYS[name] = _replay_twice(name, tmp_path_factory)
    return _REPLAYS[name]


def _replay_twice(name: str, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp(f"replay-{name}")
    archive = tmp / "archive"
    first = replay(name, archive, tmp / "first.json", log_level="DEBUG")
    files_after_first = archive_files(archive)
    second = replay(name, archive, tmp / "second.json", log_level="DEBUG")
    return {
        "name": name, "config": crawl_config(name), "archive": archive,
        "first": first, "first_report": _report(tmp / "first.json") if (tmp / "first.json").exists() else None,
        "files": files_after_first,
        "second": second, "second_report": _report(tmp / "second.json") if (tmp / "second.json").exists() else None,
        "files_after_second": archive_files(archive),
    }


def test_every_crawl_folder_is_complete():
    assert CRAWLS == ["images", "nightly", "old-layouts"]
    for name in CRAWLS:
        folder = QQ / name
        for part in ("index.jsonl", "bodies", "expected", "crawl.json", "README.md"):
            assert (folder / part).exists(), f"{folder / part} is missing"
        assert expected_files(name), f"{name}: expected/ is empty; {REGEN}"


def test_replay_writes_exactly_the_expected_files(replayed):
    first = replayed["first"]
    assert first.returncode == 0, first.stderr[-4000:]
    expected = expected_files(replayed["name"])
    produced = replayed["files"]
    assert sorted(produced) == sorted(expected), f"{replayed['name']}: other file set; {REGEN}"
    for rel in expected:
        assert produced[rel] == expected[rel], f"{replayed['name']}: {rel} differs from expected/; {REGEN}"
    # Every file is where the format puts it and links to its article's canonical address.
    for rel, text in produced.items():
        assert re.fullmatch(r"zh-CN/news/qq/[0-9A-Z]+\.zh-CN\.md", rel), rel
        assert text.startswith(b'---\ntitle: "') and text.endswith(b")\n")


def test_first_replay_report(replayed):
    report, want = replayed["first_report"], replayed["config"]["first_replay"]
    assert report is not None, replayed["first"].stderr[-4000:]
    for key in ("discovered", "skipped_known", "requested", "written", "skipped_types", "dropped",
                "body_fallbacks_by_kind"):
        assert report[key] == want[key], (key, report[key])
    for key, value in want.get("stats", {}).items():
        assert report["stats"].get(key) == value, (key, report["stats"].get(key))
    assert report["exit_status"] == {"code": 0, "name": "ok", "reasons": []}
    assert report["errors"]["counted"] == 0 and report["errors"]["log_error"] == 0
    assert report["replay"]["missing"] == 0 and report["replay"]["missing_requests"] == []
    assert report["written"] == len(replayed["files"])


def test_second_replay_requests_no_written_article_and_writes_nothing(replayed):
    second = replayed["second"]
    assert second.returncode == 0, second.stderr[-4000:]
    report, want = replayed["second_report"], replayed["config"]["second_replay"]
    for key in ("discovered", "skipped_known", "requested", "written", "dropped"):
        assert report[key] == want[key], (key, report[key])
    # Every written article, and every one dropped for a lasting reason (paid, removed: kept
    # in the folder's drop ledger), is known: the second night requests no article page.
    first_dropped = sum(replayed["config"]["first_replay"]["dropped"].values())
    assert report["stats"].get("qq/skipped_known") == len(replayed["files"]) + first_dropped
    assert report["written"] == 0 and report["stats"].get("archive/written") is None
    assert replayed["files_after_second"] == replayed["files"]  # nothing added, nothing touched
    assert report["exit_status"]["code"] == 0
    assert _article_gets(_crawled(second.stderr)) == []
    assert report["requested"] == 0
    ledger = (replayed["archive"] / "zh-CN/news/qq/.dropped.tsv").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("\t")[2] for line in ledger) == sorted(
        reason for reason, n in replayed["config"]["first_replay"]["dropped"].items() for _ in range(n))


def test_nightly_discovery_requests_and_duplicates(nightly):
    replayed = nightly
    crawled = _crawled(replayed["first"].stderr)
    posts = [url for method, url, _ in crawled if method == "POST"]
    assert posts == ["https://i.news.qq.com/web_feed/getPCList"] * 4  # 2 channels x 2 pages
    gets = _article_gets(crawled)
    # Each article once, though the feeds list 20250310A01RMC twice in one answer,
    # 20250310A03QNT on two pages and 20250310A04ACT in both channels.
    assert len(gets) == len(set(gets))
    assert sorted(u.rsplit("/", 1)[-1] for u in gets if "/rain/a/" in u) == [
        f"20250310A0{n}00" for n in ("1RMC", "2ATS", "3QNT", "4ACT", "5ORG", "6PAY", "7GON", "8RDR", "9TEC")]
    assert ("GET", "https://new.qq.com/rain/a/20250310A07GON00", 404) in crawled
    assert ("Redirecting (302) to <GET https://new.qq.com/notfound.htm?uri=http://new.qq.com/rain/a/20250310A08RDR00>"
            " from <GET https://new.qq.com/rain/a/20250310A08RDR00>") in replayed["first"].stderr
    assert not [u for u in gets if "v.qq.com" in u]  # the video entry is skipped, not fetched
    # robots.txt: new.qq.com's allows /rain/; i.news.qq.com's is a 404 (allow all).
    assert ("GET", "https://new.qq.com/robots.txt", 200) in crawled
    assert ("GET", "https://i.news.qq.com/robots.txt", 404) in crawled


def test_nightly_files_show_each_body_variant(nightly):
    replayed = nightly
    files = {Path(k).name.split(".")[0]: v.decode("utf-8") for k, v in replayed["files"].items()}
    assert sorted(files) == ["20250310A01RMC", "20250310A02ATS", "20250310A03QNT", "20250310A04ACT",
                             "20250310A05ORG", "20250310A09TEC"]
    # The feed's cover wins, even when the feed had none (originContent article).
    assert 'thumbnail: "https://inews.gtimg.com/om_ls/OFixtureRmc01_640360/0"' in files["20250310A01RMC"]
    assert 'thumbnail: ""' in files["20250310A05ORG"]
    # Lazy images: the data-src, never the data: placeholder; captions on their own line.
    assert "![](https://inews.gtimg.com/newsapp_bt/0/FixtureRmc01/1000)\n\n图为乘客在北湖站候车。" in files["20250310A01RMC"]
    assert "data:image" not in "".join(files.values())
    # Bold next to CJK without spaces; `<!-- -->` inside a sentence leaves no trace.
    assert "从**北湖站**发车" in files["20250310A01RMC"]
    assert "共吸引三百余家企业参展" in files["20250310A04ACT"]
    # originContent: placeholders become images with their caption under them.
    assert ("![](https://inews.gtimg.com/newsapp_bt/0/FixtureOrg01/0)\n\n在示例湖湿地栖息的白天鹅。"
            in files["20250310A05ORG"])
    assert "[qq](https://new.qq.com/rain/a/20250310A05ORG00)\n" in files["20250310A05ORG"]
    # The reader badge of media_info is never the author, and no script text leaks.
    assert not [t for t in files.values() if "优质" in t or "__inline_ad" in t]


def test_old_layouts_decode_and_resolve(old_layouts):
    replayed = old_layouts
    files = {Path(k).name.split(".")[0]: v.decode("utf-8") for k, v in replayed["files"].items()}
    omn, finance, tech = files["20201012A0OMN100"], files["20190923000123"], files["20161014006789"]
    # GBK served as GB2312 without meta; UTF-8 declaring gb2312; GBK declaring gb2312.
    assert 'title: "示例古镇修缮完工 十月起恢复开放"' in omn and 'date: "2020-10-12 09:05:41"' in omn
    assert 'title: "示例银行下调存款利率 专家称对居民影响有限"' in finance and 'date: "2019-09-23 07:48:00"' in finance
    assert 'title: "示例研究团队让机器人学会整理桌面"' in tech and 'date: "2016-10-14 07:17:00"' in tech
    # `//` and relative image URLs become absolute; direct URLs take the page's cover.
    # The omn caption `<i class="desc">` inline after its image: its own line under the image.
    assert "![](https://inews.gtimg.com/newsapp_bt/0/FixtureOmn01/1000)\n\n修缮后的古镇主街。\n" in omn
    assert 'thumbnail: "https://inews.gtimg.com/newsapp_bt/0/FixtureOmn01/1000"' in omn
    assert "finance.qq.com/pic/20190923/000123_01.jpg)" in finance
    assert 'thumbnail: "http://img1.gtimg.com/tech/pics/hv1/fixture/cover.jpg"' in tech
    assert "[qq](https://new.qq.com/rain/a/20201012A0OMN100)\n" in omn
    assert "“**修旧如旧**”" in omn and "**大额存单**" in finance
    assert "adPos" not in finance  # the script inside the old container is dropped


def test_readme_replay_command_works_from_the_checkout_root(tmp_path):
    """The README's `scrapy crawl qq -s FIXTURES_REPLAY=fixtures/qq/nightly`: the relative
    folder, the default channel and page (news_news_finance page 1), run from the checkout
    root. Only the archive is moved to tmp here, so that the test leaves output/ alone."""
    archive = tmp_path / "archive"
    result = run_scrapy("crawl", "qq", "-s", "FIXTURES_REPLAY=fixtures/qq/nightly",
                        "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={tmp_path / 'r.json'}",
                        cwd=ROOT, env=CLEAN_ENV)
    assert result.returncode == 0, result.stderr[-4000:]
    produced = archive_files(archive)
    expected = expected_files("nightly")
    assert sorted(produced) == [f"zh-CN/news/qq/20250310A0{n}.zh-CN.md" for n in ("1RMC", "2ATS", "3QNT", "4ACT", "5ORG")]
    assert all(produced[k] == expected[k] for k in produced)
    report = _report(tmp_path / "r.json")
    assert (report["discovered"], report["requested"], report["written"], report["dropped"]) == (6, 6, 5, {"paid": 1})


def test_replay_miss_names_the_url(tmp_path):
    """Another channel than the recorded ones: the feed POST is not in the folder -> exit 5."""
    result = run_scrapy("crawl", "qq", "-s", f"FIXTURES_REPLAY={QQ / 'nightly'}",
                        "-s", f"ARCHIVE_DIR={tmp_path / 'a'}", "-a", "channels=news_news_ent",
                        "-s", f"RUN_REPORT={tmp_path / 'r.json'}", env=CLEAN_ENV)
    assert result.returncode == 5, result.stderr[-4000:]
    (missing,) = _report(tmp_path / "r.json")["replay"]["missing_requests"]
    assert missing.startswith("POST https://i.news.qq.com/web_feed/getPCList ")
    assert '"channel_id":"news_news_ent"' in missing  # the request's body: which channel

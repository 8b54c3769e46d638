"""Times no datetime holds, and times no article can have: one bad value is one counted drop.

parse_beijing used to raise OverflowError/ValueError/OSError for them, which stopped
`import-json` at that item (the following items and files were never read) and crashed qq's
parse_feed (the entries after it on that page were never requested). Every expected date
below is written by hand."""

from __future__ import annotations

import datetime as dt
import json

import frontmatter
import pytest

from crawler.timeutil import BEIJING, BadDate, format_archive_date, implausible, parse_beijing, parse_http_date
from tests.support.cli import run_scrapy
from tests.support.qq_site import QqSite, archive_articles, load_report, page_html, qq_id, run_qq
from tests.support.server import Reply, TestServer

UNHOLDABLE = [
    "0001-01-01 00:00:00+09:00",  # UTC is year 0
    "9999-12-31 23:59:59Z",  # Beijing is year 10000
    1e20, -1e20, float("nan"), float("inf"), float("-inf"), 10**30, 10**400,
    "9999-12-31T20:00:00-05:00",  # UTC is year 10000
    dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=9))),
]


@pytest.mark.parametrize("value", UNHOLDABLE, ids=lambda value: repr(value)[:40])
def test_a_time_no_datetime_holds_is_a_bad_date(value):
    with pytest.raises(BadDate):
        parse_beijing(value)


@pytest.mark.parametrize("value", ["Mon, 01 Jan 0001 00:00:00 +0900", "Fri, 31 Dec 9999 23:59:59 -0100",
                                   "0999-06-01T00:00:00Z"])
def test_feed_times_out_of_range_are_bad_dates(value):
    # dateutil reads "0001" of an RFC 822 date as a two-digit year (2001): never a guessed year.
    with pytest.raises(BadDate):
        parse_http_date(value)


def test_epoch_milliseconds_and_seconds_still_read():
    expected = dt.datetime(2025, 2, 8, 15, 33, 20, tzinfo=BEIJING)
    assert parse_beijing(1739000000000) == parse_beijing("1739000000000") == parse_beijing(1739000000) == expected


def test_years_are_written_with_four_digits():
    assert format_archive_date(dt.datetime(999, 3, 4, 5, 6, 7, tzinfo=BEIJING)) == "0999-03-04 05:06:07"
    assert format_archive_date(dt.datetime(1, 1, 1, 0, 0, 0, tzinfo=BEIJING)) == "0001-01-01 00:00:00"


def test_the_plausible_window():
    now = dt.datetime(2026, 5, 1, 12, 0, 0, tzinfo=BEIJING)
    assert implausible(dt.datetime(1989, 12, 31, 23, 59, 59, tzinfo=BEIJING), now)
    assert implausible(dt.datetime(1970, 1, 1, 8, 0, 0, tzinfo=BEIJING), now)
    assert not implausible(dt.datetime(1990, 1, 1, 0, 0, 0, tzinfo=BEIJING), now)
    assert not implausible(dt.datetime(2026, 5, 2, 11, 59, 59, tzinfo=BEIJING), now)
    assert implausible(dt.datetime(2026, 5, 2, 12, 0, 1, tzinfo=BEIJING), now)


# ------------ import-json


def _item(n: int, pub_date) -> dict:
    return {"id": f"7100{n}", "title": f"日期测试 {n}", "description": f"<p>日期测试正文 {n}。</p>",
            "link": f"https://dates.example.test/a/{n}", "pub_date": pub_date, "source": "demo",
            "kind": 1, "language": "zh-CN", "image": "", "author": ""}


def test_import_counts_each_bad_date_and_imports_everything_after_it(tmp_path):
    good = {1: "2025-02-08 21:01:46", 4: 1739000000000, 7: "2025-02-09 06:00:00", 11: "1990-01-01 00:00:00"}
    bad = {2: "0001-01-01 00:00:00+09:00", 3: 1e20, 5: float("nan"), 6: "9999-12-31 23:59:59Z", 8: 10**30}
    implausible_ones = {9: "1970-01-01 08:00:00", 10: "2999-01-01 00:00:00", 12: 0}
    values = {**good, **bad, **implausible_ones}
    first = tmp_path / "demo" / "list.json"
    first.parent.mkdir()
    # json.dumps writes NaN as the old crawler's Python did; json.loads reads it back.
    first.write_text(json.dumps({"data": [_item(n, values[n]) for n in sorted(values)]}), encoding="utf-8")
    second = tmp_path / "demo" / "more.jsonl"
    second.write_text(json.dumps(_item(13, "2025-03-01 10:00:00")) + "\n", encoding="utf-8")
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    result = run_scrapy("import-json", str(first), str(second), "-s", f"ARCHIVE_DIR={archive}",
                        "-s", f"RUN_REPORT={report}")
    assert result.returncode == 0, result.stderr[-3000:]
    data = load_report(report)
    assert data["written"] == 5
    assert data["dropped"] == {"bad_date": 5, "implausible_date": 3}
    folder = archive / "zh-CN" / "news" / "demo"
    dates = {p.name: frontmatter.load(p)["date"] for p in folder.glob("*.md")}
    assert dates == {
        "71001.zh-CN.md": "2025-02-08 21:01:46", "71004.zh-CN.md": "2025-02-08 15:33:20",
        "71007.zh-CN.md": "2025-02-09 06:00:00", "710011.zh-CN.md": "1990-01-01 00:00:00",
        "710013.zh-CN.md": "2025-03-01 10:00:00",
    }


# ------------ qq's feed


def test_a_feed_entry_with_an_unholdable_time_does_not_end_the_page(tmp_path):
    """Entries after one with such a time are still requested and written: an id-less entry
    (its time is read to look it up in the archive) and, with `since`, any entry."""
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    with TestServer() as server:
        site = QqSite(server)
        first = site.article("FA1", title="前面的文章")
        after = site.article("FA2", title="后面的文章")
        last = site.article("FA3", title="最后的文章")
        # No qq id in its address: the spider reads the feed time to look it up by name.
        no_id = page_html("没有编号", "<p>没有编号的正文。</p>", pubtime="9999-12-31 23:59:59Z")
        server.add("GET", "/p/no-id", Reply(body=no_id.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}))
        # With an id, its time is read for `since`; its page's time is no better.
        early = site.article("FB1", title="时间太早", time="1e20")
        entries = [
            first.entry(),
            {"articletype": "0", "title": "没有编号", "publish_time": "9999-12-31 23:59:59Z",
             "link_info": {"url": server.url("/p/no-id")}},
            after.entry(),
            early.entry(publish_time="0001-01-01 00:00:00+09:00"),
            last.entry(),
        ]
        site.feed("c1", entries)
        result = run_qq(server, archive, "c1", report=report, args=("-a", "since=2025-01-01"))
    assert result.returncode == 0, result.stderr[-3000:]
    data = load_report(report)
    assert data["dropped"] == {"bad_date": 2}
    assert sorted(archive_articles(archive)) == sorted(f"{qq_id(tag)}.zh-CN.md" for tag in ("FA1", "FA2", "FA3"))


def test_json_python_refuses_is_one_bad_file_not_the_end_of_the_import(tmp_path):
    # Valid JSON that json.loads refuses with ValueError / RecursionError (not JSONDecodeError):
    # a pub_date of 5,000 digits, arrays nested 100,000 deep. Each ended the whole import.
    folder = tmp_path / "demo"
    folder.mkdir()
    digits = folder / "a.jsonl"
    digits.write_text(json.dumps(_item(21, "2025-02-08 21:01:46")) + "\n"
                      + json.dumps(_item(22, "x")).replace('"x"', "9" * 5000) + "\n", encoding="utf-8")
    deep = folder / "b.json"
    deep.write_text('{"data": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    last = folder / "c.jsonl"
    last.write_text(json.dumps(_item(23, "2025-02-09 06:00:00")) + "\n", encoding="utf-8")
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    result = run_scrapy("import-json", str(digits), str(deep), str(last), "-s", f"ARCHIVE_DIR={archive}",
                        "-s", f"RUN_REPORT={report}")
    assert result.returncode == 1, result.stderr[-3000:]  # bad files: status 1, as for broken JSON
    assert load_report(report)["stats"]["import/bad_files"] == 2
    assert sorted(p.name for p in (archive / "zh-CN" / "news" / "demo").glob("*.md")) == [
        "710021.zh-CN.md", "710023.zh-CN.md"]

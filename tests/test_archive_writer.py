"""The archive writer: names, paths, escaping, never overwriting, atomic files, hostile values."""

from __future__ import annotations

import datetime as dt
import os

import frontmatter
import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.archive import SEGMENT, TEMP_FILE, archive_name, escape, md5_name, summary, temp_name, thumbnail_url
from crawler.archive_index import ArchiveIndex
from crawler.drops import DropArticle
from crawler.items import Article
from crawler.timeutil import BEIJING
from pipelines.archive import ArchiveWriter
from tests.support.coroutines import settled
from pipelines.summary import Summarize
from pipelines.validate import ValidateArticle

WHEN = dt.datetime(2025, 2, 8, 21, 1, 46, tzinfo=BEIJING)


def article(**fields) -> Article:
    base = dict(id="20250208A0TEST", title="标题", link="https://new.qq.com/rain/a/20250208A0TEST00",
                published=WHEN, author="", thumbnail="", body_html="<p>正文</p>", category="qq",
                folder="qq", language="zh-CN", body_markdown="正文")
    base.update(fields)
    return Article(**base)


@pytest.fixture
def writer(tmp_path):
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path / "archive")})
    stats = MemoryStatsCollector(crawler)
    return ArchiveWriter(tmp_path / "archive", stats)


def write(writer, item):
    item = Summarize().process_item(ValidateArticle().process_item(item))
    return settled(writer.process_item(item))


def test_path_and_name_follow_format(writer):
    item = write(writer, article())
    assert item["archive_path"] == "zh-CN/news/qq/20250208A0TEST.zh-CN.md"
    text = (writer.root / item["archive_path"]).read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "标题"\ndate: "2025-02-08 21:01:46"\nsummary: "正文"\ncategories:\n  - "qq"\n')
    assert text.endswith("---\n\n正文\n\n[qq](https://new.qq.com/rain/a/20250208A0TEST00)\n")
    assert writer.stats.get_value("archive/written") == 1


def test_name_without_id_is_md5_of_title_and_date():
    assert archive_name("", "Title", "2025-02-08 21:01:46", "en") == md5_name("Title", "2025-02-08 21:01:46") + ".en.md"
    assert archive_name(0, "T", "2025-01-01 00:00:00", "en").startswith(md5_name("T", "2025-01-01 00:00:00"))
    assert archive_name(6182, "t", "d", "zh-CN") == "6182.zh-CN.md"


def test_name_drops_forbidden_characters():
    assert archive_name("tag:reuters.com,2025-02-10:newsml_GNE9YZ0Dc0:0", "t", "d", "en") == "tagreuters.com,2025-02-10newsml_GNE9YZ0Dc00.en.md"
    assert archive_name('a\\b/c*d?e:f"g<h>i|j', "t", "d", "en") == "abcdefghij.en.md"


def test_time_is_written_in_beijing_time(writer):
    utc = dt.datetime(2025, 2, 8, 13, 1, 46, tzinfo=dt.timezone.utc)
    item = write(writer, article(published=utc))
    post = frontmatter.load(writer.root / item["archive_path"])
    assert post["date"] == "2025-02-08 21:01:46"


def test_empty_body_leaves_three_empty_lines(writer):
    item = write(writer, article(body_html="", body_markdown=""))
    text = (writer.root / item["archive_path"]).read_text(encoding="utf-8")
    assert 'summary: ""' in text
    assert text.endswith('  - "taglist"\n---\n\n\n\n[qq](https://new.qq.com/rain/a/20250208A0TEST00)\n')


def test_never_overwrites_an_existing_file(writer):
    first = write(writer, article(title="第一"))
    path = writer.root / first["archive_path"]
    before = path.read_bytes()
    write(writer, article(title="第二"))
    assert path.read_bytes() == before
    assert writer.stats.get_value("archive/skipped_existing") == 1


@pytest.mark.parametrize("existing,new", [("20250208A08E8L", "20250208A08E8L00"), ("20250208A08E8L00", "20250208A08E8L")])
def test_either_qq_id_form_counts_as_present(tmp_path, existing, new):
    folder = tmp_path / "archive" / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True)
    (folder / f"{existing}.zh-CN.md").write_text("kept", encoding="utf-8")
    writer = ArchiveWriter(tmp_path / "archive", MemoryStatsCollector(get_crawler()))
    write(writer, article(id=new))
    assert sorted(p.name for p in folder.iterdir()) == [f"{existing}.zh-CN.md"]
    assert (folder / f"{existing}.zh-CN.md").read_text(encoding="utf-8") == "kept"
    assert writer.stats.get_value("archive/skipped_existing") == 1


def test_leftover_temporary_files_are_not_articles(tmp_path):
    folder = tmp_path / "archive" / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True)
    leftover = folder / temp_name("20250208A0TEST.zh-CN.md")
    leftover.write_text("half a fi", encoding="utf-8")
    assert TEMP_FILE.match(leftover.name) and leftover.name.startswith(".")
    writer = ArchiveWriter(tmp_path / "archive", MemoryStatsCollector(get_crawler()))
    write(writer, article())  # the same article: the leftover does not count as its file
    assert (folder / "20250208A0TEST.zh-CN.md").read_text(encoding="utf-8").startswith("---\n")
    assert writer.stats.get_value("archive/written") == 1


def test_a_folder_may_be_a_symlink_inside_the_archive(tmp_path):
    # E.g. a folder renamed with a link at its old name: the writer's guard is lexical (it
    # made 20 lstat calls per file), and a link that stays inside the archive is its own.
    news = tmp_path / "archive" / "zh-CN" / "news"
    elsewhere = news / "qq-2025"
    elsewhere.mkdir(parents=True)
    (news / "qq").symlink_to("qq-2025", target_is_directory=True)
    writer = ArchiveWriter(tmp_path / "archive", MemoryStatsCollector(get_crawler()))
    item = write(writer, article())
    assert item["archive_written"] is True
    assert (elsewhere / "20250208A0TEST.zh-CN.md").read_text(encoding="utf-8").startswith("---\n")


@pytest.mark.parametrize("link", ["zh-CN", "zh-CN/news", "zh-CN/news/qq"])
def test_a_folder_leading_out_of_the_archive_is_refused(tmp_path, link):
    # A symlink committed into the content repository: nothing is written through it.
    outside = tmp_path / "outside"
    outside.mkdir()
    archive = tmp_path / "archive"
    (archive / link).parent.mkdir(parents=True, exist_ok=True)
    (archive / link).symlink_to(outside, target_is_directory=True)
    refused = []
    index = ArchiveIndex(archive, on_refuse=refused.append)
    writer = ArchiveWriter(archive, MemoryStatsCollector(get_crawler()), index)
    for n in range(2):
        with pytest.raises(DropArticle) as exc:
            write(writer, article(id=f"20250208A0TES{n}"))
        assert exc.value.reason == "unsafe_folder"
    assert list(outside.rglob("*")) == []
    # Told once (the folder is judged once per run), naming the link and where it leads.
    assert refused == [f"archive folder {link} is a symlink leading out of the archive (to {outside})"]


def test_a_missing_folder_is_made(tmp_path):
    writer = ArchiveWriter(tmp_path / "archive", MemoryStatsCollector(get_crawler()))
    write(writer, article(folder="brand_new"))
    assert (tmp_path / "archive/zh-CN/news/brand_new/20250208A0TEST.zh-CN.md").is_file()


def test_no_temporary_file_stays_after_writing(writer):
    write(writer, article())
    names = [p.name for p in (writer.root / "zh-CN/news/qq").iterdir()]
    assert names == ["20250208A0TEST.zh-CN.md"]


HOSTILE_TITLES = [
    'He said "no"', "back\\slash\\", "line\nbreak\r\nand\ttab", "key: value", "# not a comment",
    "---", "--- \n---", "!!python/object:os.system", "emoji 🚀 and U+2028\u2028here", "  padded  ",
    "control\x01char\x7f and C1\x8f", "'single' & <html>", "{flow: [seq]}", "*alias &anchor",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_parse_back(writer, title):
    item = write(writer, article(id="", title=title, thumbnail='https://x.test/a"b\\c.jpg'))
    path = writer.root / item["archive_path"]
    assert path.parent == writer.root / "zh-CN/news/qq"
    post = frontmatter.load(path)
    expected = " ".join(title.replace("\u2028", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ").split(" ")).strip()
    assert post["title"] == expected
    # A URL is written percent-encoded where it holds such characters (`\` is `/` to browsers).
    assert post["thumbnail"] == "https://x.test/a%22b/c.jpg"
    assert post["widgets"] == ["search", "recent", "taglist"] and post["comments"] is False


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "..", "/", "a/b", "c:\\d", "***", "x" * 400, "é" * 300, "\x00nul"])
def test_hostile_ids_stay_inside_the_folder(writer, bad_id):
    item = write(writer, article(id=bad_id))
    path = (writer.root / item["archive_path"]).resolve()
    assert path.parent == (writer.root / "zh-CN/news/qq").resolve()
    assert len(path.name.encode("utf-8")) <= 255
    assert not path.name.startswith(".")
    assert frontmatter.load(path)["title"] == "标题"


def test_long_ids_are_shortened_stably_and_distinctly():
    a, b = "x" * 300 + "a", "x" * 300 + "b"
    name_a, name_b = archive_name(a, "t", "d", "en"), archive_name(b, "t", "d", "en")
    assert name_a != name_b
    assert name_a == archive_name(a, "t", "d", "en")
    assert len(name_a.encode()) == 255 and name_a.endswith(".en.md")


def test_two_megabyte_body(writer):
    body = "段落" * 500_000
    item = write(writer, article(body_html=f"<p>{body}</p>", body_markdown=body))
    post = frontmatter.load(writer.root / item["archive_path"])
    assert post.content.startswith(body[:100]) and len(post.content) > 1_000_000
    assert post["summary"] == body[:50] + "..."


@pytest.mark.parametrize("folder", ["../../outside", "..", "a/b", ".hidden"])
def test_folder_cannot_escape_its_place(writer, folder):
    with pytest.raises(DropArticle) as exc:
        write(writer, article(folder=folder))
    assert exc.value.reason == "bad_folder"
    if folder != ".hidden":
        # The writer checks again, for items that did not pass through validation.
        with pytest.raises(DropArticle) as exc:
            settled(writer.process_item(article(folder=folder)))
        assert exc.value.reason == "bad_path"
    assert [p.name for p in writer.root.parent.iterdir()] in ([], ["archive"])


def test_a_folder_with_a_trailing_newline_is_refused():
    # "$" of a regex also matches before a final "\n": "a\n" is no folder name.
    assert SEGMENT.match("a\n") is None and SEGMENT.match("a") is not None
    with pytest.raises(DropArticle) as exc:
        ValidateArticle().process_item(article(folder="demo\n"))
    assert exc.value.reason == "bad_folder"


def test_names_with_a_trailing_newline_are_neither_site_paths_nor_leftovers(tmp_path):
    from crawler.archive_index import remove_folder_leftovers

    assert thumbnail_url("/images/a.png") == "/images/a.png"
    assert thumbnail_url("/images/a.png\n") == ""  # not a site path, nor an http(s) URL
    leftover = temp_name("x.en.md")
    (tmp_path / leftover).write_text("partial", encoding="utf-8")
    (tmp_path / f"{leftover}\n").write_text("not ours", encoding="utf-8")
    assert remove_folder_leftovers(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"{leftover}\n"]


@pytest.mark.parametrize("missing", ["title", "link", "published", "language"])
def test_validation_drops_incomplete_articles(missing):
    item = article()
    item[missing] = None
    with pytest.raises(DropArticle) as exc:
        ValidateArticle().process_item(item)
    assert exc.value.reason == f"missing_{missing}"


def test_escape_rules():
    assert escape("") == "" and escape(None) == ""
    assert escape(' a"b\\c\nd\re\tf ') == 'a\\"b\\\\c d e f'


def test_summary_rules():
    assert summary("<p>短</p>", "zh-CN") == "短"
    long_zh = "字" * 80
    assert summary(f"<p>{long_zh}</p>", "zh-CN") == "字" * 50 + "..."
    assert summary("<p>" + "字" * 79 + "</p>", "zh-CN") == "字" * 79
    words = " ".join(f"w{i}" for i in range(60))
    assert summary(f"<p>{words}</p>", "en") == " ".join(f"w{i}" for i in range(50)) + "..."
    assert summary("<p>caption</p><p>next</p>", "en") == "captionnext"
    assert summary("<style>p{}</style><script>x()</script><p>a &amp; b</p>", "en") == "a & b"
    assert summary("", "en") == "" and summary("<div></div>", "zh-CN") == ""


def test_article_without_id_is_known_by_its_link(tmp_path):
    root = tmp_path / "archive"
    first = ArchiveWriter(root, MemoryStatsCollector(get_crawler()))
    write(first, article(id="", title="Old title", link="https://example.test/story-1"))
    # A later run (fresh index) sees the same link with a changed title and time.
    later = ArchiveWriter(root, MemoryStatsCollector(get_crawler()))
    write(later, article(id="", title="New title", published=WHEN + dt.timedelta(hours=3), link="https://example.test/story-1"))
    write(later, article(id="", title="Other story", link="https://example.test/story-2"))
    assert len(list((root / "zh-CN/news/qq").iterdir())) == 2
    assert later.stats.get_value("archive/skipped_existing") == 1
    assert later.stats.get_value("archive/written") == 1


def test_drop_ledger_remembers_lasting_drops(tmp_path):
    from crawler.archive_index import ArchiveIndex

    root = tmp_path / "archive"
    ArchiveIndex(root).record_drop("zh-CN", "qq", "20250310A0GONE00", "https://new.qq.com/rain/a/20250310A0GONE00", "removed")
    ArchiveIndex(root).record_drop("en", "demo", "", "https://example.test/paid", "paid")
    later = ArchiveIndex(root)
    # Either qq id form is known for the spiders; the writer (include_dropped=False) is not blocked.
    assert later.contains_name("zh-CN", "qq", "20250310A0GONE.zh-CN.md")
    assert not later.contains_name("zh-CN", "qq", "20250310A0GONE.zh-CN.md", include_dropped=False)
    assert later.contains_link("en", "demo", "https://example.test/paid")
    assert not later.contains_link("en", "demo", "https://example.test/other")
    ledger = root / "zh-CN/news/qq/.dropped.tsv"
    later.record_drop("zh-CN", "qq", "20250310A0GONE", "https://new.qq.com/rain/a/20250310A0GONE00", "removed")
    assert ledger.read_text(encoding="utf-8").count("\n") == 1  # remembered once


def test_remove_leftovers_sweeps_every_folder(tmp_path):
    from crawler.archive_index import remove_leftovers

    root = tmp_path / "archive"
    kept = []
    for language, folder in (("zh-CN", "qq"), ("en", "thehill")):
        directory = root / language / "news" / folder
        directory.mkdir(parents=True)
        (directory / temp_name(f"x.{language}.md")).write_text("partial", encoding="utf-8")
        article = directory / f"1.{language}.md"
        article.write_text("whole", encoding="utf-8")
        kept.append(article)
    assert remove_leftovers(root) == 2
    assert sorted(p for p in root.rglob("*") if p.is_file()) == sorted(kept)

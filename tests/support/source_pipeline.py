"""Run Articles through the project's real item pipelines (ITEM_PIPELINES of crawler.settings,
in order) into an archive directory, as a crawl would; used by the per-source tests of
jinwucj, wallstreetcn and thehill."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import load_object

from crawler import settings as project_settings
from crawler.drops import DropArticle

from tests.support.coroutines import settled
from tests.support.reader import NotArticle, body_verdict
from tests.support.text import rendered_text, visible_text


class _Crawler:
    def __init__(self, settings):
        self.settings = settings
        self.stats = MemoryStatsCollector(self)
        self.signals = SignalManager(self)  # no crawl sends any here (pipelines.claim connects)
        self.spider = None


def pipelines(archive_dir: str | Path) -> list:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.set("ARCHIVE_DIR", str(archive_dir))
    # In this thread: the pipelines are called here one after the other, not by a crawl (the
    # crawl tests run them with worker processes).
    settings.set("BODY_WORKERS", 0)
    crawler = _Crawler(settings)
    chain = []
    for path, _order in sorted(settings.getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1]):
        cls = load_object(path)
        try:
            chain.append(cls.from_crawler(crawler) if hasattr(cls, "from_crawler") else cls())
        except NotConfigured:  # left out, as Scrapy's middleware manager does
            continue
    return chain


def run(chain: list, item):
    """The item after every pipeline, or the DropArticle that stopped it."""
    try:
        for pipe in chain:
            item = settled(pipe.process_item(item, None))
    except DropArticle as exc:
        return exc
    return item



def text_of_html(body_html: str) -> str:
    from crawler.html_clean import TEXT_DROPPING_TAGS

    return visible_text(body_html, also_drop=TEXT_DROPPING_TAGS)


def front_matter(text: str) -> dict:
    """title/date/thumbnail/categories/lang of an archive file (the fixed layout of FORMAT.md)."""
    head = text.split("\n---\n", 1)[0]
    values = {}
    for key in ("title", "date", "summary", "thumbnail"):
        m = re.search(rf'^{key}: "(.*)"$', head, re.M)
        values[key] = m.group(1).replace('\\"', '"').replace("\\\\", "\\") if m else None
    values["categories"] = re.findall(r'^categories:\n  - "(.*)"$', head, re.M)
    values["lang"] = re.findall(r'^lang:\n  - "(.*)"$', head, re.M)
    return values


def format_escape(value: str) -> str:
    """FORMAT.md's value as written (white space collapsed to one space per character, strip)."""
    return re.sub(r"[\n\r\t]", " ", value or "").strip()


def beijing(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


def unescape_title(value: str) -> str:
    return html.unescape(value)


def split_file(text: str) -> tuple[str, str, str]:
    """(front matter, body Markdown, closing line) of an archive file."""
    assert text.startswith("---\n"), text[:80]
    head, rest = text[4:].split("\n---\n", 1)
    body, closing = rest.rsplit("\n\n", 1) if "\n\n" in rest else ("", rest)
    return head, body.strip(), closing.strip()


NAME_REMOVED = re.compile(r'[\\/*?:"<>|]')  # FORMAT.md: characters removed from a file's name
LEFT_IN = "body: holds what a person removes and the crawler keeps today (NotArticle.left_in)"


def set_aside_left_in(found: list[str], counts, strict: bool) -> list[str]:
    """The problems of check_file without LEFT_IN, counted in counts["left_in"] (unless `strict`)."""
    if LEFT_IN in found and not strict:
        counts["left_in"] += 1
        return [p for p in found if p != LEFT_IN]
    return found


def check_file(archive: Path, result, *, item: dict, folder: str, language: str, expected_title: str,
               expected_date: str, expected_thumbnail: str, body_html: str,
               removed: NotArticle = NotArticle(), category: str | None = None) -> list[str]:
    """Problems of one written article (empty list when it is right). The body's rendered text
    must be what a person keeps of the real body `body_html` (tests.support.reader), whole:
    LEFT_IN among the problems says it holds only what `removed.left_in` names besides.
    `category`: the categories value and the closing link's text (default: the folder); the
    file's name is the item's id less the characters FORMAT.md removes (`:` `/` ...)."""
    problems = []
    name = NAME_REMOVED.sub("", str(item["id"])) + f".{language}.md"
    expected_path = f"{language}/news/{folder}/{name}"
    if result.get("archive_path") != expected_path:
        problems.append(f"path {result.get('archive_path')!r} != {expected_path!r}")
        return problems
    text = (archive / expected_path).read_text(encoding="utf-8")
    values = front_matter(text)
    body = split_file(text)[1]
    checks = {
        "title": (values["title"], format_escape(expected_title)),
        "date": (values["date"], expected_date),
        "thumbnail": (values["thumbnail"], expected_thumbnail),
        "categories": (values["categories"], [category or folder]),
        "lang": (values["lang"], [language]),
        "closing": (text[text.rfind("\n\n") + 2:], f"[{category or folder}]({item['link']})\n"),  # the file's end
    }
    for what, (got, want) in checks.items():
        if got != want:
            problems.append(f"{what}: {str(got)[:120]!r} != {str(want)[:120]!r}")
    verdict = body_verdict(rendered_text(body), body_html, removed)
    if verdict:
        problems.append(LEFT_IN if verdict == "left_in" else f"body {verdict}")
    return problems

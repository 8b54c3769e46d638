"""Issue 11, section 4: the same article twice in one run makes one file (crawler.claims,
pipelines.claim), whatever the concurrency, and a bad version does not cost a good one."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json

import frontmatter
import pytest

from crawler import settings as project_settings
from crawler.claims import ArticleClaims
from crawler.items import Article
from crawler.timeutil import BEIJING
from tests.support.cli import run_scrapy
from tests.support.qq_site import archive_articles, load_report, ok_page, page_html, qq_id, run_qq
from tests.support.server import Reply, TestServer

WHEN = "2025-11-07 09:12:33"
LINK = "https://example.test/story"


def legacy(title: str, *, id: str = "", link: str = LINK, pub_date: str = WHEN) -> dict:
    return {"id": id, "title": title, "description": f"<p>{title}：灯塔旁的邮差数着海鸥写下测试句。</p>", "link": link,
            "pub_date": pub_date, "source": "demo", "kind": 1, "language": "zh-CN"}


def md5_file(title: str, date: str) -> str:
    # FORMAT.md: an article without id is named md5(title + date as written).
    return hashlib.md5((title + date).encode("utf-8")).hexdigest() + ".zh-CN.md"


def import_json(tmp_path, items: list[dict], *settings: str):
    path = tmp_path / "demo" / "list.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"data": items}, ensure_ascii=False), encoding="utf-8")
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    command = ["import-json", str(path), "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={report}"]
    for setting in settings:
        command += ["-s", setting]
    result = run_scrapy(*command)
    folder = archive / "zh-CN" / "news" / "demo"
    files = {p.name: frontmatter.load(p) for p in sorted(folder.iterdir()) if not p.name.startswith(".")}
    return result, json.loads(report.read_text(encoding="utf-8")), files


@pytest.mark.parametrize("settings", [(), ("BODY_WORKERS=0", "CONCURRENT_ITEMS=1")], ids=["workers", "in_thread"])
def test_both_id_forms_and_two_versions_of_an_idless_item_make_one_file_each(tmp_path, settings):
    items = [
        legacy("短形式", id="20251107Q7KX3M", link="https://example.test/qq/20251107Q7KX3M00"),
        legacy("长形式", id="20251107Q7KX3M00", link="https://example.test/qq/20251107Q7KX3M00"),
        legacy("无编号第一版"),
        legacy("无编号第二版", pub_date="2025-11-07 10:40:00"),  # same link: the same article
        legacy("另一篇", link="https://example.test/other"),
    ]
    result, report, files = import_json(tmp_path, items, *settings)
    assert result.returncode == 0, result.stderr[-3000:]
    # First come, first written: the file order of the input.
    assert sorted(files) == sorted(["20251107Q7KX3M.zh-CN.md", md5_file("无编号第一版", WHEN),
                                    md5_file("另一篇", WHEN)])
    assert files["20251107Q7KX3M.zh-CN.md"]["title"] == "短形式"
    assert report["written"] == 3 and report["dropped"] == {"duplicate": 2}


def test_a_version_dropped_later_leaves_its_article_to_the_next_version(tmp_path):
    pipelines = dict(project_settings.ITEM_PIPELINES)
    pipelines["tests.support.claim_stages.DropMarked"] = pipelines["pipelines.claim.ClaimArticle"] + 1
    items = [
        legacy("[bad] 坏版本", id="20251107Q7KX3M"),
        legacy("好版本", id="20251107Q7KX3M00"),
        legacy("又一版本", id="20251107Q7KX3M"),
    ]
    result, report, files = import_json(tmp_path, items, f"ITEM_PIPELINES={json.dumps(pipelines)}")
    assert result.returncode == 0, result.stderr[-3000:]
    # The bad version held the article while the others arrived; dropped, it released it:
    # the next version in line was written, the one after it is its duplicate.
    assert list(files) == ["20251107Q7KX3M00.zh-CN.md"]
    assert files["20251107Q7KX3M00.zh-CN.md"]["title"] == "好版本"
    assert report["dropped"] == {"marked_bad": 1, "duplicate": 1}


def test_a_crawl_that_meets_both_id_forms_writes_one_file(tmp_path):
    # `-a urls=` with an old address that redirects to the article's short-id address: the
    # two requests are different articles to the spider, their items one article.
    article_id = qq_id("RD1")
    short = article_id[:14]
    old = qq_id("OLD1")
    with TestServer() as server:
        page = page_html("重定向测试", "<p>重定向后的正文。</p>").encode("utf-8")
        server.add("GET", f"/rain/a/{article_id}", ok_page(page))
        server.add("GET", f"/rain/a/{short}", ok_page(page))
        server.add("GET", f"/rain/a/{old}", Reply(status=301, headers={"Location": server.url(f"/rain/a/{short}")}))
        urls = f"{server.url(f'/rain/a/{article_id}')},{server.url(f'/rain/a/{old}')}"
        result = run_qq(server, tmp_path / "archive", "unused", report=tmp_path / "r.json",
                        args=("-a", f"urls={urls}"))
        assert server.count(f"/rain/a/{short}") == 1 and server.count(f"/rain/a/{article_id}") == 1
    report = load_report(tmp_path / "r.json")
    assert result.returncode == 0, result.stderr[-3000:]
    assert list(archive_articles(tmp_path / "archive")) == [f"{article_id}.zh-CN.md"]
    assert report["written"] == 1 and report["dropped"] == {"duplicate": 1}


# ------------------------------------------------------------- ArticleClaims on its own

def article(title: str = "标题", *, id: str = "", link: str = LINK, folder: str = "demo") -> Article:
    return Article(id=id, title=title, link=link, published=dt.datetime(2025, 2, 8, 21, 1, 46, tzinfo=BEIJING),
                   language="zh-CN", folder=folder, category="demo")


async def _pending(task) -> bool:
    for _ in range(5):  # let everything runnable run: only a settle() can end the wait
        await asyncio.sleep(0)
    return not task.done()


def test_claims_follow_the_archive_rules_of_later_runs():
    async def scenario():
        claims = ArticleClaims()
        first = article(id="20251107Q7KX3M")
        assert await claims.claim(first)
        waiting = asyncio.ensure_future(claims.claim(article(id="20251107Q7KX3M00")))
        assert await _pending(waiting)
        # Other ids with the same link are other articles (as in a later run: by name only).
        assert await claims.claim(article(id="20251109B4OTHR", link=first["link"]))
        # The same id in another folder is another file.
        assert await claims.claim(article(id="20251107Q7KX3M", folder="other"))
        claims.settle(first, kept=True)
        assert await waiting is False
        # An article without id is known by its link, also an id-named article's link.
        assert not await claims.claim(article("无编号", link=first["link"]))
        return len(claims)

    assert asyncio.run(scenario()) == 2  # the two still in flight


def test_a_released_claim_goes_to_the_first_waiter_and_a_cancelled_waiter_costs_nothing():
    async def scenario():
        claims = ArticleClaims()
        bad = article("坏")
        assert await claims.claim(bad)
        cancelled = asyncio.ensure_future(claims.claim(article("取消")))
        second = asyncio.ensure_future(claims.claim(article("第二")))
        third = asyncio.ensure_future(claims.claim(article("第三")))
        assert await _pending(second) and await _pending(third)
        cancelled.cancel()
        claims.settle(bad, kept=False)
        assert await second is True
        assert await _pending(third)  # now waiting on the second
        claims.settle(bad, kept=True)  # a second outcome of one item changes nothing
        assert await _pending(third)
        return claims, third

    async def run():
        claims, third = await scenario()
        holder = next(item for item, _claim in claims._held.values())
        assert holder["title"] == "第二"
        claims.settle(holder, kept=True)
        assert await third is False

    asyncio.run(run())

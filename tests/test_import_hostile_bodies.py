"""`scrapy import-json` over bodies that broke the conversion or lost text silently.

Control characters (raw or as references) failed every such item with lxml's "All strings
must be XML compatible"; text nested deeper than libxml2's 2048 levels was cut off, with
everything after it. The expected Markdown is written by hand."""

from __future__ import annotations

import json

import frontmatter

from tests.support.cli import run_scrapy
from tests.support.qq_site import load_report


def _item(n: int, description: str) -> dict:
    return {"id": f"7200{n}", "title": f"正文测试 {n}", "description": description,
            "link": f"https://bodies.example.test/a/{n}", "pub_date": "2025-02-08 21:01:46", "source": "demo",
            "kind": 1, "language": "zh-CN", "image": "", "author": ""}


def test_control_characters_and_deep_nesting_come_out_as_text(tmp_path):
    deep = "<div><b>" * 5000 + "最深处的一句" + "</b></div>" * 5000
    bodies = {
        1: "<p>第一篇，普通。</p>",
        2: "<p><b>加\x01粗</b>正\x00文\x0b结束&#1;。</p><p>第二段&#x0B;在此</p>",
        3: "纯文本\x01一行\x0c第二句",
        4: f"<p>深层之前</p>{deep}<p>深层之后</p>",
        5: "<p>最后一篇，普通。</p>",
    }
    path = tmp_path / "demo" / "list.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"data": [_item(n, bodies[n]) for n in sorted(bodies)]}), encoding="utf-8")
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    result = run_scrapy("import-json", str(path), "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={report}")
    assert result.returncode == 0, result.stderr[-3000:]
    data = load_report(report)
    assert data["written"] == 5 and data["dropped"] == {}
    assert data["errors"]["counted"] == 0
    folder = archive / "zh-CN" / "news" / "demo"
    expected = {
        1: "第一篇，普通。",
        2: "**加粗**正文 结束。\n\n第二段 在此",
        3: "纯文本一行 第二句",
        4: "深层之前\n\n最深处的一句\n\n深层之后",
        5: "最后一篇，普通。",
    }
    for n, markdown in expected.items():
        post = frontmatter.load(folder / f"7200{n}.zh-CN.md")
        assert post.content == f"{markdown}\n\n[demo](https://bodies.example.test/a/{n})", n

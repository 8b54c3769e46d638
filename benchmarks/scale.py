"""Figure 4: a large archive (generated, never committed) and the start-up check against it.

    python -m benchmarks.scale probe ARCHIVE_DIR   (child: the check alone, JSON on stdout)

`generate(root, n)` writes n small files of the archive format into
<root>/zh-CN/news/qq/<id>.zh-CN.md, with qq-like 14-character ids (dates 2019-2024, so they
never meet the corpus's 2025 ids that the crawl brings as new articles).

The probe does what a crawl does before its first new article is requested and written: the
archive lock's sweep of leftover temporary files (crawler.lock: one os.listdir of every
folder), then the crawl's one ArchiveIndex (ArchiveIndex.for_crawler, shared by the spider and
the ArchiveWriter) answers the spider's `is_known` for the feed's entries (one os.listdir of
the folder) and the writer's check of the first item (no further listing).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

from benchmarks.common import current_rss_mb, peak_rss_mb

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TEMPLATE = """---
title: "基准测试文章 {n}"
date: "{date}"
summary: "基准测试生成的摘要 {n}。"
categories:
  - "qq"
lang:
  - "zh-CN"
translations:
  - "zh-CN"
tags:
  - "qq"
menu: ""
thumbnail: ""
lead: ""
comments: false
authorbox: false
pager: true
toc: false
mathjax: false
sidebar: "right"
widgets:
  - "search"
  - "recent"
  - "taglist"
---

基准测试生成的正文 {n}。

[qq](https://new.qq.com/rain/a/{id}00)
"""


def generated_ids(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    start = dt.date(2019, 1, 1)
    ids: set[str] = set()
    out = []
    while len(out) < n:
        day = start + dt.timedelta(days=rng.randrange(6 * 365))
        candidate = day.strftime("%Y%m%d") + "A" + "".join(rng.choice(ALNUM) for _ in range(5))
        if candidate not in ids:
            ids.add(candidate)
            out.append(candidate)
    return out


def generate(root: Path, n: int) -> Path:
    folder = root / "zh-CN" / "news" / "qq"
    folder.mkdir(parents=True, exist_ok=True)
    for i, article_id in enumerate(generated_ids(n)):
        date = f"{article_id[:4]}-{article_id[4:6]}-{article_id[6:8]} 08:00:00"
        with open(folder / f"{article_id}.zh-CN.md", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(TEMPLATE.format(n=i, date=date, id=article_id))
    return folder


def probe(archive: str, new_ids: list[str]) -> dict:
    """The start-up check as the crawl makes it, timed, with the RSS it adds."""
    from crawler.archive import archive_name
    from crawler.archive_index import ArchiveIndex, remove_leftovers
    from crawler.sources.qq import FOLDER, LANGUAGE
    from pipelines.archive import ArchiveWriter

    rss0 = current_rss_mb()
    t0 = time.perf_counter()
    remove_leftovers(archive)
    t1 = time.perf_counter()
    index = ArchiveIndex(archive)  # the crawl's shared one (ArchiveIndex.for_crawler)
    known = sum(index.contains_name(LANGUAGE, FOLDER, archive_name(i, "", "", LANGUAGE)) for i in new_ids)
    t2 = time.perf_counter()
    writer = ArchiveWriter(archive, index=index)
    writer.index.contains_name(LANGUAGE, FOLDER, archive_name(new_ids[0], "", "", LANGUAGE), include_dropped=False)
    t3 = time.perf_counter()
    rss1 = current_rss_mb()
    return {"files": index.count(LANGUAGE, FOLDER), "known": known,
            "sweep_s": t1 - t0, "index_scan_s": t2 - t1, "writer_check_s": t3 - t2, "check_s": t3 - t0,
            "rss_before_mb": rss0, "rss_after_mb": rss1, "rss_added_mb": rss1 - rss0,
            "peak_rss_mb": peak_rss_mb()}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2 or argv[0] != "probe":
        print(__doc__, file=sys.stderr)
        return 2
    new_ids = argv[2].split(",") if len(argv) > 2 else ["20250204A01TJ100"]
    print(json.dumps(probe(argv[1], new_ids)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How well the generic source extracts articles from real pages (../shared/corpus/pages/).

    .venv/bin/python -m benchmarks.generic_extraction [--pages DIR] [--json]

Every page goes through crawler.sources.generic.extract_article with a site config that gives
NO selector (the worst case: everything that is not in the page's standard metadata comes from
trafilatura), decoded as the spider decodes it (crawler.sources.qq.decide_encoding).

readability/ (source.html + expected.html, Mozilla Readability's reviewed output): the body
text is compared with the text of expected.html by a bag-of-tokens F1: tokens are lower-cased
runs of letters/digits (\\w+) outside CJK, and every CJK character on its own; precision =
shared tokens (multiset intersection) / tokens extracted, recall = shared / tokens expected,
F1 = 2PR/(P+R), averaged over pages (macro) and over all tokens (micro). A page where nothing
is extracted counts F1 0. Readability's output is a regression reference, not a hand
annotation, so the figure measures agreement with Readability rather than truth. Titles are
compared with expected-metadata.json's title (exact after white-space normalisation, and
"contained" either way).

gne/ (no expected output; breadth): the share of pages where a body of reasonable length was
extracted (at least 200 characters of visible text, CJK or not), where a title was found and
where a publication time was found (selectors none, so: article:published_time/JSON-LD or
htmldate through trafilatura).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from crawler.sources import generic

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages"
MIN_BODY_CHARS = 200
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text or "")]


def token_f1(got: str, want: str) -> tuple[float, float, float, int, int, int]:
    """(precision, recall, F1, shared, extracted, expected) of the bags of tokens."""
    a, b = Counter(tokens(got)), Counter(tokens(want))
    shared = sum((a & b).values())
    n_got, n_want = sum(a.values()), sum(b.values())
    p = shared / n_got if n_got else 0.0
    r = shared / n_want if n_want else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, shared, n_got, n_want


def html_text(html: str) -> str:
    from tests.support.text import visible_text

    return visible_text(html or "")


def config(language: str = "en") -> generic.SiteConfig:
    return generic.parse_site({"folder": "bench", "language": language,
                               "discovery": {"kind": "rss", "url": "http://127.0.0.1/feed"}}, "bench")


def extract(path: Path, language: str, url: str):
    body = path.read_bytes()
    html = generic.decode_page(body, None)
    return generic.extract_article(config(language), url, html)


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip().lower()


def readability(root: Path) -> dict:
    rows = []
    for folder in sorted(p for p in root.iterdir() if (p / "source.html").is_file() and (p / "expected.html").is_file()):
        meta = {}
        if (folder / "expected-metadata.json").is_file():
            meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        language = "zh-CN" if str(meta.get("lang") or "").lower().startswith("zh") else "en"
        started = time.perf_counter()
        extracted = extract(folder / "source.html", language, f"http://fakehost/test/{folder.name}.html")
        seconds = time.perf_counter() - started
        article = extracted.article
        want = html_text((folder / "expected.html").read_text(encoding="utf-8"))
        got = html_text(article["body_html"])
        p, r, f, shared, n_got, n_want = token_f1(got, want)
        title_want, title_got = _norm(meta.get("title")), _norm(article["title"])
        rows.append({"page": folder.name, "precision": p, "recall": r, "f1": f, "shared": shared,
                     "extracted": n_got, "expected": n_want, "seconds": seconds,
                     "title_exact": bool(title_want) and title_got == title_want,
                     "title_overlap": bool(title_want and title_got) and (title_want in title_got or title_got in title_want),
                     "has_title": bool(title_want)})
    shared, got, want = (sum(r[k] for r in rows) for k in ("shared", "extracted", "expected"))
    micro_p, micro_r = (shared / got if got else 0.0), (shared / want if want else 0.0)
    titled = [r for r in rows if r["has_title"]]
    return {
        "pages": len(rows),
        "f1_mean": statistics.fmean(r["f1"] for r in rows) if rows else 0.0,
        "f1_median": statistics.median(r["f1"] for r in rows) if rows else 0.0,
        "precision_mean": statistics.fmean(r["precision"] for r in rows) if rows else 0.0,
        "recall_mean": statistics.fmean(r["recall"] for r in rows) if rows else 0.0,
        "f1_micro": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "f1_below_0_5": sum(1 for r in rows if r["f1"] < 0.5),
        "empty": sum(1 for r in rows if r["extracted"] == 0),
        "title_exact": sum(r["title_exact"] for r in titled) / len(titled) if titled else 0.0,
        "title_overlap": sum(r["title_overlap"] for r in titled) / len(titled) if titled else 0.0,
        "seconds_mean": statistics.fmean(r["seconds"] for r in rows) if rows else 0.0,
        "worst": sorted(({"page": r["page"], "f1": round(r["f1"], 3)} for r in rows), key=lambda x: x["f1"])[:8],
    }


def gne(root: Path) -> dict:
    rows = []
    for path in sorted(root.rglob("*.html")):
        extracted = extract(path, "zh-CN", f"http://fakehost/{path.parent.name}/{path.name}")
        article = extracted.article
        text = re.sub(r"\s+", "", html_text(article["body_html"]))
        rows.append({"page": f"{path.parent.name}/{path.name}", "body_chars": len(text),
                     "body_ok": len(text) >= MIN_BODY_CHARS, "title": bool(article["title"]),
                     "time": article["published"] is not None,
                     "time_from_htmldate": "time" in extracted.fallbacks})
    n = len(rows) or 1
    return {
        "pages": len(rows),
        "body_ok": sum(r["body_ok"] for r in rows) / n,
        "title": sum(r["title"] for r in rows) / n,
        "time": sum(r["time"] for r in rows) / n,
        "time_from_htmldate": sum(r["time_from_htmldate"] for r in rows) / n,
        "body_chars_median": statistics.median(r["body_chars"] for r in rows) if rows else 0,
        "short_bodies": [r["page"] for r in rows if not r["body_ok"]],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.pages / "readability").is_dir() or not (args.pages / "gne").is_dir():
        print(f"real pages missing under {args.pages} (readability/ and gne/)", file=sys.stderr)
        return 2
    figures = {"readability": readability(args.pages / "readability"), "gne": gne(args.pages / "gne")}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    r, g = figures["readability"], figures["gne"]
    print(f"Generic extraction (no selectors: page metadata + trafilatura) on {args.pages}")
    print(f"readability: {r['pages']} pages, body vs expected.html, bag-of-tokens F1 "
          f"(\\w+ words lower-cased, CJK per character):")
    print(f"  F1 mean {r['f1_mean']:.3f}  median {r['f1_median']:.3f}  micro {r['f1_micro']:.3f}  "
          f"(precision mean {r['precision_mean']:.3f}, recall mean {r['recall_mean']:.3f})")
    print(f"  pages with F1 < 0.5: {r['f1_below_0_5']}  empty: {r['empty']}  "
          f"title exact {r['title_exact']:.1%}, title contained {r['title_overlap']:.1%}  "
          f"mean {r['seconds_mean'] * 1000:.0f} ms/page")
    print("  lowest: " + ", ".join(f"{w['page']} {w['f1']}" for w in r["worst"]))
    print(f"gne: {g['pages']} Chinese pages: body >= {MIN_BODY_CHARS} chars {g['body_ok']:.1%}, "
          f"title {g['title']:.1%}, time {g['time']:.1%} (of which htmldate {g['time_from_htmldate']:.1%}); "
          f"median body {g['body_chars_median']} chars")
    if g["short_bodies"]:
        print("  short or empty bodies: " + ", ".join(g["short_bodies"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

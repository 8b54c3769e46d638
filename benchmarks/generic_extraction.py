"""The generic extraction (no selectors) against trafilatura and readability on real pages.

    .venv/bin/python -m benchmarks.generic_extraction [--pages DIR] [--half dev|held-out|both]
                                                      [--json PATH] [--per-page] [--pages-detail]

What runs, the scores, the sets and where their truth comes from, the figures:
benchmarks/README.md ("The generic extraction").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages"
SYNTHETIC_BYTES = 8000
GOAL_SETS = ("en-news", "mixed", "zh")
CJK_SHARE = 0.3
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+", re.UNICODE)
_CJK_CHAR = re.compile(rf"[{_CJK}]")

# English-language pages of news and magazine publishers among readability/ (by publisher).
EN_NEWS = (
    "ars-1", "article-author-tag", "bbc-1", "breitbart", "bug-1255978", "buzzfeed-1", "citylab-1",
    "cnet", "cnn", "engadget", "guardian-1", "herald-sun-1", "lazy-image-2", "lifehacker-post-comment-load",
    "lifehacker-working", "medicalnewstoday", "msn", "nytimes-1", "nytimes-2", "nytimes-3", "nytimes-4",
    "quanta-1", "salon-1", "schema-org-context-object", "seattletimes-1", "telegraph", "theverge", "tmz-1",
    "videos-1", "wapo-1", "wapo-2", "webmd-1", "webmd-2", "wikia", "wordpress", "yahoo-1", "yahoo-3",
)

# The publisher's article container of each gne/ site ("site" or "site/file"): the first
# selector that matches is the truth.
GNE_TRUTH = {
    "163": "#endText",
    "163/9.html": "div.article_box > #content",
    "baijiahao": "div.article-content",
    "cjddsb": "div.single-content",
    "cjn": "div.TRS_Editor",
    "csdn": "div.news_content",
    "ednchina": "div.article_text",
    "gamersky": "div.gsAreaContextArt",
    "gsc": "div.detailCon",
    "guancha": "div.all-txt",
    "gzggw": "#zoom",
    "hexun": "div.art_contextBox",
    "huanqiu": "div.a-con",
    "ifeng": "#main_content, div.main_content-LcrEruCc",
    "mingridapan": "div.page_art_content",
    "njxfhn": "div.post-body",
    "people": "#rwb_zw",
    "qq": "#Cnt-Main-Article-QQ, div.content-article",
    "readhub": "div[class^='summary']",
    "shanxi": "div.TRS_Editor",
    "sina": "#artibody, #article",
    "stcn": "#ctrlfscont",
    "sxmu": "#vsb_content",
    "thepaper": "div.news_txt",
    "toutiao": "div.article-content",
    "wechat": "#js_content",
    "xds": "div.statuses-text",
    "xinhuanet": "#p-detail",
    "zsnews": "td[style*='line-height:166%']",
    "zyyfy": "#div_article_content",
}


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text or "")]


def token_f1(got: list[str], want: list[str]) -> tuple[float, float, float]:
    """(precision, recall, F1) of the bags of tokens."""
    a, b = Counter(got), Counter(want)
    shared = sum((a & b).values())
    p = shared / len(got) if got else 0.0
    r = shared / len(want) if want else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (bit-parallel, Allison-Dix/Hyyro: one pass
    over b with a bit vector as long as a)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, x in enumerate(a):
        masks[x] = masks.get(x, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for y in b:
        m = masks.get(y)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def rouge_l(got: list[str], want: list[str]) -> float:
    lcs = lcs_length(got, want)
    if not lcs:
        return 0.0
    p, r = lcs / len(got), lcs / len(want)
    return 2 * p * r / (p + r)


_DROP = ("script", "style", "template", "noscript")


def element_text(element) -> str:
    """The text of an element as a reader sees it: text nodes joined with spaces, no
    script/style/template/noscript, no comments."""
    parts = []
    for node in element.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _DROP or not tag:
            if node.tail and node is not element:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
        if node.tail and node is not element:
            parts.append(node.tail)
    return " ".join(p.strip() for p in parts if p.strip())


def _inside_dropped(node) -> bool:
    parent = node.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and parent.tag.lower() in _DROP:
            return True
        parent = parent.getparent()
    return False


def html_text(html: str) -> str:
    if not html or not html.strip():
        return ""
    root = lxml_html.fromstring(html)
    for node in list(root.iter(*_DROP)):
        if node.getparent() is not None and not _inside_dropped(node):
            node.drop_tree()
    return element_text(root)


_MD = None


def markdown_text(markdown: str) -> str:
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    return html_text(_MD.render(markdown or ""))


def half_of(folder: str) -> str:
    return "dev" if int(hashlib.sha1(folder.encode("utf-8")).hexdigest()[0], 16) % 2 == 0 else "held-out"


# ------------ the pages and their truth


@dataclass
class Page:
    name: str  # readability/<folder> or gne/<site>/<file>
    path: Path
    url: str
    language: str
    truth: str  # the expected text
    sets: list[str]
    half: str
    html: str = ""


def _decode(path: Path) -> str:
    from crawler.charset import decode_page

    return decode_page(path.read_bytes(), None)


def readability_pages(root: Path) -> list[Page]:
    pages = []
    for folder in sorted(p for p in root.iterdir() if (p / "source.html").is_file() and (p / "expected.html").is_file()):
        truth = html_text((folder / "expected.html").read_text(encoding="utf-8"))
        chars = re.sub(r"\s+", "", truth)
        cjk = len(_CJK_CHAR.findall(chars)) / len(chars) if chars else 0.0
        sets = []
        if (folder / "source.html").stat().st_size >= SYNTHETIC_BYTES:
            sets.append("mixed")
            if folder.name in EN_NEWS:
                sets.append("en-news")
            if cjk >= CJK_SHARE:
                sets += ["zh", "zh-readability"]
        if sets:
            pages.append(Page(f"readability/{folder.name}", folder / "source.html",
                              f"http://fakehost/test/{folder.name}/", "zh-CN" if cjk >= CJK_SHARE else "en",
                              truth, sets, half_of(folder.name)))
    return pages


def gne_truth(page_html: str, selector: str) -> str:
    root = lxml_html.fromstring(page_html)
    for css in selector.split(","):
        found = root.cssselect(css.strip())
        if found:
            return html_text(lxml_html.tostring(found[0], encoding="unicode"))
    return ""


def gne_pages(root: Path) -> tuple[list[Page], list[str]]:
    pages, missing = [], []
    for path in sorted(root.rglob("*.html")):
        site = path.parent.name
        selector = GNE_TRUTH.get(f"{site}/{path.name}") or GNE_TRUTH.get(site)
        html = _decode(path)
        truth = gne_truth(html, selector) if selector else ""
        if len(re.sub(r"\s+", "", truth)) < 50:
            missing.append(f"{site}/{path.name}")
            continue
        pages.append(Page(f"gne/{site}/{path.name}", path, f"http://fakehost/{site}/{path.name}", "zh-CN",
                          truth, ["zh", "zh-gne"], half_of(site), html))
    return pages, missing


# ------------ the extractors


def site_config(language: str):
    from crawler.sources import generic

    return generic.parse_site({"folder": "bench", "language": language,
                               "discovery": {"kind": "rss", "url": "http://127.0.0.1/feed"}}, "bench")


def run_ours(page: Page, config) -> str:
    from crawler.body import body_markdown
    from crawler.sources import generic

    article = generic.extract_article(config, page.url, page.html).article
    return body_markdown(article["body_html"], page.url)


def run_trafilatura(page: Page, config) -> str:
    import trafilatura

    return trafilatura.extract(page.html, url=page.url, include_comments=False, include_tables=True) or ""


def run_readability(page: Page, config) -> str:
    from readability import Document

    try:
        return Document(page.html).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - readability-lxml raises on some pages: nothing extracted
        return ""


EXTRACTORS = {
    "ours": (run_ours, markdown_text),
    "trafilatura": (run_trafilatura, lambda text: text),
    "readability": (run_readability, html_text),
}


@dataclass
class Result:
    page: Page
    scores: dict = field(default_factory=dict)  # extractor -> {"p","r","f1","rouge_l"}
    seconds: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)


def run(pages: list[Page], extractors=tuple(EXTRACTORS), keep_outputs=False) -> list[Result]:
    results = []
    configs = {lang: site_config(lang) for lang in ("en", "zh-CN")}
    for index, page in enumerate(pages):
        if not page.html:
            page.html = _decode(page.path)
        result = Result(page)
        want = tokens(page.truth)
        order = list(extractors)
        shift = index % len(order)
        order = order[shift:] + order[:shift]
        for name in order:
            extract, to_text = EXTRACTORS[name]
            started = time.perf_counter()
            out = extract(page, configs[page.language])
            result.seconds[name] = time.perf_counter() - started
            text = to_text(out)
            if keep_outputs:
                result.outputs[name] = text
            got = tokens(text)
            p, r, f = token_f1(got, want)
            score = {"p": p, "r": r, "f1": f}
            if page.language == "zh-CN":
                score["rouge_l"] = rouge_l(got, want)
            result.scores[name] = score
        results.append(result)
    return results


def summary(results: list[Result], extractors) -> dict:
    out = {"pages": len(results)}
    for name in extractors:
        f1 = [r.scores[name]["f1"] for r in results]
        rl = [r.scores[name]["rouge_l"] for r in results if "rouge_l" in r.scores[name]]
        secs = [r.seconds[name] for r in results]
        out[name] = {
            "f1": statistics.fmean(f1) if f1 else 0.0,
            "precision": statistics.fmean(r.scores[name]["p"] for r in results) if results else 0.0,
            "recall": statistics.fmean(r.scores[name]["r"] for r in results) if results else 0.0,
            "rouge_l": statistics.fmean(rl) if rl else None,
            "ms_median": statistics.median(secs) * 1000 if secs else 0.0,
            "s_sum": sum(secs),
        }
    if "ours" in extractors and "trafilatura" in extractors and results:
        t, o = out["trafilatura"], out["ours"]
        out["time_ratio_median"] = o["ms_median"] / t["ms_median"] if t["ms_median"] else 0.0
        out["time_ratio_sum"] = o["s_sum"] / t["s_sum"] if t["s_sum"] else 0.0
    return out


SETS = (
    ("en-news", "English news/magazine pages of readability/ (EN_NEWS), truth expected.html"),
    ("mixed", f"readability/ pages but the synthetic fixtures (source.html < {SYNTHETIC_BYTES} B), "
              "10+ languages, truth expected.html"),
    ("zh", "every Chinese/CJK page: zh-readability and zh-gne below"),
    ("zh-readability", f"readability/ pages whose expected text is >= {CJK_SHARE:.0%} CJK, truth expected.html"),
    ("zh-gne", "gne/ Chinese news pages, truth: the publisher's article container (GNE_TRUTH)"),
)


def table(results: list[Result], extractors, halves) -> tuple[list[str], dict]:
    lines, figures = [], {}
    head = f"{'set':15} {'half':8} {'pages':>5}  " + "  ".join(f"{n:>19}" for n in extractors)
    head += f"  {'ours ms':>7} {'traf ms':>7} {'ratio med':>9} {'ratio sum':>9}"
    lines.append(head)
    for set_name, _ in SETS:
        for half in halves:
            rows = [r for r in results if set_name in r.page.sets and (half == "all" or r.page.half == half)]
            if not rows:
                continue
            s = summary(rows, extractors)
            figures[f"{set_name}/{half}"] = s
            cells = []
            for n in extractors:
                cell = f"F1 {s[n]['f1']:.3f}"
                if s[n]["rouge_l"] is not None and set_name.startswith("zh"):
                    cell += f" RL {s[n]['rouge_l']:.3f}"
                cells.append(f"{cell:>19}")
            line = f"{set_name:15} {half:8} {s['pages']:5d}  " + "  ".join(cells)
            if "time_ratio_median" in s:
                line += (f"  {s['ours']['ms_median']:7.1f} {s['trafilatura']['ms_median']:7.1f} "
                         f"{s['time_ratio_median']:9.2f} {s['time_ratio_sum']:9.2f}")
            lines.append(line)
    return lines, figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--half", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--only", action="append", help="extractors to run (ours, trafilatura, readability)")
    parser.add_argument("--json", type=Path, help="write the figures (and per-page scores) as JSON")
    parser.add_argument("--per-page", action="store_true", help="print every page's F1 per extractor")
    parser.add_argument("--pages-detail", action="store_true",
                        help="dev half only: every page's F1, ours vs trafilatura and the difference, worst first "
                             "(held-out pages are never listed: the rules are studied on dev)")
    args = parser.parse_args(argv)
    if not (args.pages / "readability").is_dir() or not (args.pages / "gne").is_dir():
        print(f"real pages missing under {args.pages} (readability/ and gne/)", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)  # trafilatura/readability-lxml log every odd page
    extractors = tuple(args.only or EXTRACTORS)
    try:
        import readability  # noqa: F401 - readability-lxml
    except ImportError:
        if "readability" in extractors:
            print("readability-lxml is not installed (pip install readability-lxml; not in the project's extras: "
                  "it pins cssselect<1.4, constraints.txt has 1.6.0): its column is left out", file=sys.stderr)
            extractors = tuple(e for e in extractors if e != "readability")
    pages = readability_pages(args.pages / "readability")
    gne, missing = gne_pages(args.pages / "gne")
    pages += gne
    if args.half != "both":
        pages = [p for p in pages if p.half == args.half]
    results = run(pages, extractors)
    halves = ("dev", "held-out") if args.half == "both" else (args.half,)
    lines, figures = table(results, extractors, halves)
    print(f"Generic extraction on {args.pages}: token F1 (and character-level ROUGE-L on Chinese sets), "
          "macro mean over pages; time per page (median) and ours/trafilatura ratio of medians and sums.")
    print("Halves by sha1 of the folder name (gne/: of the site); rules tuned on dev only.")
    for set_name, what in SETS:
        counts = {h: sum(1 for r in results if set_name in r.page.sets and r.page.half == h) for h in ("dev", "held-out")}
        print(f"  {set_name}: {what}; {counts['dev']} dev + {counts['held-out']} held-out pages")
    if missing:
        print(f"  gne/ pages without truth (left out): {', '.join(missing)}")
    print("\n".join(lines))
    if args.per_page:
        for r in results:
            print(f"{r.page.name:45} {r.page.half:8} " + " ".join(
                f"{n} {r.scores[n]['f1']:.3f}" + (f"/{r.scores[n]['rouge_l']:.3f}" if "rouge_l" in r.scores[n] else "")
                for n in extractors))
    if args.pages_detail:
        rows = [r for r in results if r.page.half == "dev" and {"ours", "trafilatura"} <= set(r.scores)]
        rows.sort(key=lambda r: r.scores["ours"]["f1"] - r.scores["trafilatura"]["f1"])
        print(f"{'dev page':45} {'ours':>6} {'traf':>6} {'diff':>7}")
        for r in rows:
            ours, traf = r.scores["ours"]["f1"], r.scores["trafilatura"]["f1"]
            print(f"{r.page.name:45} {ours:6.3f} {traf:6.3f} {ours - traf:+7.3f}")
    if args.json:
        figures["pages"] = [{"page": r.page.name, "half": r.page.half, "sets": r.page.sets,
                             "scores": r.scores, "seconds": r.seconds} for r in results]
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Child process of figure 5: hostile bodies, cleaned and converted (crawler.body.body_markdown).

    python -m benchmarks.hostile [--reps N] [--stop SECONDS]

Prints one JSON line: for each shape, the seconds of one body_markdown call (of one
clean_body_html call for the shapes of CLEAN_ONLY) (the median of --reps) at each size. Sizes double, so that a linear cost doubles from one size to the next
and a quadratic one quadruples; a series stops where the next size, even at the same cost
per byte, would take more than --stop seconds (its larger sizes are reported as not run), which
keeps a regression from holding the benchmark for minutes. Every body is invented here; its text must come out whole, else the
run fails (a fast conversion that loses the text is no figure).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

# name -> (body for n, the sizes n, text that must be in the Markdown)
SIBLING_SIZES = (5_000, 10_000, 20_000, 40_000)
PAIR_SIZES = (10_000, 20_000, 40_000)
SHAPES = {
    "sibling <b>粗</b>字": (lambda n: "<p>" + "<b>粗</b>字" * n + "</p>", SIBLING_SIZES, "粗**字"),
    "sibling <i>斜</i>字": (lambda n: "<p>" + "<i>斜</i>字" * n + "</p>", PAIR_SIZES, "斜*字"),
    "<br> in one link": (lambda n: '<p><a href="https://e.example/">' + "字<br>" * n + "</a></p>", PAIR_SIZES, "字 字"),
    "comments between words": (lambda n: "<p>" + "字<!-- -->" * n + "</p>", PAIR_SIZES, "字字"),
    "scripts between words": (lambda n: "<p>" + "字<script>x</script>" * n + "</p>", PAIR_SIZES, "字字"),
    "empty spans between words": (lambda n: "<p>" + "字<span></span>" * n + "</p>", PAIR_SIZES, "字字"),
    "forms around words": (lambda n: "<p>" + "<form>字</form>" * n + "</p>", PAIR_SIZES, "字字"),
    "nested <div><b>": (lambda n: "<div><b>" * n + "深处" + "</b></div>" * n + "<p>之后</p>", (1_500, 5_000), "深处"),
    "nested <div>": (lambda n: "<div>" * n + "深处" + "</div>" * n + "<p>之后</p>", (1_500, 5_000), "深处"),
    # Ordinary markup in bulk (60,000 paragraphs: 5.8 MB), a comment and a lazy image in each.
    "paragraphs, cleaning only": (
        lambda n: "<div>" + "<p>这是一个很长的段落<span>内容</span><!-- --><img data-src='/p.jpg' src='x.gif'></p>" * n
        + "</div>", (15_000, 30_000, 60_000),
        '段落<span>内容</span><img src="https://e.example/p.jpg"></p><p>这是'),
}
# Timed through crawler.html_clean.clean_body_html alone (their output is HTML).
CLEAN_ONLY = frozenset({"paragraphs, cleaning only"})


def measure(reps: int, stop_s: float) -> dict:
    from crawler.body import body_markdown
    from crawler.html_clean import clean_body_html

    body_markdown("<p><b>预热</b></p>", "")  # imports and first-call costs out of the clock
    results = {}
    for name, (make, sizes, must) in SHAPES.items():
        rows, per_kb = [], 0.0
        convert = clean_body_html if name in CLEAN_ONLY else body_markdown
        for n in sizes:
            body = make(n)
            kb = len(body.encode()) / 1024
            if per_kb * kb > stop_s:
                rows.append({"n": n, "kb": kb, "s": None})
                per_kb = float("inf")
                continue
            times = []
            for _ in range(reps):
                started = time.perf_counter()
                markdown = convert(body, "https://e.example/a/1")
                times.append(time.perf_counter() - started)
            whole = name not in CLEAN_ONLY or markdown.count("<img") == n  # one image a paragraph
            if must not in markdown or ("之后" in body and "之后" not in markdown) or not whole:
                raise SystemExit(f"hostile {name} x {n}: the text did not come out whole")
            seconds = statistics.median(times)
            rows.append({"n": n, "kb": kb, "s": seconds})
            per_kb = seconds / kb
        results[name] = rows
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--stop", type=float, default=5.0,
                        help="seconds the next size of a series may be expected to take")
    args = parser.parse_args(argv)
    print(json.dumps({"shapes": measure(args.reps, args.stop)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

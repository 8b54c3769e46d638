"""Benchmarks of the qq crawler: one command, one table of figures (see benchmarks/README.md).

    .venv/bin/python -m benchmarks.run            # full: all real bodies, 2,000-page crawls, 100,000 files
    .venv/bin/python -m benchmarks.run --quick    # small, under a minute (CI: figures printed, not judged)
    python benchmarks/run.py [--quick] [--profile] [--reps N]

Exit status: 0 when the benchmark ran (whatever the figures; a missed target is a MISS in the
table), 1 when the benchmark itself broke (missing ../shared, a crawl that failed, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "benchmarks"

from benchmarks.common import (  # noqa: E402
    BenchmarkError, child_env, median, percentile, run_child, run_measured, usable_items,
)

TARGET_MS = 8.0
TARGET_RATIO = 0.7
TARGET_SCALE_S = 1.0
TARGET_SCALE_MB = 150.0
# Hostile bodies: the cost per KB at a series' largest size over the one before (1x when the
# cost is linear in the size, 2x when it is quadratic and the size doubles).
TARGET_PER_KB_GROWTH = 1.5

OFFLINE_VARIANTS = ("full", "floor", "old", "full_nofsync")
OFFLINE_LABELS = {
    "full": "ours: page -> parse_article -> 4 pipelines -> file",
    "floor": "floor: HtmlResponse + parse_article, no-op pipeline",
    "old": "old way: bs4(html.parser) + markdownify + regex summary",
    "full_nofsync": "what-if: ours with os.fsync a no-op (not the code as is)",
}


class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []

    def section(self, title: str) -> None:
        self.rows.append((title, "", "", "#"))

    def add(self, name: str, value: str, target: str = "", verdict: str = "") -> None:
        self.rows.append((name, value, target, verdict))

    def render(self) -> str:
        w0 = max(len(r[0]) for r in self.rows if r[3] != "#")
        w1 = max([len(r[1]) for r in self.rows if r[3] != "#" and len(r[1]) <= 24] + [6])
        w2 = max([len(r[2]) for r in self.rows if r[3] != "#"] + [6])
        lines = []
        for name, value, target, verdict in self.rows:
            if verdict == "#":
                lines.append("")
                lines.append(name)
                lines.append("-" * len(name))
                continue
            lines.append(f"  {name:<{w0}}  {value:>{w1}}  {target:<{w2}}  {verdict}".rstrip())
        return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def fmt(value, spec: str = ".2f", unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{unit}"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def have(*modules: str) -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in modules)


# ------------ 1


def offline(table: Table, args, findings: dict) -> dict:
    reps = args.reps
    variants = OFFLINE_VARIANTS if not args.quick else OFFLINE_VARIANTS[:3]  # no what-if in --quick
    if not have("bs4", "markdownify"):
        variants = tuple(v for v in variants if v != "old")
        findings["notes"].append("old way not measured: beautifulsoup4/markdownify missing "
                                 "(.venv/bin/pip install -e '.[bench]')")
    per_variant: dict[str, list[dict]] = {v: [] for v in variants}
    for rep in range(reps):
        order = variants[rep % len(variants):] + variants[:rep % len(variants)]
        if rep % 2:
            order = tuple(reversed(order))
        for variant in order:
            cmd = ["-m", "benchmarks.offline", "--variant", variant, "--work", str(args.work)]
            if args.offline_limit:
                cmd += ["--limit", str(args.offline_limit)]
            log(f"offline rep {rep + 1}/{reps}: {variant}")
            r = run_child(cmd)
            wall = r.pop("wall_ms")
            cpu = r.pop("cpu_ms")
            stage = {k: median(v) for k, v in (r.pop("stage_ms", None) or {}).items() if v}
            per_variant[variant].append({
                "median_ms": median(wall), "p95_ms": percentile(wall, 95), "cpu_ms": median(cpu),
                "per_s": len(wall) / (sum(wall) / 1000) if wall else None,
                "per_cpu_s": len(cpu) / (sum(cpu) / 1000) if cpu else None,
                "peak_rss_mb": r["peak_rss_mb"], "rss_before_mb": r["rss_before_mb"],
                "articles": r["articles"], "skipped": r["skipped_empty"], "drops": r["drops"],
                "written": r.get("written"), "stage": stage,
            })
    agg = {}
    for variant, runs in per_variant.items():
        agg[variant] = {key: median([run[key] for run in runs])
                        for key in ("median_ms", "p95_ms", "cpu_ms", "per_s", "per_cpu_s", "peak_rss_mb",
                                    "rss_before_mb")}
        agg[variant]["stage"] = {s: median([run["stage"].get(s) for run in runs]) for s in runs[0]["stage"]}
        agg[variant]["articles"] = runs[0]["articles"]
        agg[variant]["skipped"] = runs[0]["skipped"]
        agg[variant]["drops"] = runs[0]["drops"]
        agg[variant]["written"] = runs[0]["written"]
    full = agg["full"]
    if full["written"] is not None and full["written"] + sum(full["drops"].values()) != full["articles"]:
        raise BenchmarkError(f"offline: {full['articles']} pages but {full['written']} files and drops {full['drops']}")

    table.section(f"1. Offline pipeline per article ({full['articles']} real qq bodies as current-layout pages, "
                  f"{full['skipped']} empty bodies skipped; {reps} reps alternating, medians; "
                  f"{full['written']} files written per rep, drops {full['drops'] or 'none'})")
    for variant in variants:
        a = agg[variant]
        table.add(OFFLINE_LABELS[variant], "")
        is_ours = variant == "full"
        table.add("  ms/article median (wall)", fmt(a["median_ms"]), f"<= {TARGET_MS:g} ms" if is_ours else "",
                  verdict(a["median_ms"] <= TARGET_MS) if is_ours else "")
        table.add("  ms/article p95 (wall)", fmt(a["p95_ms"]))
        table.add("  ms/article median (CPU of the thread)", fmt(a["cpu_ms"]))
        table.add("  articles/s on one core (1000 / median ms)", fmt(1000 / a["median_ms"], ".0f"),
                  f">= {1000 / TARGET_MS:g}/s" if is_ours else "",
                  verdict(1000 / a["median_ms"] >= 1000 / TARGET_MS) if is_ours else "")
        table.add("  articles/s over the whole loop (wall; CPU)", f"{a['per_s']:.0f}; {a['per_cpu_s']:.0f}")
        table.add("  peak RSS of the child (MB; before the loop)",
                  f"{a['peak_rss_mb']:.0f} ({a['rss_before_mb']:.0f})")
        if a["stage"]:
            table.add("  median ms by stage", "  ".join(f"{k} {v:.2f}" for k, v in a["stage"].items()))
    table.add("ratio ours / floor (median ms)", fmt(full["median_ms"] / agg["floor"]["median_ms"], ".2f", "x"))
    if "old" in agg:
        table.add("ratio ours / old way (median ms)", fmt(full["median_ms"] / agg["old"]["median_ms"], ".2f", "x"))
        table.add("ratio ours without write / old way", fmt(
            (full["median_ms"] - (full["stage"].get("write") or 0)) / agg["old"]["median_ms"], ".2f", "x"))
    if "full_nofsync" in agg:
        table.add("ratio what-if (no fsync) / ours", fmt(agg["full_nofsync"]["median_ms"] / full["median_ms"], ".2f", "x"))
    findings["offline_missed"] = full["median_ms"] > TARGET_MS
    return agg


# ------------ 2 and 3


def crawls(table: Table, args, findings: dict, site) -> None:
    from benchmarks.crawl import check, run_crawl

    n = len(site.articles)
    full_runs, noop_runs, again_runs = [], [], []
    # Beside the two compared crawls (full run only): the same crawl with the bodies converted
    # in the reactor's thread (BODY_WORKERS=0, a setting), and with os.fsync and the group
    # syncfs no-ops (a what-if patched into that process only: the price of the durability).
    other_runs: dict[str, list] = {"inthread": [], "nofsync": []}
    kinds = ("full", "noop") if args.quick else ("full", "noop", "inthread", "nofsync")
    for rep in range(args.crawl_reps):
        order = kinds[rep % len(kinds):] + kinds[:rep % len(kinds)]
        if rep % 2:
            order = tuple(reversed(order))
        for kind in order:
            # Archives stay until the benchmark ends (see work_dir()).
            archive = Path(tempfile.mkdtemp(prefix=f"archive-{kind}-", dir=args.work))
            log(f"crawl rep {rep + 1}/{args.crawl_reps}: {kind} ({n} pages)")
            run = run_crawl(site, archive, label=kind, noop=kind == "noop",
                            whatif="nofsync" if kind == "nofsync" else None,
                            settings={"BODY_WORKERS": 0} if kind == "inthread" else None)
            if kind in other_runs:
                check(run, expect_requests=n, expect_written=n)
                other_runs[kind].append(run)
            elif kind == "noop":
                check(run, expect_requests=n, expect_scraped=n)
                noop_runs.append(run)
            else:
                check(run, expect_requests=n, expect_written=n)
                full_runs.append(run)
                log(f"crawl rep {rep + 1}/{args.crawl_reps}: second night over {n} files")
                again = run_crawl(site, archive, label="second night")
                check(again, expect_requests=again.article_requests)  # the count is the figure
                again_runs.append(again)

    def pps(runs):
        return median([r.pages_per_s(n) for r in runs])

    table.section(f"2. Crawl over real sockets: scrapy crawl qq, {n} article pages + {site.feed_pages} feed pages "
                  f"from 127.0.0.1 ({args.crawl_reps} reps alternating, medians; CONCURRENT_REQUESTS 64, "
                  "AUTOTHROTTLE off, DOWNLOAD_DELAY 0)")
    full_pps, noop_pps = pps(full_runs), pps(noop_runs)
    table.add("pages/s, all pipelines (crawl's elapsed_time_seconds)", fmt(full_pps, ".0f"))
    table.add("pages/s, ITEM_PIPELINES={} (no-op)", fmt(noop_pps, ".0f"))
    ratio = full_pps / noop_pps if full_pps and noop_pps else None
    table.add("ratio all pipelines / no-op", fmt(ratio, ".2f", "x"), f">= {TARGET_RATIO:g}x",
              verdict(ratio >= TARGET_RATIO if ratio else None))
    workers = (full_runs[0].stats or {}).get("body_workers/processes", 0)
    table.add("body worker processes in the crawl (BODY_WORKERS auto)", str(workers))
    for kind, label, note in (("inthread", "BODY_WORKERS=0 (bodies converted in the reactor's thread)", "ratio / no-op"),
                              ("nofsync", "what-if: os.fsync and syncfs no-ops", "ratio what-if / no-op (not the code as is)")):
        if other_runs[kind]:
            wpps = pps(other_runs[kind])
            table.add(f"pages/s, {label}", fmt(wpps, ".0f"))
            table.add(f"  {note}", fmt(wpps / noop_pps, ".2f", "x"))
    table.add("process wall s, all pipelines / no-op",
              f"{median([r.wall_s for r in full_runs]):.1f} / {median([r.wall_s for r in noop_runs]):.1f}")
    table.add("peak RSS MB of the crawl's process, all pipelines / no-op",
              f"{median([r.peak_rss_mb for r in full_runs]):.0f} / {median([r.peak_rss_mb for r in noop_runs]):.0f}")
    table.add("  peak RSS MB of its body worker processes (summed)",
              f"{median([r.workers_peak_rss_mb for r in full_runs]):.0f}")
    table.add("files written per full crawl", str(full_runs[0].report.get("written")))
    findings["crawl_missed"] = bool(ratio is not None and ratio < TARGET_RATIO)

    table.section("3. The second night: the same crawl again over the full archive")
    requests = max(r.article_requests for r in again_runs)
    reported = max((r.report or {}).get("requested", -1) for r in again_runs)
    table.add("article requests (server log, worst rep)", str(requests), "0", verdict(requests == 0))
    table.add("article requests (run report 'requested', worst rep)", str(reported), "0", verdict(reported == 0))
    table.add("skipped as known (run report)", str(again_runs[0].report.get("skipped_known")))
    table.add("feed requests", str(again_runs[0].feed_requests))
    first_wall, again_wall = median([r.wall_s for r in full_runs]), median([r.wall_s for r in again_runs])
    table.add("process wall s, second night / first night",
              f"{again_wall:.2f} / {first_wall:.2f} = {again_wall / first_wall:.2f}x")
    table.add("crawl elapsed s, second night / first night",
              f"{median([r.elapsed_s for r in again_runs]):.2f} / {median([r.elapsed_s for r in full_runs]):.2f}")


# ------------ 4


def scale(table: Table, args, site) -> None:
    from benchmarks.crawl import SCALE_CHANNEL, check, run_crawl
    from benchmarks.scale import generate

    new = site.articles[:args.scale_new]
    ids = ",".join(a.long_id for a in new)
    base = Path(tempfile.mkdtemp(prefix="scale-", dir=args.work))
    big, empty = base / "big", base / "empty"
    log(f"scale: generating {args.scale_files} archive files")
    t0 = time.perf_counter()
    generate(big, args.scale_files)
    gen_s = time.perf_counter() - t0
    # On disk before the crawls, as a real archive long is: else the first crawl's group flush
    # (a syncfs of the file system, crawler/durable_files.py) wrote the 100,000 generated files
    # back (first big crawl 2.5 s instead of 1.5 s).
    os.sync()
    empty.mkdir()
    folder = big / "zh-CN" / "news" / "qq"
    runs = {"big": [], "empty": []}
    probes = {"big": [], "empty": []}
    for rep in range(args.scale_reps):
        order = ("big", "empty") if rep % 2 == 0 else ("empty", "big")
        for kind in order:
            root = big if kind == "big" else empty
            log(f"scale rep {rep + 1}/{args.scale_reps}: {kind} archive")
            probes[kind].append(run_child(["-m", "benchmarks.scale", "probe", str(root), ids]))
            run = run_crawl(site, root, label=f"scale {kind}", channel=SCALE_CHANNEL, pages=1,
                            item_count=len(new))
            check(run, expect_requests=len(new), expect_written=len(new))
            runs[kind].append(run)
            # Take the new articles out again, so every rep starts from the same archive.
            for a in new:
                for stem in (a.long_id, a.long_id[:14]):  # the file bears the feed's id form
                    (root / "zh-CN" / "news" / "qq" / f"{stem}.zh-CN.md").unlink(missing_ok=True)
    files = sum(1 for _ in os.scandir(folder))

    def m(kind, key, source):
        return median([getattr(r, key) if not isinstance(r, dict) else r[key] for r in source[kind]])

    table.section(f"4. Scale: start a crawl ({len(new)} new articles) over an archive of {files:,} files vs an "
                  f"empty one ({args.scale_reps} reps alternating, medians; generated in {gen_s:.1f} s, "
                  "page cache warm)")
    wall_diff = m("big", "wall_s", runs) - m("empty", "wall_s", runs)
    rss_diff = m("big", "peak_rss_mb", runs) - m("empty", "peak_rss_mb", runs)
    table.add("crawl process wall s, big / empty", f"{m('big', 'wall_s', runs):.2f} / {m('empty', 'wall_s', runs):.2f}")
    table.add("  difference (the start-up check in a real crawl)", f"{wall_diff:+.2f} s", f"< {TARGET_SCALE_S:g} s",
              verdict(wall_diff < TARGET_SCALE_S))
    table.add("crawl process peak RSS MB, big / empty",
              f"{m('big', 'peak_rss_mb', runs):.0f} / {m('empty', 'peak_rss_mb', runs):.0f}")
    table.add("  difference", f"{rss_diff:+.1f} MB", f"< {TARGET_SCALE_MB:g} MB", verdict(rss_diff < TARGET_SCALE_MB))
    table.add("check alone (probe child): leftover sweep + index scan + writer check, s",
              f"{m('big', 'sweep_s', probes):.3f} + {m('big', 'index_scan_s', probes):.3f}"
              f" + {m('big', 'writer_check_s', probes):.4f} (empty: {m('empty', 'check_s', probes):.4f})")
    table.add("check alone: RSS added MB, big / empty",
              f"{m('big', 'rss_added_mb', probes):.1f} / {m('empty', 'rss_added_mb', probes):.1f}")


# ------------ 5


def hostile(table: Table, args) -> None:
    log("hostile bodies")
    result = run_child(["-m", "benchmarks.hostile", "--reps", str(args.hostile_reps),
                        "--stop", str(args.hostile_stop)])
    table.section(f"5. Hostile bodies: one body_markdown call (clean + Markdown, in one thread) per body, "
                  f"sizes doubling ({args.hostile_reps} rep(s), medians; a series stops where the next size "
                  f"would take over {args.hostile_stop:g} s)")
    for name, rows in result["shapes"].items():
        table.add(name, "")
        for row in rows:
            seconds = "not run" if row["s"] is None else f"{row['s']:.3f} s"
            table.add(f"  n = {row['n']:,} ({row['kb']:.0f} KB)", seconds)
        timed = [row for row in rows if row["s"] is not None]
        growth = None
        if len(timed) == len(rows) and len(timed) >= 2 and timed[-2]["s"] > 0:
            growth = (timed[-1]["s"] / timed[-1]["kb"]) / (timed[-2]["s"] / timed[-2]["kb"])
        table.add("  cost per KB, largest size / the one before", fmt(growth, ".2f", "x"),
                  f"<= {TARGET_PER_KB_GROWTH:g}x", verdict(growth <= TARGET_PER_KB_GROWTH if growth else False))


# ------------ profile


def profile(args, findings: dict, site, out_dir: Path) -> list[str]:
    from benchmarks.crawl import CHANNEL, FEED_PATH
    from benchmarks.profile import format_summary, summarise

    texts = []
    cmd = ["-m", "benchmarks.offline", "--variant", "full", "--work", str(args.work),
           "--profile", str(out_dir / "offline-full.txt")]
    if args.offline_limit:
        cmd += ["--limit", str(args.offline_limit)]
    log("profiling the offline full variant (pyinstrument)")
    r = run_child(cmd)
    texts.append(format_summary(r["profile"], "Profile: offline, page -> archive file (pyinstrument, whole loop)"))
    if findings.get("crawl_missed") or args.profile:
        from pyinstrument.session import Session

        archive = Path(tempfile.mkdtemp(prefix="archive-profile-", dir=args.work))
        session_file = out_dir / "crawl-full.pyisession"
        server = site.server
        settings = {
            "QQ_FEED_URL": server.url(FEED_PATH), "QQ_CHANNELS": CHANNEL, "QQ_PAGES": site.feed_pages,
            "QQ_ITEM_COUNT": site.per_page, "ARCHIVE_DIR": str(archive), "AUTOTHROTTLE_ENABLED": "False",
            "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
            "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": "False",
        }
        cmd = [sys.executable, "-m", "pyinstrument", "-i", "0.001", "-r", "pyisession", "-o", str(session_file),
               "-m", "scrapy", "crawl", "qq"]
        for name, value in settings.items():
            cmd += ["-s", f"{name}={value}"]
        log("profiling a full crawl (pyinstrument)")
        result = run_measured(cmd, env=child_env())
        if result["returncode"] != 0 or not session_file.exists():
            raise BenchmarkError(f"profiled crawl failed ({result['returncode']}): {result['stderr'][-2000:]}")
        texts.append(format_summary(summarise(Session.load(str(session_file))),
                                    "Profile: scrapy crawl qq, all pipelines (pyinstrument, whole process)"))
    return texts


# ------------ main


def work_dir() -> Path:
    """The one directory of every archive the benchmark writes, removed when it ends.

    Nothing is deleted before: ext4 passes over inodes freed in the last minutes when it
    allocates new ones (fs/ext4/ialloc.c, recently_deleted()), so removing one repetition's
    2,000 files made every file creation of the next one scan them (perf: 0.8-0.9 ms of kernel
    time per file instead of 0.04), a cost that a nightly run, which deletes nothing, never
    has, and that fell on the crawls with a writer only."""
    return Path(tempfile.mkdtemp(prefix="bench-work-"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, 2 reps (under a minute)")
    parser.add_argument("--reps", type=int, default=None, help="repetitions of figure 1 (default 5, quick 2)")
    parser.add_argument("--profile", action="store_true",
                        help="always profile (by default only when the per-article or crawl target is missed; "
                             "never in --quick unless asked)")
    parser.add_argument("--json", default=None, help="also write the table's raw figures here")
    args = parser.parse_args(argv)
    quick = args.quick
    args.reps = args.reps or (2 if quick else 5)
    args.offline_limit = 200 if quick else None
    args.crawl_pages = 200 if quick else 2000
    args.per_page = 100
    args.crawl_reps = 2 if quick else 3
    args.scale_files = 2000 if quick else 100_000
    args.scale_new = 20
    args.scale_reps = 2 if quick else 3
    args.hostile_reps = 1 if quick else 3
    args.hostile_stop = 2.0 if quick else 15.0

    started = time.perf_counter()
    table = Table()
    findings: dict = {"notes": []}
    site = None
    args.work = work_dir()
    try:
        items, skipped = usable_items()
        log(f"{len(items)} qq bodies ({skipped} empty skipped); mode {'quick' if quick else 'full'}")
        offline(table, args, findings)
        from benchmarks.crawl import start_site

        site = start_site(items, args.crawl_pages, args.per_page, args.scale_new)
        crawls(table, args, findings, site)
        scale(table, args, site)
        hostile(table, args)
        from benchmarks.distributed import add_figure  # 6: the crawl over 1, 2, 4 processes

        add_figure(table, items, quick, args.work, log, findings["notes"])
        profiles: list[str] = []
        wants_profile = args.profile or (not quick and (findings.get("offline_missed") or findings.get("crawl_missed")))
        if wants_profile and not have("pyinstrument"):
            findings["notes"].append("no profile: pyinstrument missing (.venv/bin/pip install -e '.[bench]')")
        elif wants_profile:
            out_dir = Path(tempfile.mkdtemp(prefix="bench-profiles-"))
            profiles = profile(args, findings, site, out_dir)
            profiles.append(f"(full profiles: {out_dir})")
    except BenchmarkError as exc:
        print(f"benchmark broke: {exc}", file=sys.stderr)
        return 1
    finally:
        if site is not None:
            site.server.stop()
        shutil.rmtree(args.work, ignore_errors=True)
    took = time.perf_counter() - started
    print(f"newsarchive benchmarks ({'--quick' if quick else 'full'}), {os.cpu_count()} CPUs, "
          f"python {sys.version.split()[0]}, took {took:.0f} s")
    print(table.render())
    for note in findings["notes"]:
        print(f"note: {note}")
    for text in profiles:
        print()
        print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(table.rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Figure 6: the crawl of figure 2 spread over 1, 2 and 4 processes through one Redis.

The site serves figure 2's pages (the real corpus bodies, benchmarks.crawl) with a fixed
latency per answer (feeds and pages), so that the crawl waits on the network as it does on
the internet and not on these cores. Every process has the same CONCURRENT_REQUESTS; pages/s
is measured at the server: the pages over the time from the first answer to the last article
page's answer. The feeds are answered once every process has joined the run (the run's
members in Redis): the start-up of Python and Scrapy, several seconds when four processes
start on two cores, is not the crawl's speed.
The same crawl without REDIS_URL gives the overhead of Redis at one process.

    .venv/bin/python -m benchmarks.distributed [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import BenchmarkError, child_env
from benchmarks.crawl import ARTICLE_PREFIX, CHANNEL, FEED_PATH, BenchServer, build_articles, feed_answer, spider_feed_body
from tests.support.server import Reply

TARGET_SCALING = 3.2  # 4 processes against 1
TARGET_OVERHEAD = 0.9  # 1 process through Redis against the crawl without it


@dataclass
class Sizes:
    pages: int
    per_page: int
    latency: float  # seconds per answer
    concurrency: int  # CONCURRENT_REQUESTS of each process
    counts: tuple[int, ...] = (1, 2, 4)


FULL = Sizes(pages=480, per_page=40, latency=0.2, concurrency=4)
QUICK = Sizes(pages=48, per_page=16, latency=0.2, concurrency=4, counts=(1, 4))


class Gated(Reply):
    """A feed answer that waits for the gate (every process joined), then the latency."""

    def __init__(self, gate: threading.Event, latency: float, **kwargs):
        super().__init__(**kwargs)
        self.gate, self.latency = gate, latency

    @property
    def delay(self) -> float:
        self.gate.wait(120)
        return self.latency

    @delay.setter
    def delay(self, value) -> None:
        pass


def start_site(items: list[dict], sizes: Sizes, gate: threading.Event) -> tuple[BenchServer, int]:
    articles = build_articles(items, sizes.pages)
    server = BenchServer().start()
    html = {"Content-Type": "text/html; charset=utf-8"}
    for a in articles:
        server.add("GET", ARTICLE_PREFIX + a.long_id, Reply(body=a.page, headers=html, delay=sizes.latency))
    feed_pages = -(-sizes.pages // sizes.per_page)
    js = {"Content-Type": "application/json; charset=utf-8"}
    for page in range(1, feed_pages + 1):
        chunk = articles[(page - 1) * sizes.per_page: page * sizes.per_page]
        server.add("POST", FEED_PATH, Gated(gate, sizes.latency, body=feed_answer(chunk, server.base), headers=js),
                   body=spider_feed_body(CHANNEL, page, sizes.per_page))
    return server, feed_pages


@dataclass
class Result:
    label: str
    processes: int
    pages_per_s: float
    window_s: float
    written: int


def crawl(server: BenchServer, gate: threading.Event, feed_pages: int, sizes: Sizes, work: Path, processes: int,
          redis_url: str | None, label: str) -> Result:
    import subprocess

    archive = Path(tempfile.mkdtemp(prefix="archive-dist-", dir=work))
    settings = {
        "QQ_FEED_URL": server.url(FEED_PATH), "QQ_CHANNELS": CHANNEL, "QQ_PAGES": feed_pages,
        "QQ_ITEM_COUNT": sizes.per_page, "ARCHIVE_DIR": str(archive),
        "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": "False",
        "CONCURRENT_REQUESTS": sizes.concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": sizes.concurrency,
        "DOWNLOAD_TIMEOUT": 30, "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": "False",
        # The cores are not what is measured: bodies converted in each crawl's own thread.
        "BODY_WORKERS": 0,
    }
    if redis_url:
        settings["REDIS_URL"] = redis_url
    before = len(server.requests)
    procs = []
    for n in range(processes):
        args = [sys.executable, "-m", "scrapy", "crawl", "qq"]
        for name, value in {**settings, "RUN_REPORT": str(work / f"{label}-{n}.json")}.items():
            args += ["-s", f"{name}={value}"]
        procs.append(subprocess.Popen(args, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    released = open_gate(gate, redis_url, processes, procs)
    errors = [(p.returncode, p.communicate(timeout=600)[1]) for p in procs]
    errors = [(p.returncode, stderr) for p, (_, stderr) in zip(procs, errors) if p.returncode != 0]
    if errors:
        raise BenchmarkError(f"{label}: exit status {errors[0][0]}\n{errors[0][1][-3000:]}")
    with server._lock:
        logged = server.requests[before:]
    pages = [r for r in logged if r.method == "GET" and r.path.startswith(ARTICLE_PREFIX)]
    if len(pages) != sizes.pages or len({r.path for r in pages}) != sizes.pages:
        raise BenchmarkError(f"{label}: {len(pages)} article requests for {sizes.pages} pages")
    written = sum(json.loads((work / f"{label}-{n}.json").read_text(encoding="utf-8"))["written"]
                  for n in range(processes))
    if written != sizes.pages:
        raise BenchmarkError(f"{label}: wrote {written} files for {sizes.pages} pages")
    window = max(r.at for r in pages) + sizes.latency - max(released, min(r.at for r in logged))
    return Result(label, processes, sizes.pages / window, window, written)


def open_gate(gate: threading.Event, redis_url: str | None, processes: int, procs) -> float:
    """Answer the feeds once every process has joined the run (at once without Redis); the
    moment of release (time.monotonic)."""
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        while client.zcard("newsarchive:qq:members") < processes and all(p.poll() is None for p in procs):
            time.sleep(0.01)
    gate.set()
    return time.monotonic()


def measure(items: list[dict], sizes: Sizes, work: Path, log=lambda message: None) -> list[Result]:
    from tests.support.redis_server import RedisServer

    gate = threading.Event()
    server, feed_pages = start_site(items, sizes, gate)
    results = []
    try:
        log(f"distributed: without Redis, 1 process ({sizes.pages} pages)")
        results.append(crawl(server, gate, feed_pages, sizes, work, 1, None, "plain"))
        for count in sizes.counts:
            gate.clear()
            # A Redis of its own for each figure: nothing left from the one before.
            with RedisServer() as redis:
                log(f"distributed: {count} process{'es' if count > 1 else ''} through Redis ({sizes.pages} pages)")
                results.append(crawl(server, gate, feed_pages, sizes, work, count, redis.url, f"redis{count}"))
    finally:
        server.stop()
    return results


def rows(results: list[Result], sizes: Sizes) -> tuple[str, list[tuple[str, str, str, bool | None]]]:
    """The figure's title and rows (name, value, target, met?)."""
    plain = results[0]
    by_count = {r.processes: r for r in results[1:]}
    one = by_count.get(1)
    title = (f"6. Distributed crawl: figure 2's pages through one Redis, {sizes.pages} article pages, "
             f"{sizes.latency * 1000:.0f} ms per answer, CONCURRENT_REQUESTS {sizes.concurrency} per process "
             "(pages/s at the server)")
    out = [(f"pages/s, without Redis, 1 process ({plain.window_s:.1f} s)", f"{plain.pages_per_s:.1f}", "", None)]
    for count, result in sorted(by_count.items()):
        out.append((f"pages/s, through Redis, {count} process{'es' if count > 1 else ''} ({result.window_s:.1f} s)",
                    f"{result.pages_per_s:.1f}", "", None))
    if one:
        overhead = one.pages_per_s / plain.pages_per_s
        out.append(("1 process through Redis / without", f"{overhead:.2f}x", f">= {TARGET_OVERHEAD:g}x",
                    overhead >= TARGET_OVERHEAD))
        for count, result in sorted(by_count.items()):
            if count > 1:
                scaling = result.pages_per_s / one.pages_per_s
                target = f">= {TARGET_SCALING:g}x" if count == 4 else ""
                out.append((f"{count} processes / 1 process", f"{scaling:.2f}x", target,
                            scaling >= TARGET_SCALING if count == 4 else None))
    return title, out


def available() -> str | None:
    """Why the figure cannot be made here, or None."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("scrapy_redis") is None:
        return "no figure 5: scrapy-redis missing (.venv/bin/pip install -e '.[redis]')"
    if shutil.which("redis-server") is None:
        return "no figure 5: redis-server missing (apt-get install -y redis-server)"
    return None


def add_figure(table, items: list[dict], quick: bool, work: Path, log, notes: list[str]) -> None:
    """Measure and add the figure to a benchmarks.run Table (a note when it cannot be made)."""
    from benchmarks.run import verdict

    missing = available()
    if missing:
        notes.append(missing)
        return
    sizes = QUICK if quick else FULL
    title, figure = rows(measure(items, sizes, work, log), sizes)
    table.section(title)
    for name, value, target, met in figure:
        table.add(name, value, target, verdict(met) if target else "")


def main(argv=None) -> int:
    from benchmarks.common import usable_items
    from benchmarks.run import Table, log, work_dir

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK.pages} pages, {QUICK.latency * 1000:.0f} ms")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    work = work_dir()
    table, notes = Table(), []
    try:
        items, _ = usable_items()
        add_figure(table, items, args.quick, work, log, notes)
    except BenchmarkError as exc:
        print(f"benchmark broke: {exc}", file=sys.stderr)
        return 1
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    if notes:
        print("\n".join(notes), file=sys.stderr)
        return 1
    print(f"newsarchive distributed benchmark ({'--quick' if args.quick else 'full'}), "
          f"took {time.perf_counter() - started:.0f} s")
    print(table.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())

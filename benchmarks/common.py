"""Shared pieces of the benchmarks: the real qq corpus, statistics, child processes, RSS."""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus" / "qq" / "items.jsonl.gz"
VARIANT = "rich_media_content"  # the current layout's first body container (CURRENT_CONTAINERS[0])


class BenchmarkError(RuntimeError):
    """The benchmark itself broke (missing material, a crawl that did not run, ...)."""


def load_items() -> list[dict]:
    """The real qq items of ../shared/corpus/qq/items.jsonl.gz (a clear error when missing)."""
    if not CORPUS.exists():
        raise BenchmarkError(
            f"real material missing: {CORPUS}\n"
            "  ../shared must lie beside the checkout (or set NEWSARCHIVE_SHARED to its path);\n"
            "  the benchmarks run over the real qq bodies and have no stand-in for them.")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


_TAG = re.compile(r"<[^>]*>")


def is_empty_body(item: dict) -> bool:
    """No visible text and no picture in the item's body: such items make no page worth timing."""
    from tests.support.qq_pages import inner_body

    inner = inner_body(item.get("description") or "")
    return not _TAG.sub("", inner).strip() and "<img" not in inner


def usable_items() -> tuple[list[dict], int]:
    """(items with a body, number skipped because their body is empty)."""
    items = load_items()
    usable = [item for item in items if not is_empty_body(item)]
    return usable, len(items) - len(usable)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, q: float):
    """The q-th percentile (0..100), nearest-rank on the sorted values."""
    values = sorted(values)
    if not values:
        return None
    rank = max(1, min(len(values), int(round(q / 100 * len(values) + 0.5))))
    return values[rank - 1]


def peak_rss_mb() -> float:
    """This process's peak resident set size, MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def child_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    env["PYTHONHASHSEED"] = "0"
    for name in ("QQ_DEVICE_ID", "QQ_QIMEI36", "QQ_COOKIE", "http_proxy", "https_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(name, None)
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    if extra:
        env.update(extra)
    return env


def run_child(args: list[str], *, timeout: float = 900, env: dict | None = None) -> dict:
    """Run `python <args>` (a benchmark child printing one JSON line last); its JSON, plus
    wall seconds and the child's peak RSS (from wait4, so it is the child's own)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env or child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise BenchmarkError(f"child {args} timed out after {timeout}s\n{err[-3000:]}")
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise BenchmarkError(f"child {args} exited {proc.returncode}\n{err[-3000:]}")
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if not lines:
        raise BenchmarkError(f"child {args} printed no JSON\n{out[-2000:]}\n{err[-3000:]}")
    result = json.loads(lines[-1])
    result.setdefault("wall_s", wall)
    return result


def run_measured(cmd: list[str], *, env: dict, timeout: float = 900, cwd: Path = ROOT) -> dict:
    """Run a command; its return code, wall seconds, peak RSS (MB, from wait4) and output."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the pipes in threads so that a chatty child never blocks; wait4 gives its rusage.
    import threading

    chunks = {"out": [], "err": []}

    def drain(stream, key):
        for block in iter(lambda: stream.read(65536), b""):
            chunks[key].append(block)

    readers = [threading.Thread(target=drain, args=(proc.stdout, "out"), daemon=True),
               threading.Thread(target=drain, args=(proc.stderr, "err"), daemon=True)]
    for t in readers:
        t.start()
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join(timeout=5)
    return {
        "returncode": proc.returncode, "wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "stdout": b"".join(chunks["out"]).decode("utf-8", "replace"),
        "stderr": b"".join(chunks["err"]).decode("utf-8", "replace"),
    }

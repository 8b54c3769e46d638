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


def _status_kib(pid: int | str, field: str) -> int | None:
    """A `field:` line of /proc/<pid>/status in KiB, or None (no such process, a zombie, no /proc)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident set size, MB: VmHWM, the high-water mark of this program
    image. Not ru_maxrss: Linux carries a parent's high-water mark into its child across
    fork/vfork and exec (a `python -c pass` started by a 400 MB parent reports 413 MB there,
    VmHWM 13 MB), so every child of the benchmark looked at least as big as the benchmark."""
    kib = _status_kib("self", "VmHWM")
    if kib is None:  # no /proc: the (upper-bound) rusage figure
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return kib / 1024


def current_rss_mb() -> float:
    kib = _status_kib("self", "VmRSS")
    return float("nan") if kib is None else kib / 1024


def _children(pid: int) -> list[int]:
    """The live children of a process (every thread's; /proc/<pid>/task/<tid>/children)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            pass
    return out


class PeakRss:
    """The peak RSS of a running process and of its descendants, sampled from /proc (VmHWM)
    while the benchmark waits for it. wait4's ru_maxrss cannot give it: it holds the
    benchmark's own high-water mark (see peak_rss_mb) and the largest descendant's, not the
    process's. The last sample is at most one poll interval before the end."""

    def __init__(self, pid: int):
        self.pid = pid
        self.own_kib = 0
        self.descendants_kib: dict[int, int] = {}

    def sample(self) -> None:
        own = _status_kib(self.pid, "VmHWM")
        if own is not None:
            self.own_kib = max(self.own_kib, own)
        stack = _children(self.pid)
        while stack:
            child = stack.pop()
            kib = _status_kib(child, "VmHWM")
            if kib is not None:
                self.descendants_kib[child] = max(self.descendants_kib.get(child, 0), kib)
            stack += _children(child)

    @property
    def own_mb(self) -> float:
        return self.own_kib / 1024

    @property
    def descendants_mb(self) -> float:
        """The sum of every descendant's own peak (the crawl's worker processes)."""
        return sum(self.descendants_kib.values()) / 1024


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
    """Run `python <args>` (a benchmark child printing one JSON line last); its JSON (with
    the child's own peak RSS: peak_rss_mb), plus wall seconds."""
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
    """Run a command; its return code, wall seconds, peak RSS of the process and the sum of
    its descendants' peaks (MB, sampled from /proc every 20 ms: PeakRss), CPU seconds of it
    and its descendants (wait4) and its output."""
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
    peak = PeakRss(proc.pid)
    deadline = started + timeout
    while True:
        peak.sample()
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
    own_mb = peak.own_mb if peak.own_kib else usage.ru_maxrss / 1024  # no /proc: an upper bound
    return {
        "returncode": proc.returncode, "wall_s": wall, "peak_rss_mb": own_mb,
        "descendants_peak_rss_mb": peak.descendants_mb,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "stdout": b"".join(chunks["out"]).decode("utf-8", "replace"),
        "stderr": b"".join(chunks["err"]).decode("utf-8", "replace"),
    }

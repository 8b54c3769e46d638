"""crawler.workers: real child processes, fed and read by a real asyncio loop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.body import body_markdown
from crawler.workers import (
    AUTO_MAX_WORKERS, MAX_RESTARTS, RemoteTraceback, WorkerGone, WorkerLease, WorkerProcesses, WorkerTimeout,
    worker_count,
)
from tests.support.cli import ROOT, run_scrapy


def _stats():
    return MemoryStatsCollector(get_crawler())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose (nobody waited for it yet).
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return not _alive(pid)


@pytest.mark.parametrize("value,cpus,expected", [
    ("auto", 1, 0), ("auto", 2, 1), ("auto", 3, 2), ("auto", 64, AUTO_MAX_WORKERS), (None, 4, 2), ("", 2, 1),
    ("0", 8, 0), (0, 8, 0), ("3", 1, 3), (5, 2, 5),
])
def test_worker_count(value, cpus, expected):
    assert worker_count(value, cpu_count=cpus) == expected


@pytest.mark.parametrize("value", ["many", "-1", -2, "1.5"])
def test_worker_count_refuses_nonsense(value):
    with pytest.raises(ValueError, match="worker processes"):
        worker_count(value, cpu_count=4)


def test_calls_run_in_worker_processes_and_give_the_same_result():
    stats = _stats()

    async def main():
        workers = WorkerProcesses(2, stats, name="test_workers")
        try:
            pids = await asyncio.gather(*(workers.run(os.getpid) for _ in range(20)))
            html = "<p>正文 <b>加粗</b> &amp; <a href='/x y'>链接</a></p>"
            converted = await workers.run(body_markdown, html, "https://news.example.com/a/")
            assert converted == body_markdown(html, "https://news.example.com/a/") == "正文 **加粗** \\& [链接](https://news.example.com/x%20y)"
            big = "<p>" + "长" * 3_000_000 + "</p>"  # larger than any pipe buffer, both ways
            assert await workers.run(body_markdown, big, "") == "长" * 3_000_000
            return set(pids), [w.pid for w in workers._workers]
        finally:
            await workers.close()

    pids, worker_pids = asyncio.run(main())
    assert os.getpid() not in pids
    assert pids <= set(worker_pids) and len(worker_pids) == 2
    assert stats.get_value("test_workers/processes") == 2
    assert stats.get_value("test_workers/done") == 22
    assert stats.get_value("test_workers/fallback") is None
    for pid in worker_pids:
        assert _wait_gone(pid, 5), f"worker {pid} still runs after close()"


def test_an_error_of_the_work_is_raised_to_the_caller_with_the_workers_traceback():
    from tests.support.worker_calls import parse_number

    async def main():
        workers = WorkerProcesses(1)
        try:
            with pytest.raises(ValueError, match="invalid literal") as raised:
                await workers.run(parse_number, "not a number")
            return raised.value, await workers.run(parse_number, "42"), workers.active
        finally:
            await workers.close()

    error, answer, active = asyncio.run(main())
    assert (answer, active) == (42, True)
    assert isinstance(error.__cause__, RemoteTraceback)
    remote = str(error.__cause__)
    assert "in worker process" in remote and "worker_calls.py" in remote and "in parse_number" in remote, remote


def test_a_dead_worker_is_replaced(caplog):
    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            first = await workers.run(os.getpid)
            os.kill(first, signal.SIGKILL)
            await asyncio.sleep(0.3)
            after = await asyncio.gather(*(workers.run(os.getpid) for _ in range(3)))
            return first, after, workers.active
        finally:
            await workers.close()

    with caplog.at_level(logging.WARNING, logger="crawler.workers"):
        first, after, active = asyncio.run(main())
    assert first != os.getpid()
    assert len(set(after)) == 1 and after[0] not in (first, os.getpid())
    assert active
    assert stats.get_value("w/restarts") == 1
    assert stats.get_value("w/done") == 4
    assert stats.get_value("w/fallback") is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "replaced" in warnings[0] and str(first) in warnings[0], warnings


async def _until_gone(workers: WorkerProcesses, pid: int) -> None:
    """Let the loop notice that the worker `pid` ended."""
    for _ in range(500):
        if any(w.pid == pid and w.gone for w in workers._workers):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"worker {pid} not seen gone")


def test_workers_that_keep_dying_are_given_up_for_this_thread(caplog):
    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            pids = []
            for _ in range(MAX_RESTARTS + 1):
                pid = await workers.run(os.getpid)
                pids.append(pid)
                os.kill(pid, signal.SIGKILL)
                await _until_gone(workers, pid)
            return pids, await workers.run(os.getpid), workers.active
        finally:
            await workers.close()

    with caplog.at_level(logging.WARNING, logger="crawler.workers"):
        pids, last, active = asyncio.run(main())
    assert len(set(pids)) == MAX_RESTARTS + 1 and os.getpid() not in pids
    assert last == os.getpid() and not active
    assert stats.get_value("w/restarts") == MAX_RESTARTS
    assert stats.get_value("w/fallback") == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == MAX_RESTARTS + 1, warnings
    assert "replaced already" in warnings[-1] and "crawl's own thread" in warnings[-1], warnings


def test_a_call_that_kills_its_workers_fails_alone_and_never_runs_in_the_crawl():
    from tests.support.worker_calls import die_unless_in, sleep_then_pid

    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            # The deadly call first, three calls queued behind it in the same worker.
            calls = [workers.run(die_unless_in, os.getpid())] + [workers.run(sleep_then_pid, 0) for _ in range(3)]
            results = await asyncio.gather(*calls, return_exceptions=True)
            # The pool goes on with a fresh worker.
            return results, await workers.run(os.getpid), workers.active
        finally:
            await workers.close()

    results, pid, active = asyncio.run(main())
    deadly, queued = results[0], results[1:]
    assert isinstance(deadly, WorkerGone) and "second worker process to end while running" in str(deadly), deadly
    assert all(isinstance(r, int) and r != os.getpid() for r in queued), queued
    assert pid != os.getpid() and active
    assert stats.get_value("w/restarts") == 2
    assert stats.get_value("w/fallback") is None


def test_a_call_whose_worker_died_is_not_run_here_when_no_worker_is_left(monkeypatch):
    from tests.support.worker_calls import die_unless_in

    monkeypatch.setattr("crawler.workers.MAX_RESTARTS", 0)
    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            with pytest.raises(WorkerGone, match="no other is left"):
                await workers.run(die_unless_in, os.getpid())
            # Given up: a call that never met a dying worker runs in this thread.
            return await workers.run(os.getpid), workers.active
        finally:
            await workers.close()

    assert asyncio.run(main()) == (os.getpid(), False)
    assert stats.get_value("w/fallback") == 1


def test_a_worker_dying_during_a_call_loses_no_call():
    from tests.support.worker_calls import sleep_then_pid

    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            pid = await workers.run(os.getpid)
            slow = [asyncio.ensure_future(workers.run(sleep_then_pid, 0.5)) for _ in range(3)]
            await asyncio.sleep(0.2)
            os.kill(pid, signal.SIGKILL)  # killed from outside, not by its call
            return pid, await asyncio.gather(*slow)
        finally:
            await workers.close()

    first, pids = asyncio.run(main())
    # All three done by the new worker (the running one once more, the queued ones again).
    assert len(set(pids)) == 1 and pids[0] not in (first, os.getpid())
    assert stats.get_value("w/restarts") == 1 and stats.get_value("w/done") == 4


def test_close_lets_the_calls_in_flight_finish():
    from tests.support.worker_calls import sleep_then_pid

    async def main():
        workers = WorkerProcesses(1)
        started = await workers.run(os.getpid)
        calls = [asyncio.ensure_future(workers.run(sleep_then_pid, 0.2)) for _ in range(3)]
        await asyncio.sleep(0.05)  # sent; the worker is busy with the first
        await workers.close()
        return started, await asyncio.gather(*calls)

    started, pids = asyncio.run(main())
    assert pids == [started] * 3 and started != os.getpid()
    assert _wait_gone(started, 5)


def test_workers_that_cannot_start_leave_the_work_to_this_thread(monkeypatch, caplog):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            return await workers.run(os.getpid)
        finally:
            await workers.close()

    with caplog.at_level(logging.WARNING, logger="crawler.workers"):
        assert asyncio.run(main()) == os.getpid()
    assert stats.get_value("w/fallback") == 1
    assert any("cannot start worker processes" in r.getMessage() for r in caplog.records)


def test_without_workers_or_outside_a_loop_the_work_runs_here():
    async def none():
        workers = WorkerProcesses(0)
        return await workers.run(os.getpid)

    assert asyncio.run(none()) == os.getpid()
    # Outside a running loop (pipelines called directly): the coroutine ends at its first step.
    coroutine = WorkerProcesses(2).run(os.getpid)
    with pytest.raises(StopIteration) as stop:
        coroutine.send(None)
    assert stop.value.value == os.getpid()


def test_a_worker_ignores_ctrl_c():
    async def main():
        workers = WorkerProcesses(1)
        try:
            pid = await workers.run(os.getpid)
            os.kill(pid, signal.SIGINT)
            await asyncio.sleep(0.3)
            return pid, await workers.run(os.getpid), workers.active
        finally:
            await workers.close()

    pid, again, active = asyncio.run(main())
    assert again == pid and active
    assert not _alive(pid)  # and it ended with close()


def test_a_worker_is_in_a_session_of_its_own():
    # Ctrl-C in a terminal, or a signal to the crawl's process group, reaches the crawl (whose
    # graceful shutdown still needs the workers), not them.
    async def main():
        workers = WorkerProcesses(1)
        try:
            pid = await workers.run(os.getpid)
            return pid, os.getsid(pid), os.getpgid(pid)
        finally:
            await workers.close()

    pid, session, group = asyncio.run(main())
    assert session == pid == group
    assert session != os.getsid(0) and group != os.getpgid(0)


_PARENT = textwrap.dedent("""
    import asyncio, os, sys, time
    from crawler.workers import WorkerProcesses

    async def main():
        workers = WorkerProcesses(1)
        print(await workers.run(os.getpid), flush=True)
        await workers.run(time.sleep, 0.5)  # the worker is busy when its parent is killed
        time.sleep(60)

    asyncio.run(main())
""")


@pytest.mark.parametrize("busy", [False, True])
def test_workers_end_when_the_crawl_is_killed(busy):
    busy_line = "    await workers.run(time.sleep, 0.5)  # the worker is busy when its parent is killed\n"
    assert busy_line in _PARENT
    script = _PARENT if busy else _PARENT.replace(busy_line, "")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
        assert _alive(worker)
        if busy:
            time.sleep(0.2)
        parent.kill()
        parent.wait(timeout=10)
        assert _wait_gone(worker, 5), f"worker {worker} outlived its killed parent"
    finally:
        parent.kill()
        parent.wait()


def test_crawls_of_one_process_share_one_pool():
    """crawlall runs every source's crawl in one loop: they share the workers (each counting
    its own calls), which end when the last crawl releases them."""
    first_stats, second_stats = _stats(), _stats()

    async def main():
        first = WorkerLease("body_workers", 1, first_stats)
        second = WorkerLease("body_workers", 1, second_stats)
        other_count = WorkerLease("body_workers", 2)
        in_thread = WorkerLease("body_workers", 0)
        a = await asyncio.gather(*(first.run(os.getpid) for _ in range(3)))
        b = await asyncio.gather(*(second.run(os.getpid) for _ in range(2)))
        c = await other_count.run(os.getpid)
        here = await in_thread.run(os.getpid)
        await first.release()
        still = await second.run(os.getpid)  # the pool lives on for the second crawl
        await second.release()
        await other_count.release()
        await in_thread.release()
        return a, b, c, here, still

    a, b, c, here, still = asyncio.run(main())
    assert len(set(a)) == 1 and set(a) == set(b) == {still} and os.getpid() not in a
    assert c not in a  # another number of workers is another pool
    assert here == os.getpid()
    assert first_stats.get_value("body_workers/done") == 3
    assert second_stats.get_value("body_workers/done") == 3
    assert first_stats.get_value("body_workers/processes") == 1
    for pid in (a[0], c):
        assert _wait_gone(pid, 5), f"worker {pid} still runs after the last release"


@pytest.mark.parametrize("count", ["1", "2", "0"])
def test_a_crawl_writes_the_same_files_with_and_without_workers(tmp_path, count):
    """The real `scrapy crawl qq` replaying fixtures/qq/nightly: the files equal expected/
    byte for byte, whether the bodies were converted in worker processes or in the crawl's
    thread, and the stats say where."""
    import json

    from tests.support.regen_fixtures import archive_files, expected_files, replay

    archive, report = tmp_path / "archive", tmp_path / "report.json"
    result = replay("nightly", archive, report, "-s", f"BODY_WORKERS={count}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert archive_files(archive) == expected_files("nightly")
    stats = json.loads(report.read_text(encoding="utf-8"))["stats"]
    written = stats["archive/written"]
    assert written > 0
    if count == "0":
        assert "body_workers/done" not in stats and "body_workers/processes" not in stats
    else:
        assert stats["body_workers/processes"] == int(count)
        # Every article with a body went through a worker; none fell back.
        assert stats["body_workers/done"] >= written - stats.get("article/dropped/empty_body", 0)
        assert "body_workers/fallback" not in stats


# ------------ time limits (BODY_CONVERT_TIMEOUT)


def test_a_call_past_its_time_limit_kills_its_worker_and_the_queued_calls_go_on(caplog):
    from tests.support.worker_calls import sleep_then_pid

    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            first = await workers.run(os.getpid)
            slow = asyncio.ensure_future(workers.run(sleep_then_pid, 120, timeout=0.5))
            queued = [asyncio.ensure_future(workers.run(sleep_then_pid, 0, timeout=10)) for _ in range(3)]
            with pytest.raises(WorkerTimeout, match="longer than 0.5 s"):
                await slow
            return first, await asyncio.gather(*queued), workers.active
        finally:
            await workers.close()

    with caplog.at_level(logging.WARNING, logger="crawler.workers"):
        first, pids, active = asyncio.run(main())
    assert _wait_gone(first, 5), "the worker past the limit still runs"
    # The calls queued behind it ran, in the worker that replaced it.
    assert len(set(pids)) == 1 and pids[0] not in (first, os.getpid()) and active
    assert stats.get_value("w/timeouts") == 1
    assert stats.get_value("w/restarts") is None  # a replacement for a time-out is not a crash
    assert stats.get_value("w/done") == 4
    assert any("longer than 0.5 s" in r.getMessage() for r in caplog.records)


def test_a_time_limit_counts_from_the_calls_start_not_from_its_queueing():
    from tests.support.worker_calls import sleep_then_pid

    async def main():
        workers = WorkerProcesses(1)
        try:
            await workers.run(os.getpid)
            ahead = asyncio.ensure_future(workers.run(sleep_then_pid, 2))
            behind = asyncio.ensure_future(workers.run(sleep_then_pid, 0, timeout=1))
            return await ahead, await behind
        finally:
            await workers.close()

    ahead, behind = asyncio.run(main())
    assert ahead == behind != os.getpid()  # one worker, not killed: 2 s queued, then quick


def test_time_limits_never_exhaust_the_restarts():
    from tests.support.worker_calls import sleep_then_pid

    stats = _stats()

    async def main():
        workers = WorkerProcesses(1, stats, name="w")
        try:
            for _ in range(MAX_RESTARTS + 2):
                with pytest.raises(WorkerTimeout):
                    await workers.run(sleep_then_pid, 120, timeout=0.2)
            return await workers.run(os.getpid), workers.active
        finally:
            await workers.close()

    pid, active = asyncio.run(main())
    assert pid != os.getpid() and active
    assert stats.get_value("w/timeouts") == MAX_RESTARTS + 2 and stats.get_value("w/fallback") is None


def test_a_body_past_body_convert_timeout_is_dropped_and_the_import_goes_on(tmp_path):
    """The real import-json with one worker and a limit of 2 s: a body that takes two minutes
    in a worker (tests/support/slow_bodies) is dropped as convert_timeout, the others written."""
    import json

    from tests.support.slow_bodies.sitecustomize import SLOW_MARKER

    def item(n, body):
        return {"id": f"7300{n}", "title": f"限时 {n}", "description": body, "link": f"https://slow.example.test/{n}",
                "pub_date": "2025-02-08 21:01:46", "source": "demo", "kind": 1, "language": "zh-CN"}

    bodies = {1: "<p>第一篇。</p>", 2: f"<p>{SLOW_MARKER}</p>", 3: "<p>第三篇。</p>", 4: "<p>第四篇。</p>"}
    path = tmp_path / "demo" / "list.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"data": [item(n, b) for n, b in bodies.items()]}), encoding="utf-8")
    archive, report = tmp_path / "archive", tmp_path / "report.json"
    slow_path = os.pathsep.join([str(ROOT), str(ROOT / "tests" / "support" / "slow_bodies")])
    result = run_scrapy("import-json", str(path), "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={report}",
                        "-s", "BODY_WORKERS=1", "-s", "BODY_CONVERT_TIMEOUT=2", env={"PYTHONPATH": slow_path})
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["written"] == 3 and data["dropped"] == {"convert_timeout": 1}
    assert data["stats"]["body_workers/timeouts"] == 1
    written = sorted(p.name for p in (archive / "zh-CN" / "news" / "demo").glob("*.md"))
    assert written == ["73001.zh-CN.md", "73003.zh-CN.md", "73004.zh-CN.md"]

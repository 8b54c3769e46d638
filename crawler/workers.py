"""Worker processes for CPU-heavy pipeline work (the bodies' conversion), off the thread that
runs the crawl: plain `python -m crawler.workers` children fed through their stdin by the event
loop, started with the first call, replaced when they die, given up for the crawl's own thread
when they keep dying. Why by hand and how: docs/workers.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import sys
import traceback
import weakref
from pathlib import Path

logger = logging.getLogger(__name__)

# At the pace of a fast crawl one worker is busy about a quarter of the time (figure 2); a
# second is headroom for long articles; more gain nothing.
AUTO_MAX_WORKERS = 2
# Worker processes a pool (one per process) starts in place of dead ones before it gives up: a
# crash now and then is survived (an article that kills its worker costs two), a worker that
# cannot live is not restarted for ever.
MAX_RESTARTS = 10
_HEADER = 4
_PROTOCOL = pickle.HIGHEST_PROTOCOL
# The directory holding the `crawler` package, for the workers' import path.
_PROJECT_ROOT = str(Path(__file__).resolve().parents[1])


def _usable_cpus() -> int:
    # The CPUs this process may run on (a container or `taskset` may allow fewer than exist).
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(value, cpu_count: int | None = None) -> int:
    """The number of worker processes a setting asks for: "auto" (or None/"") is one per core
    beyond the crawl's own, at most AUTO_MAX_WORKERS; 0 means none (work in the crawl's
    thread); a number is taken as it is."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        cpus = cpu_count if cpu_count is not None else _usable_cpus()
        return max(0, min(AUTO_MAX_WORKERS, cpus - 1))
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"a number of worker processes or 'auto' expected, not {value!r}") from None
    if count < 0:
        raise ValueError(f"a number of worker processes must not be negative: {count}")
    return count


def _frame(obj) -> bytes:
    data = pickle.dumps(obj, protocol=_PROTOCOL)
    return len(data).to_bytes(_HEADER, "big") + data


class WorkerGone(RuntimeError):
    """A worker process ended (or could not start) before it answered. `ran`: the call was the
    one the worker was running (a worker answers its calls in order, so that is the oldest one
    it had); the calls queued behind it never started."""

    def __init__(self, message: str, ran: bool = False):
        super().__init__(message)
        self.ran = ran


class WorkerTimeout(Exception):
    """A call ran longer than its time limit in a worker process, which was killed for it."""


class RemoteTraceback(Exception):
    """The traceback of an error raised in a worker process (the cause of the error the
    caller gets, so that the crawl's log shows where in the work it happened)."""

    def __str__(self) -> str:
        return self.args[0] if self.args else ""


class _Worker(asyncio.SubprocessProtocol):
    """One child process and the calls it has not answered yet. The protocol parses the
    replies straight from the pipe's data (no stream reader: fewer loop callbacks a call)."""

    def __init__(self):
        self.transport: asyncio.SubprocessTransport | None = None
        self.stdin = None
        self.pending: dict[int, asyncio.Future] = {}
        self.gone: str | None = None  # why it ended
        self.replaced = False  # gone, and a new worker started in its place
        self.timed_out = False  # killed because a call ran past its limit
        self.limits: dict[int, float] = {}  # call id -> seconds it may run, from its start
        self._timer: asyncio.TimerHandle | None = None  # the running call's limit
        self._timed_call: int | None = None  # ... and that call's id
        self._buffer = bytearray()
        self.exited = asyncio.get_running_loop().create_future()

    @property
    def pid(self):
        return self.transport.get_pid() if self.transport is not None else None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.stdin = transport.get_pipe_transport(0)

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _HEADER:
            size = int.from_bytes(buffer[:_HEADER], "big")
            if len(buffer) < _HEADER + size:
                break
            try:
                call_id, ok, value = pickle.loads(buffer[_HEADER:_HEADER + size])
            except Exception as exc:  # a garbled stream: nothing more from this worker can be trusted
                self._fail(f"worker process {self.pid} sent an unreadable reply ({exc!r})")
                self.transport.kill()
                return
            del buffer[:_HEADER + size]
            if ok is None:  # the worker starts a call with a time limit
                self._start_timer(call_id)
                continue
            if self._timer is not None and self._timed_call == call_id:
                self._timer.cancel()
                self._timer = None
            self.limits.pop(call_id, None)
            future = self.pending.pop(call_id, None)
            if future is not None and not future.done():
                if ok:
                    future.set_result(value)
                else:
                    exc, remote_traceback = value
                    exc.__cause__ = RemoteTraceback(remote_traceback)
                    future.set_exception(exc)

    def pipe_connection_lost(self, fd: int, exc) -> None:
        if fd == 1:
            self._fail(f"worker process {self.pid} ended")

    def process_exited(self) -> None:
        self._fail(f"worker process {self.pid} ended (status {self.transport.get_returncode()})")
        if not self.exited.done():
            self.exited.set_result(None)

    def _start_timer(self, call_id: int) -> None:
        limit = self.limits.get(call_id)
        if limit is None or call_id not in self.pending:
            return
        self._timer = asyncio.get_running_loop().call_later(limit, self._time_out, call_id, limit)
        self._timed_call = call_id

    def _time_out(self, call_id: int, limit: float) -> None:
        self._timer = None
        future = self.pending.pop(call_id, None)
        if future is None or self.gone is not None:
            return
        self.timed_out = True
        self.gone = f"worker process {self.pid} killed: a call ran longer than {limit:g} s"
        if not future.done():
            future.set_exception(WorkerTimeout(self.gone))
        self.transport.kill()  # the calls queued behind it fail with WorkerGone, not run

    def _fail(self, why: str) -> None:
        if self.gone is None:
            self.gone = why
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self.pending = self.pending, {}
        # In call order: the first was running (even if its caller stopped waiting), the
        # others were queued; after a time-out kill the running one is answered already.
        for position, future in enumerate(pending.values()):
            if not future.done():
                future.set_exception(WorkerGone(why, ran=position == 0 and not self.timed_out))

    async def call(self, call_id: int, fn, args, timeout: float | None = None) -> object:
        if self.gone is not None:
            raise WorkerGone(self.gone)
        future = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        if timeout is not None:
            self.limits[call_id] = timeout
        # The pipe transport buffers what the pipe does not take at once.
        self.stdin.write(_frame((call_id, fn, args, timeout is not None)))
        return await future

    async def stop(self, timeout: float) -> None:
        if self.stdin is not None and not self.stdin.is_closing():
            self.stdin.close()  # the worker ends when its stdin does
        try:
            await asyncio.wait_for(asyncio.shield(self.exited), timeout)
        except asyncio.TimeoutError:
            logger.warning("worker process %s did not end within %.0f s: killed", self.pid, timeout)
            self.transport.kill()
            await self.exited
        self.transport.close()


class WorkerProcesses:
    """`await run(fn, *args)`: fn(*args) in a worker process, or in this thread when there
    are none (count 0, given up, closed, no running asyncio loop)."""

    # Seconds close() waits for a worker to finish what it was given.
    stop_timeout = 30.0

    def __init__(self, count: int, stats=None, name: str = "workers"):
        self.count = count
        self.stats = stats
        self.name = name
        self._workers: list[_Worker] = []
        self._starting: asyncio.Future | None = None
        self._started = 0  # processes started, replacements included
        self._timeouts = 0  # workers killed for a call past its limit (replaced freely)
        self._given_up = False
        self._closed = False
        self._next_id = 0

    def _inc(self, stats, key: str, count: int = 1) -> None:
        if stats is not None:
            stats.inc_value(f"{self.name}/{key}", count)

    @property
    def active(self) -> bool:
        """True while calls go to worker processes."""
        return self.count > 0 and not self._given_up and not self._closed

    async def _start(self, count: int) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT_ROOT, env.get("PYTHONPATH")) if p)
        loop = asyncio.get_running_loop()
        for _ in range(count):
            self._started += 1
            _, worker = await loop.subprocess_exec(
                _Worker, sys.executable, "-m", "crawler.workers", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=None, env=env, start_new_session=True)
            self._workers.append(worker)

    async def _ready_workers(self, stats) -> list[_Worker]:
        """The live workers, after starting the missing ones (all at the first call, a
        replacement for each that died, up to MAX_RESTARTS); [] once given up."""
        while True:
            starting = self._starting
            if starting is not None and not starting.done():
                await asyncio.wait([starting])  # its outcome is read below, by one caller
                continue
            if starting is not None and not starting.cancelled() and starting.exception() is not None:
                # OSError (no such interpreter, no more processes), a loop without subprocesses, ...
                self._starting = None
                self._give_up(f"cannot start worker processes ({starting.exception()!r})")
            if not self.active:
                return []
            live = [w for w in self._workers if w.gone is None]
            missing = self.count - len(live)
            if missing <= 0:
                return live
            if self._started:
                dead = [w for w in self._workers if w.gone is not None and not w.replaced]
                crashed = [w for w in dead if not w.timed_out]
                why = "; ".join(w.gone for w in crashed) or "worker processes ended"
                allowed = min(missing, self.count + MAX_RESTARTS + self._timeouts - self._started)
                if allowed <= 0:
                    if live:
                        return live
                    self._give_up(f"{why}; {MAX_RESTARTS} worker processes were replaced already")
                    return []
                for worker in dead:
                    worker.replaced = True
                if crashed:
                    logger.warning("%s: %s; replaced", self.name, why)
                    self._inc(stats, "restarts", min(allowed, len(crashed)))
                missing = allowed
            self._starting = asyncio.ensure_future(self._start(missing))

    def _give_up(self, why: str) -> None:
        """Later calls run in this thread; live workers finish what they were given and end
        with close()."""
        if not self._given_up:
            self._given_up = True
            logger.warning("%s: %s; the work goes on in the crawl's own thread", self.name, why)

    async def run(self, fn, *args, stats=None, timeout: float | None = None):
        """fn(*args), in a worker process while there are any; counted in `stats` (the
        caller's; default the pool's own) as `<name>/done`, `restarts`, `timeouts` or `fallback`.

        When the worker dies, a call queued behind the running one is simply sent again; the
        running call is sent once more, and if that worker dies while running it too, the
        caller gets WorkerGone: it is not tried a third time, nor in this process. A call
        that runs in a worker longer than `timeout` seconds gets WorkerTimeout (in this
        thread it has no limit)."""
        stats = self.stats if stats is None else stats
        if self.active and _in_running_loop():
            strikes = 0  # workers that ended while running this call
            while True:
                workers = await self._ready_workers(stats)
                if not workers:
                    if strikes:
                        raise WorkerGone(f"{self.name}: the worker process running this call ended and "
                                         "no other is left to try it again", ran=True)
                    break
                worker = min(workers, key=lambda w: len(w.pending))
                self._next_id += 1
                try:
                    result = await worker.call(self._next_id, fn, args, timeout)
                except WorkerTimeout as exc:
                    self._timeouts += 1
                    self._inc(stats, "timeouts")
                    logger.warning("%s: %s; replaced", self.name, exc)
                    raise
                except WorkerGone as exc:
                    strikes += exc.ran
                    if strikes >= 2:
                        raise WorkerGone(f"{exc}: the second worker process to end while running this "
                                         "call; it is not tried again", ran=True) from None
                    continue
                self._inc(stats, "done")
                if stats is not None and stats.get_value(f"{self.name}/processes") is None:
                    stats.set_value(f"{self.name}/processes", self.count)
                return result
        if self._given_up:
            self._inc(stats, "fallback")
        return fn(*args)

    async def close(self) -> None:
        """End the workers once they have answered (the pipelines' close_spider)."""
        self._closed = True
        if self._starting is not None and not self._starting.done():
            await asyncio.wait([self._starting])
        workers, self._workers = self._workers, []
        await asyncio.gather(*(w.stop(self.stop_timeout) for w in workers))


def _in_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class WorkerLease:
    """One crawl's use of its process's pool of `name` workers.

    `scrapy crawlall` runs every source's crawl in one process and one event loop; a pool each
    would start a worker per source (ten on two cores). The crawls of one loop asking for the
    same number of workers share one pool: taken with the first call made in a running loop,
    given back by `release()` (close_spider), ended when the last crawl gives it back. Each
    crawl's calls are counted in its own stats."""

    # event loop -> {(name, count): [pool, users]}; weak, so that an ended loop takes its
    # entries with it (tests run many loops in one process).
    _pools: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = weakref.WeakKeyDictionary()

    def __init__(self, name: str, count: int, stats=None):
        self.name = name
        self.count = count
        self.stats = stats
        self.pool: WorkerProcesses | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the pool's
        self._key = (name, count)

    async def run(self, fn, *args, timeout: float | None = None):
        if self.pool is None:
            if self.count <= 0 or not _in_running_loop():
                return fn(*args)
            self._loop = asyncio.get_running_loop()
            shared = self._pools.setdefault(self._loop, {})
            entry = shared.get(self._key)
            if entry is None:
                entry = shared[self._key] = [WorkerProcesses(self.count, name=self.name), 0]
            entry[1] += 1
            self.pool = entry[0]
        return await self.pool.run(fn, *args, stats=self.stats, timeout=timeout)

    async def release(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        shared = self._pools.get(self._loop, {})
        entry = shared.get(self._key)
        if entry is not None and entry[0] is pool:
            entry[1] -= 1
            if entry[1] > 0:
                return
            del shared[self._key]
        await pool.close()


# ------------
# The worker process: python -m crawler.workers


def _read_exactly(stream, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc, protocol=_PROTOCOL))
        return exc
    except Exception:
        return RuntimeError(f"{exc.__class__.__name__}: {exc}")


def _error_reply(exc: BaseException) -> tuple:
    exc.__traceback__ = exc.__traceback__.tb_next if exc.__traceback__ else None  # not serve()'s frame
    text = "".join(traceback.format_exception(exc))
    return _picklable(exc), f"\n--- in worker process {os.getpid()} ---\n{text}"


def serve(stdin, stdout) -> None:
    """Answer frames from stdin on stdout until stdin ends."""
    while True:
        header = _read_exactly(stdin, _HEADER)
        if header is None:
            return
        body = _read_exactly(stdin, int.from_bytes(header, "big"))
        if body is None:
            return
        call_id, fn, args, announce = pickle.loads(body)
        if announce:  # the crawl's clock for this call's time limit starts now
            stdout.write(_frame((call_id, None, None)))
            stdout.flush()
        try:
            reply = (call_id, True, fn(*args))
        except Exception as exc:  # the work's own error, raised again in the crawl
            reply = (call_id, False, _error_reply(exc))
        stdout.write(_frame(reply))
        stdout.flush()


# Pipe capacity asked for (Linux; at most /proc/sys/fs/pipe-max-size, 1 MiB by default): the
# crawl's loop drains a pipe once per turn, and with the default 64 KiB (two or three bodies)
# the worker waited on the loop while requests piled up in the crawl (500 calls, 5 MB seen).
PIPE_SIZE = 1 << 20


def _widen_pipe(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, not a pipe, or above the limit: the default size works, slower


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _widen_pipe(sys.stdin.fileno())
    _widen_pipe(sys.stdout.fileno())
    # The frames own the real stdout; anything the work prints goes to stderr.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        serve(sys.stdin.buffer, replies)
    except BrokenPipeError:
        pass  # the crawl is gone


if __name__ == "__main__":
    main()

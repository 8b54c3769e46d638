"""A real redis-server for tests: Debian's binary on a free 127.0.0.1 port, its files in a
temporary directory, no persistence, stopped (or killed) by the test. No fakeredis.

    with RedisServer() as redis:
        redis.url              # redis://127.0.0.1:<port>/0
        redis.client()         # a redis-py client
        redis.kill()           # SIGKILL: "Redis lost mid-run"
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port nobody listens on at this moment (bound and released: the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    """The redis-server binary; a failure under CI=true (.ci/run installs it), else a skip."""
    import os

    path = shutil.which("redis-server")
    if path is None:
        message = "redis-server not installed (apt-get install -y redis-server)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


class RedisServer:
    __test__ = False

    def __init__(self, password: str | None = None):
        self.password = password
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        binary = redis_server_binary()
        self._dir = tempfile.TemporaryDirectory(prefix="redis-test-")
        # A port taken between free_port() and the bind: try another (the server exits at once).
        for _ in range(5):
            self.port = free_port()
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self._dir.name,
                 "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
                 "--logfile", str(Path(self._dir.name) / "redis.log"),
                 *(["--requirepass", self.password] if self.password else [])],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready():
                return self
            self._stop_process()
        raise RuntimeError(f"redis-server did not start: {self.log()[-2000:]}")

    def _wait_ready(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    # Without the password the server answers -NOAUTH: it is up all the same.
                    if sock.recv(64).startswith((b"+PONG", b"-NOAUTH")):
                        return True
            except OSError:
                pass
            time.sleep(0.02)
        return False

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, password=self.password)

    def log(self) -> str:
        if self._dir is None:
            return ""
        path = Path(self._dir.name) / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the server (no shutdown, no goodbye to its clients)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def _stop_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        self._stop_process()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

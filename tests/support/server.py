"""A real HTTP server on 127.0.0.1 for tests: static routes, fixture folders, misbehaviours.

    with TestServer() as server:
        server.add("GET", "/a", Reply(body=b"<html>...", headers={"Content-Type": "text/html"}))
        server.add("GET", "/flaky", Reply(status=503, headers={"Retry-After": "1"}), Reply(body=b"ok"))
        server.add("POST", "/feed", Reply(body=b'{"code":0}'), body={"page": 1})
        server.load_fixture("fixtures/qq/nightly")    # same folder format as FIXTURES_REPLAY
        server.url("/a")                               # http://127.0.0.1:<port>/a
        server.requests                                # [Logged(method, path, body, headers)]

A route is a (method, path[?query][, request body]) and a sequence of replies: each request
takes the next one, the last repeats (503 then 200: `add(..., Reply(503), Reply(200))`).
Lookup order: method + path with query + body, then without body, then path without query.
Request bodies are matched after crawler.fixtures.normalise_body (JSON key order ignored),
as in replay. Unknown routes answer 404 (and are logged too).

Misbehaviours (fields of Reply, or the helpers below), for the fault matrix of issue 4:
  delay=seconds             sleep before answering (slower than DOWNLOAD_TIMEOUT)
  reset_after=n             send headers and n body bytes, then reset the connection (RST)
  content_length=n          announce n bytes, send the body as given (short body), then close
  size=n                    a body of n bytes generated on the fly (huge bodies)
  chunk_delay=seconds       pause between 64 KiB chunks of the body
  redirect(location, 302)   a redirect; redirect_loop(path) answers with a redirect to itself
  Retry-After etc.          are plain headers
Each logged request carries its arrival time (`Logged.at`, `server.arrivals(path)`).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from crawler.fixtures import load_index, normalise_body

CHUNK = 64 * 1024


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)  # name -> str or list of str
    delay: float = 0.0
    reset_after: int | None = None
    content_length: int | None = None
    size: int | None = None
    chunk_delay: float = 0.0

    def header_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for name, value in self.headers.items():
            for one in value if isinstance(value, list) else [value]:
                pairs.append((str(name), str(one)))
        return pairs


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


def redirect_loop(path: str, status: int = 302) -> Reply:
    return redirect(path, status)


def slow(seconds: float, **kwargs) -> Reply:
    return Reply(delay=seconds, **kwargs)


def reset_mid_body(body: bytes, after: int | None = None, **kwargs) -> Reply:
    return Reply(body=body, reset_after=len(body) // 2 if after is None else after, **kwargs)


def short_body(body: bytes, announced: int, **kwargs) -> Reply:
    return Reply(body=body, content_length=announced, **kwargs)


def huge(size: int, content_type: str = "text/html", **kwargs) -> Reply:
    return Reply(size=size, headers={"Content-Type": content_type}, **kwargs)


@dataclass
class Logged:
    method: str
    path: str
    body: bytes
    headers: dict
    at: float = 0.0  # time.monotonic() when the request arrived (Retry-After waits)


class _Handler(BaseHTTPRequestHandler):
    server_version = "newsarchive-test"
    protocol_version = "HTTP/1.0"  # one request per connection: simple and enough for tests

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        owner: TestServer = self.server.owner  # type: ignore[attr-defined]
        owner._log(Logged(self.command, self.path, body, dict(self.headers.items()), time.monotonic()))
        reply = owner._next_reply(self.command, self.path, body)
        if reply is None:
            reply = Reply(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
        try:
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (a timeout, a refused large body): that is the test

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _handle

    def _send(self, reply: Reply):
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body
        total = reply.size if reply.size is not None else len(body)
        self.send_response_only(reply.status)
        names = set()
        for name, value in reply.header_pairs():
            names.add(name.lower())
            self.send_header(name, value)
        if "content-length" not in names:
            announced = reply.content_length if reply.content_length is not None else total
            self.send_header("Content-Length", str(announced))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = 0
        limit = reply.reset_after if reply.reset_after is not None else total
        try:
            while sent < min(limit, total):
                n = min(CHUNK, min(limit, total) - sent)
                chunk = body[sent:sent + n] if reply.size is None else b"x" * n
                self.wfile.write(chunk)
                self.wfile.flush()
                sent += n
                if reply.chunk_delay:
                    time.sleep(reply.chunk_delay)
            if reply.reset_after is not None:
                # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default backlog of 5 overflows when a crawl opens a dozen connections at
    # once: the kernel then drops SYNs, the client resends them after a second, and requests
    # time out at DOWNLOAD_TIMEOUT=1 without ever reaching the server (seen in the fault matrix).
    request_queue_size = 128


class TestServer:
    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self._routes: dict[tuple, list[Reply]] = {}
        self._served: dict[tuple, int] = {}
        self._lock = threading.Lock()
        self.requests: list[Logged] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------

    def start(self) -> "TestServer":
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.owner = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="test-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "TestServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + (path if path.startswith("/") else "/" + path)

    # -- routes ------------

    def add(self, method: str, path: str, *replies: Reply, body=None) -> "TestServer":
        """Route (method, path[, request body]) to replies served in order, the last repeating."""
        if not replies:
            raise ValueError("a route needs at least one reply")
        key = (method.upper(), path, normalise_body(body)) if body is not None else (method.upper(), path)
        with self._lock:
            self._routes.setdefault(key, []).extend(replies)
        return self

    def load_fixture(self, folder: str | Path, rewrite_redirects: bool = True) -> "TestServer":
        """Serve a record/replay folder: each entry's path (and POST body) on this server.

        Absolute Location headers are rewritten to this server (same path), so a recorded
        crawl's redirects stay here. Entries recorded as download errors are skipped.
        """
        for entry in load_index(folder):
            if entry.error:
                continue
            parts = urlsplit(entry.url)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            headers: dict = {}
            for name, value in entry.header_pairs():
                if name.lower() == "content-length":
                    continue  # computed from the body served (a hand-edited body stays valid)
                if rewrite_redirects and name.lower() == "location" and "://" in value:
                    loc = urlsplit(value)
                    value = self.base + (loc.path or "/") + (f"?{loc.query}" if loc.query else "")
                headers.setdefault(name, []).append(value)
            self.add(entry.method, path, Reply(status=entry.status, body=entry.content, headers=headers),
                     body=entry.body if normalise_body(entry.body) else None)
        return self

    def _next_reply(self, method: str, path: str, body: bytes) -> Reply | None:
        method = method.upper()
        bare = path.split("?", 1)[0]
        keys = [(method, path, normalise_body(body)), (method, path), (method, bare)]
        with self._lock:
            for key in keys:
                replies = self._routes.get(key)
                if replies:
                    n = self._served.get(key, 0)
                    self._served[key] = n + 1
                    return replies[min(n, len(replies) - 1)]
        return None

    def _log(self, logged: Logged) -> None:
        with self._lock:
            self.requests.append(logged)

    def requested(self, method: str | None = None) -> list[str]:
        """Paths requested so far (optionally of one method), in order."""
        with self._lock:
            return [r.path for r in self.requests if method is None or r.method == method.upper()]

    def count(self, path: str, method: str | None = None) -> int:
        """How many requests reached `path` (exact, query included)."""
        return self.requested(method).count(path)

    def arrivals(self, path: str) -> list[float]:
        """When each request for `path` arrived (time.monotonic()), in order."""
        with self._lock:
            return [r.at for r in self.requests if r.path == path]

"""Record and replay of whole crawls: the downloader middleware `FixturesMiddleware`.

FIXTURES_RECORD=<folder> writes every request and response of a crawl into a folder that is
easy to read and to write by hand; FIXTURES_REPLAY=<folder> plays the crawl again from it with
no network, and a request the folder does not hold fails the run (exit 5). The folder format,
why this is not Scrapy's HTTP cache, and what replay does on a miss: docs/fixtures.md.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import logging
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

logger = logging.getLogger(__name__)

INDEX_JSONL = "index.jsonl"
INDEX_JSON = "index.json"
BODIES = "bodies"
NIGHTLY = "nightly"  # a source's crawl in a directory of sources (fixtures/<source>/nightly)


class ReplayMiss(IgnoreRequest):
    """A request that the replayed folder does not hold."""


class FixtureError(ValueError):
    """A fixture folder that cannot be read (bad index line, missing body file ...)."""


# ------------
# Matching


def normalise_body(body) -> str:
    """The request body as it is matched: JSON canonical (sorted keys, no spaces), else text.

    Accepts bytes (a live request), a str, a dict/list (an index entry) or None.
    """
    if body is None:
        return ""
    if isinstance(body, dict) and set(body) == {"__b64__"}:
        body = base64.b64decode(body["__b64__"])
    if isinstance(body, (dict, list)):
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if isinstance(body, bytes):
        text = body.decode("utf-8", "surrogateescape")
    else:
        text = str(body)
    if not text:
        return ""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            value = json.loads(stripped)
        except ValueError:
            return text
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text


def request_key(method: str, url: str, body) -> tuple[str, str, str]:
    return ((method or "GET").upper(), canonicalize_url(url), normalise_body(body))


def _is_robots(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


# ------------
# The folder


@dataclass
class FixtureEntry:
    method: str
    url: str
    body: object = None
    status: int = 200
    headers: dict = field(default_factory=dict)
    content: bytes = b""
    error: dict | None = None
    file: str | None = None
    match_headers: dict = field(default_factory=dict)  # request headers this entry answers only

    @property
    def key(self) -> tuple[str, str, str]:
        return request_key(self.method, self.url, self.body)

    def answers(self, header) -> bool:
        """True when the request (`header(name)` -> its value or "") carries every header of
        `match_headers` with that value (names case-insensitive)."""
        return all(header(name) == str(value) for name, value in self.match_headers.items())

    def header_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for name, value in (self.headers or {}).items():
            for one in value if isinstance(value, list) else [value]:
                pairs.append((str(name), str(one)))
        return pairs


def _entry_from_json(folder: Path, data: dict, where: str) -> FixtureEntry:
    if not isinstance(data, dict):
        raise FixtureError(f"{where}: an entry must be a JSON object")
    if "url" not in data:
        raise FixtureError(f"{where}: entry without \"url\"")
    content = b""
    if data.get("file"):
        path = (folder / data["file"]).resolve()
        if folder.resolve() not in path.parents:
            raise FixtureError(f"{where}: body file {data['file']!r} lies outside the folder")
        if not path.is_file():
            raise FixtureError(f"{where}: body file {data['file']!r} does not exist")
        content = path.read_bytes()
    elif data.get("text") is not None:
        content = str(data["text"]).encode("utf-8")
    elif data.get("body_b64") is not None:
        content = base64.b64decode(data["body_b64"])
    body = data.get("body")
    match_headers = data.get("match_headers") or {}
    if not isinstance(match_headers, dict):
        raise FixtureError(f"{where}: \"match_headers\" must be an object of header names and values")
    return FixtureEntry(
        method=str(data.get("method") or "GET").upper(), url=str(data["url"]), body=body,
        status=int(data.get("status") or 200), headers=dict(data.get("headers") or {}),
        content=content, error=data.get("error"), file=data.get("file"), match_headers=dict(match_headers),
    )


def load_index(folder: str | Path) -> list[FixtureEntry]:
    """Read a fixture folder's index (index.jsonl and/or index.json), in order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FixtureError(f"fixture folder {folder} does not exist")
    entries: list[FixtureEntry] = []
    found = False
    json_path = folder / INDEX_JSON
    if json_path.is_file():
        found = True
        try:
            data = json.loads(json_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise FixtureError(f"{json_path}: not JSON: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("entries", [])
        for n, item in enumerate(data, 1):
            entries.append(_entry_from_json(folder, item, f"{json_path} entry {n}"))
    jsonl_path = folder / INDEX_JSONL
    if jsonl_path.is_file():
        found = True
        for n, line in enumerate(jsonl_path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                raise FixtureError(f"{jsonl_path} line {n}: not JSON: {exc}") from exc
            entries.append(_entry_from_json(folder, item, f"{jsonl_path} line {n}"))
    if not found:
        raise FixtureError(f"fixture folder {folder} has neither {INDEX_JSONL} nor {INDEX_JSON}")
    return entries


def replay_folder(path: str | Path, source: str) -> Path:
    """The folder `source` replays: FIXTURES_REPLAY itself when it holds an index, else (a
    directory of sources, like the checkout's fixtures/) its `<source>/nightly`."""
    folder = Path(path)
    if not folder.is_dir() or any((folder / name).is_file() for name in (INDEX_JSONL, INDEX_JSON)):
        return folder
    own = folder / source / NIGHTLY
    if not any((own / name).is_file() for name in (INDEX_JSONL, INDEX_JSON)):
        raise FixtureError(f"FIXTURES_REPLAY={path} holds no fixture crawl of {source}: "
                           f"neither {folder / INDEX_JSONL} nor {own / INDEX_JSONL}")
    return own


class FixtureIndex:
    """Entries by request key; several for one key are served in order, the last repeats."""

    def __init__(self, entries: list[FixtureEntry]):
        self.entries = entries
        self._by_key: dict[tuple[str, str, str], list[FixtureEntry]] = {}
        for entry in entries:
            self._by_key.setdefault(entry.key, []).append(entry)
        self._served: dict[tuple, int] = {}

    @classmethod
    def from_folder(cls, folder: str | Path) -> "FixtureIndex":
        return cls(load_index(folder))

    def next_for(self, method: str, url: str, body, header=lambda name: "") -> FixtureEntry | None:
        """The next entry for the request; `header(name)` gives a request header's value, for
        entries with `match_headers` (one URL answering by a header: investing's editions)."""
        key = request_key(method, url, body)
        candidates = [e for e in self._by_key.get(key, ()) if e.answers(header)]
        if not candidates:
            return None
        group = (key, tuple(id(e) for e in candidates))
        n = self._served.get(group, 0)
        self._served[group] = n + 1
        return candidates[min(n, len(candidates) - 1)]


# ------------
# Recording helpers

_EXTENSIONS = (
    ("json", "json"), ("javascript", "js"), ("html", "html"), ("xml", "xml"), ("css", "css"),
    ("jpeg", "jpg"), ("png", "png"), ("gif", "gif"), ("webp", "webp"), ("text/plain", "txt"),
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def body_file_name(seq: int, url: str, content_type: str) -> str:
    parts = urlsplit(url)
    stem = _UNSAFE.sub("-", f"{parts.hostname or 'host'}{parts.path}").strip("-.")[:80] or "body"
    ext = "bin"
    lowered = (content_type or "").lower()
    for needle, candidate in _EXTENSIONS:
        if needle in lowered:
            ext = candidate
            break
    if ext == "bin" and parts.path.endswith("robots.txt"):
        ext = "txt"
    return f"{BODIES}/{seq:04d}-{stem}.{ext}"


def _decode_content(headers: Headers, body: bytes) -> tuple[bytes, str | None]:
    """The body without its Content-Encoding (gzip, deflate, br), and the encoding removed."""
    encoding = (headers.get(b"Content-Encoding") or b"").decode("latin-1").strip().lower()
    if not encoding or encoding == "identity" or not body:
        return body, None
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body), encoding
        if encoding == "deflate":
            try:
                return zlib.decompress(body), encoding
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS), encoding
        if encoding == "br":
            import brotli  # optional, as in Scrapy

            return brotli.decompress(body), encoding
    except Exception:  # noqa: BLE001 - keep the raw bytes and their header
        logger.warning("Could not remove Content-Encoding %s; body recorded as served", encoding)
    return body, None


def _headers_json(headers: Headers, drop: tuple[bytes, ...] = ()) -> dict:
    out: dict = {}
    for name, values in headers.items():
        if name.lower() in drop:
            continue
        texts = [v.decode("latin-1") for v in values]
        out[name.decode("latin-1")] = texts[0] if len(texts) == 1 else texts
    return out


def _request_body_json(body: bytes):
    if not body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {"__b64__": base64.b64encode(body).decode("ascii")}
    if text.strip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


# ------------
# The middleware


class FixturesMiddleware:
    """Records (FIXTURES_RECORD) or replays (FIXTURES_REPLAY) every request of a crawl."""

    def __init__(self, crawler, record: str | None, replay: str | None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.record_dir = Path(record) if record else None
        self.replay_dir = Path(replay) if replay else None
        self.index: FixtureIndex | None = None
        self._seq = 0
        self._index_fh = None
        if self.replay_dir:
            self.index = FixtureIndex.from_folder(self.replay_dir)
            logger.info("Replaying %d recorded responses from %s (no network)",
                        len(self.index.entries), self.replay_dir)
            self.stats.set_value("fixtures/replay/folder", str(self.replay_dir))
        if self.record_dir:
            if (self.record_dir / INDEX_JSONL).exists() or (self.record_dir / INDEX_JSON).exists():
                raise FixtureError(
                    f"FIXTURES_RECORD folder {self.record_dir} already holds a recording; "
                    "remove it or record under another name")
            (self.record_dir / BODIES).mkdir(parents=True, exist_ok=True)
            self._index_fh = open(self.record_dir / INDEX_JSONL, "a", encoding="utf-8")
            logger.info("Recording every request and response into %s", self.record_dir)
            self.stats.set_value("fixtures/record/folder", str(self.record_dir))

    @classmethod
    def from_crawler(cls, crawler):
        record = crawler.settings.get("FIXTURES_RECORD") or None
        replay = crawler.settings.get("FIXTURES_REPLAY") or None
        if not record and not replay:
            raise NotConfigured
        if record and replay:
            raise FixtureError("FIXTURES_RECORD and FIXTURES_REPLAY cannot be used together")
        if replay:
            replay = replay_folder(replay, crawler.spidercls.name)
        mw = cls(crawler, record, replay)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_closed(self, spider=None, reason=None):
        if self._index_fh is not None:
            self._index_fh.close()
            self._index_fh = None

    # -- replay ------------

    def process_request(self, request):
        if self.index is None:
            return None
        entry = self.index.next_for(request.method, request.url, request.body,
                                    lambda name: (request.headers.get(name) or b"").decode("latin-1"))
        if entry is None:
            if _is_robots(request.url):
                self.stats.inc_value("fixtures/replay/robots_absent")
                return Response(url=request.url, status=404, body=b"", request=request)
            return self._miss(request)
        if entry.error:
            exception = replayed_exception(entry.error)
            if exception is None:
                self.stats.inc_value("fixtures/replay/bad_error_type")
                return self._miss(request, f"is recorded with error type {_error_type(entry.error)!r}, "
                                           "which is no download error (refused, not imported), in")
            self.stats.inc_value("fixtures/replay/served")
            raise exception
        self.stats.inc_value("fixtures/replay/served")
        headers = Headers(entry.header_pairs())
        cls = responsetypes.from_args(headers=headers, url=request.url, body=entry.content)
        return cls(url=request.url, status=entry.status, headers=headers, body=entry.content,
                   request=request, flags=["replayed"])

    def _miss(self, request, why: str = "is not recorded in"):
        body = normalise_body(request.body)
        shown = f" body {body[:200]}" if body else ""
        logger.error("Replay miss: %s %s%s %s %s",
                     request.method, request.url, shown, why, self.replay_dir)
        self.stats.inc_value("fixtures/replay/missing")
        missing = list(self.stats.get_value("fixtures/replay/missing_urls") or [])
        if len(missing) < 100:
            missing.append(f"{request.method} {request.url}" + (f" {body[:200]}" if body else ""))
            self.stats.set_value("fixtures/replay/missing_urls", missing)
        raise ReplayMiss(f"not recorded in {self.replay_dir}: {request.method} {request.url}")

    # -- record ------------

    def process_response(self, request, response):
        if self._index_fh is None or "replayed" in response.flags:
            return response
        self._seq += 1
        content, removed = _decode_content(response.headers, response.body)
        drop = (b"content-encoding", b"content-length") if removed else ()
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        entry = {
            "method": request.method, "url": request.url,
            "body": _request_body_json(request.body),
            "status": response.status, "headers": _headers_json(response.headers, drop),
        }
        if content:  # an empty body (a redirect, a 204) gets no file
            name = body_file_name(self._seq, response.url, content_type)
            (self.record_dir / name).write_bytes(content)
            entry["file"] = name
        entry["request_headers"] = _headers_json(request.headers)
        if removed:
            entry["content_encoding_removed"] = removed
        self._write_entry(entry)
        self.stats.inc_value("fixtures/record/responses")
        return response

    def process_exception(self, request, exception):
        if self._index_fh is None or isinstance(exception, IgnoreRequest):
            return None
        self._write_entry({
            "method": request.method, "url": request.url,
            "body": _request_body_json(request.body),
            "error": recorded_error(exception),
        })
        self.stats.inc_value("fixtures/record/errors")
        return None

    def _write_entry(self, entry: dict) -> None:
        if entry.get("body") is None:
            entry.pop("body")
        self._index_fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._index_fh.flush()


class ReplayedDownloadError(Exception):
    """A recorded download error of a type that download_errors() does not list."""


@functools.cache
def download_errors() -> dict[str, type]:
    """The fixed mapping of the exception types a recording may hold, by the name the recorder
    writes (`module.QualName`). Built on first use: it imports Twisted's web client and TLS."""
    import OpenSSL.SSL
    from scrapy import exceptions as scrapy_errors
    from scrapy.core.downloader.handlers.http11 import TunnelError
    from twisted.internet import defer
    from twisted.internet import error as net
    from twisted.web import _newclient as client
    from twisted.web import error as web

    classes = (
        scrapy_errors.DownloadConnectionRefusedError, scrapy_errors.CannotResolveHostError,
        scrapy_errors.DownloadTimeoutError, scrapy_errors.DownloadCancelledError,
        scrapy_errors.DownloadFailedError, scrapy_errors.ResponseDataLossError,
        scrapy_errors.UnsupportedURLSchemeError, scrapy_errors.NotSupported, TunnelError,
        net.DNSLookupError, net.UnknownHostError, net.ConnectError, net.ConnectionRefusedError,
        net.TCPTimedOutError, net.NoRouteError, net.TimeoutError, net.ConnectingCancelledError,
        net.ConnectionLost, net.ConnectionDone, net.ConnectionAborted, net.SSLError,
        net.CertificateError, defer.TimeoutError, defer.CancelledError,
        client.ResponseFailed, client.ResponseNeverReceived, client.RequestGenerationFailed,
        client.RequestTransmissionFailed, client.RequestNotSent, web.SchemeNotSupported,
        OpenSSL.SSL.Error, OSError, ConnectionError, ConnectionResetError, ConnectionRefusedError,
        ConnectionAbortedError, TimeoutError, ReplayedDownloadError,
    )
    known = {f"{cls.__module__}.{cls.__qualname__}": cls for cls in classes}
    # The name recordings carried before this module was split out of crawler/middlewares.py.
    known["crawler.middlewares.ReplayedDownloadError"] = ReplayedDownloadError
    return known


def recorded_error(exception: BaseException) -> dict:
    """The `error` of an index entry: the exception's nearest class of download_errors() (its
    own name kept in the message when that is a base class or none is listed)."""
    known = download_errors()
    for cls in type(exception).__mro__:
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name in known:
            if cls is type(exception):
                return {"type": name, "message": str(exception)}
            break
    else:
        name = f"{ReplayedDownloadError.__module__}.{ReplayedDownloadError.__qualname__}"
    own = type(exception)
    return {"type": name, "message": f"{own.__module__}.{own.__qualname__}: {exception}"}


def _error_type(error) -> str:
    return str(error.get("type") or "") if isinstance(error, dict) else repr(error)[:100]


def replayed_exception(error) -> Exception | None:
    """The recorded error as an exception to raise; None when its type is not one of
    download_errors() (a name is looked up, never imported)."""
    cls = download_errors().get(_error_type(error)) if isinstance(error, dict) else None
    if cls is None:
        return None
    message = str(error.get("message") or _error_type(error))
    try:
        return cls(message)
    except TypeError:
        return cls()

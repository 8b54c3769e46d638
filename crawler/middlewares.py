"""Record and replay of whole crawls, and the count of downloads that finally failed.

`scrapy crawl qq -s FIXTURES_RECORD=fixtures/qq/<name>` writes every request and response of
the crawl into a readable folder; `scrapy crawl qq -s FIXTURES_REPLAY=fixtures/qq/<name>`
plays the crawl again from that folder with no network at all.

Why a downloader middleware and not a storage of ours under HTTPCACHE_STORAGE
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
Scrapy's HTTP cache (HttpCacheMiddleware + a storage with open_spider/close_spider/
retrieve_response/store_response) was evaluated first. It fits recording, but not replay:

* a miss is either sent to the network or, with HTTPCACHE_IGNORE_MISSING, turned into a silent
  IgnoreRequest("Ignored request not in cache") logged at DEBUG; replay must fail the run with
  an error naming the URL, and the storage has no say in what the middleware does on a miss;
* the cache keeps one response per request fingerprint; a crawl "as it happened" has several
  (503 then 200 when a retry succeeded), and replay must give them back in that order, which
  is also what the fault-matrix tests (issue 4) build on;
* switching it on takes five settings (HTTPCACHE_ENABLED, _STORAGE, _POLICY, _DIR,
  _IGNORE_MISSING) and would take over the HTTP cache a user may want for itself.

So this is one downloader middleware (`FixturesMiddleware`, order 950: after HttpCacheMiddleware
at 900, the closest to the downloader). There it sees each request exactly as it goes on the
wire (User-Agent, cookies, Accept-Encoding already set), each redirect hop and each retry as a
request of its own, and each response before decompression, redirects or retries touch it.
A replayed response is returned from process_request, so every other middleware (redirect,
retry, cookies, decompression, stats) still runs over it as over a downloaded one.

Folder format (written by FIXTURES_RECORD, easy to write by hand)
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    <folder>/index.jsonl       one JSON object per line (index.json with a JSON list works too)
    <folder>/bodies/<file>     one file per response: the body bytes exactly as served

An entry::

    {"method": "POST", "url": "https://i.news.qq.com/web_feed/getPCList",
     "body": {"channel_id": "news_news_finance", "flush_num": 1},
     "status": 200, "headers": {"Content-Type": "application/json; charset=utf-8"},
     "file": "bodies/0002-i.news.qq.com-web_feed-getPCList.json"}

* `method` defaults to GET; `url` is matched after w3lib's canonicalize_url (query order and
  escaping do not matter, the fragment is dropped).
* `body` is the request body: a JSON object/list (matched whatever its key order or spacing),
  or a string, or {"__b64__": "..."} for bytes that are not UTF-8; absent or null means an
  empty body. A POST is matched on method, URL and body.
* `status` defaults to 200; `headers` values are a string or a list of strings.
* the response body is `file` (path relative to the folder), or `text` (inline, UTF-8), or
  absent (empty body). Recorded bodies are stored decompressed (the Content-Encoding and
  Content-Length headers of a gzip/deflate/br answer are dropped), byte for byte otherwise,
  so GBK pages and wrong charset declarations replay exactly.
* instead of a response, `error` records a download that failed:
  {"type": "twisted.internet.error.TimeoutError", "message": "..."}; replay raises it again
  (RetryMiddleware then retries it as it did when recording). `type` is one of the download
  errors of `download_errors()` (what the recorder writes: the exception's nearest listed
  class, else `crawler.middlewares.ReplayedDownloadError`); any other name is refused like a
  replay miss (exit 5), never imported: an index is data, not code.
* several entries for the same request are answered in their order; the last one repeats.
* `request_headers` (recorded, informative) is never matched.

Replay
------
Every request is answered from the folder; nothing reaches the network. A request that is not
in the folder is logged at ERROR as "Replay miss: <METHOD> <URL> ..." , counted in the stats
(`fixtures/replay/missing`, the URLs in `fixtures/replay/missing_urls`) and fails with
`ReplayMiss` (an IgnoreRequest, so the spider's errback sees it); the crawl goes on so that
every miss is listed, and ends with exit status 5 (see crawler.commands.crawl).
robots.txt is the one exception: a robots.txt that is not in the folder is answered with an
empty 404, which Scrapy reads as "everything allowed" (as it does on the web), so hand-written
folders need no robots.txt entry; a recorded one is replayed as recorded.

`FailedDownloads` (order 10, the first middleware, so it sees what is left after
RetryMiddleware gave up) counts downloads that finally failed as
`downloader/failed/<ExceptionType>` and answers whose status RetryMiddleware gave up on (a 5xx
or 429 still after RETRY_TIMES retries) as `downloader/failed_status/<code>`; the exit status
counts these events, one per failed page, whatever the log level (crawler.report.ERROR_KINDS).
`downloader/failed_quiet` says which failures left no ERROR line (an errback handled them).
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

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

logger = logging.getLogger(__name__)

INDEX_JSONL = "index.jsonl"
INDEX_JSON = "index.json"
BODIES = "bodies"


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

    @property
    def key(self) -> tuple[str, str, str]:
        return request_key(self.method, self.url, self.body)

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
    return FixtureEntry(
        method=str(data.get("method") or "GET").upper(), url=str(data["url"]), body=body,
        status=int(data.get("status") or 200), headers=dict(data.get("headers") or {}),
        content=content, error=data.get("error"), file=data.get("file"),
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


class FixtureIndex:
    """Entries by request key; several for one key are served in order, the last repeats."""

    def __init__(self, entries: list[FixtureEntry]):
        self.entries = entries
        self._by_key: dict[tuple[str, str, str], list[FixtureEntry]] = {}
        for entry in entries:
            self._by_key.setdefault(entry.key, []).append(entry)
        self._served: dict[tuple[str, str, str], int] = {}

    @classmethod
    def from_folder(cls, folder: str | Path) -> "FixtureIndex":
        return cls(load_index(folder))

    def next_for(self, method: str, url: str, body) -> FixtureEntry | None:
        key = request_key(method, url, body)
        candidates = self._by_key.get(key)
        if not candidates:
            return None
        n = self._served.get(key, 0)
        self._served[key] = n + 1
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
        mw = cls(crawler, record, replay)
        from scrapy import signals

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
        entry = self.index.next_for(request.method, request.url, request.body)
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
    return {f"{cls.__module__}.{cls.__qualname__}": cls for cls in classes}


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


FAILED_STATUS_COUNTED = "failed_status_counted"  # request.meta: its give-up is counted


class FailedDownloads:
    """Counts downloads that finally failed (after retries): by exception type
    (`downloader/failed/<type>`), and answers RetryMiddleware gave up on by status
    (`downloader/failed_status/<code>`); each is one error of the run (crawler.report).

    `downloader/failed_quiet` counts the failures that left no ERROR line in the log: an
    errback handled them (so Scrapy's "Error downloading" line is not written) and
    RetryMiddleware did not log "Gave up retrying" at ERROR for them.
    """

    def __init__(self, stats, settings=None):
        self.stats = stats
        self.retry_enabled = bool(settings.getbool("RETRY_ENABLED", True)) if settings else False
        self.retry_exceptions: tuple = ()
        self.retry_codes: frozenset = frozenset()
        self.max_retry_times = 0
        self.give_up_level = logging.ERROR
        if settings is not None:
            self.retry_codes = frozenset(int(code) for code in settings.getlist("RETRY_HTTP_CODES"))
            self.max_retry_times = settings.getint("RETRY_TIMES")
            from scrapy.utils.misc import load_object

            loaded = []
            for path in settings.getlist("RETRY_EXCEPTIONS"):
                try:
                    loaded.append(load_object(path) if isinstance(path, str) else path)
                except (ImportError, NameError, ValueError):
                    pass
            self.retry_exceptions = tuple(loaded)
            level = settings.get("RETRY_GIVE_UP_LOG_LEVEL", "ERROR")
            self.give_up_level = logging.getLevelName(level) if isinstance(level, str) else int(level)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings)

    def _logged_by_retry(self, request, exception) -> bool:
        if not self.retry_enabled or request.meta.get("dont_retry"):
            return False
        if not isinstance(exception, self.retry_exceptions):
            return False
        level = request.meta.get("give_up_log_level", self.give_up_level)
        level = logging.getLevelName(level) if isinstance(level, str) else level
        return isinstance(level, int) and level >= logging.ERROR

    def process_response(self, request, response):
        # The answer RetryMiddleware retried for the last time and handed on (it retries a
        # request while its retry_times is below its max_retry_times). Counted once, also
        # when a subclass of this middleware runs beside it.
        if (self.retry_enabled and response.status in self.retry_codes and not request.meta.get("dont_retry")
                and request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retry_times)
                and not request.meta.get(FAILED_STATUS_COUNTED)):
            request.meta[FAILED_STATUS_COUNTED] = True
            self.stats.inc_value("downloader/failed_status")
            self.stats.inc_value(f"downloader/failed_status/{response.status}")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest):
            return None
        self.stats.inc_value("downloader/failed")
        self.stats.inc_value(f"downloader/failed/{type(exception).__name__}")
        if request.errback is not None and not self._logged_by_retry(request, exception):
            self.stats.inc_value("downloader/failed_quiet")
        return None


def retry_after_seconds(value, now: float | None = None) -> float | None:
    """Seconds a `Retry-After` header value asks to wait (delta-seconds or an HTTP date), or None."""
    import email.utils
    import time

    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class RetryAfter:
    """Wait as long as a retried answer's `Retry-After` asks before it is retried.

    Scrapy's RetryMiddleware re-sends a 429/503 at once, whatever `Retry-After` says, so a
    rate-limited crawl spends its retries in a second and drops the article. This middleware
    (order 560: its process_response runs just before RetryMiddleware's at 550) looks at an
    answer whose status is in RETRY_HTTP_CODES and that carries `Retry-After`, and, when the
    request still has retries left, waits that long (at most RETRY_AFTER_MAX seconds; a longer
    ask is waited RETRY_AFTER_MAX) before handing the answer on; RetryMiddleware then retries
    it as usual. The wait holds only this request, not the crawl. Stats: `retry_after/waited`
    (answers waited on), `retry_after/seconds` (total), `retry_after/capped`.
    """

    def __init__(self, settings, stats):
        self.stats = stats
        self.enabled = settings.getbool("RETRY_ENABLED", True)
        self.codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler.settings, crawler.stats)
        if not mw.enabled:
            raise NotConfigured("RETRY_ENABLED is off")
        return mw

    def wait_for(self, request, response) -> float | None:
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return None
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay is None:
            return None
        retries = request.meta.get("retry_times", 0) + 1
        if retries > request.meta.get("max_retry_times", self.max_retry_times):
            return None  # RetryMiddleware gives up: no point in waiting
        if delay > self.max_wait:
            self.stats.inc_value("retry_after/capped")
            delay = self.max_wait
        return delay

    async def process_response(self, request, response):
        delay = self.wait_for(request, response)
        if not delay:
            return response
        from twisted.internet import reactor, task
        from scrapy.utils.defer import maybe_deferred_to_future

        logger.info("Waiting %.1f s (Retry-After) before retrying %s (status %d)", delay, request.url, response.status)
        self.stats.inc_value("retry_after/waited")
        self.stats.inc_value("retry_after/seconds", delay)
        await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))
        return response

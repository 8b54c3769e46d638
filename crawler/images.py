"""Kept images (opt-in, IMAGES_STORE): what an article's Markdown shows as images, what a
downloaded image must look like, and the downloader side of the image requests.

pipelines.images downloads the images and rewrites the URLs; docs/images.md explains the
whole stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from crawler.per_crawler import one_per_crawler

# request.meta key of the images stage's requests.
IMAGE_REQUEST = "newsarchive_image"


# ------------
# Images in the body's Markdown. crawler.markdown writes an image as html2text does,
# `![alt](url)`, alt and URL with `\`, `[`, `]`, `(`, `)` backslash-escaped, no title; text
# never holds an unescaped `![` (escape_text escapes `[` everywhere and a chunk's last `!`),
# so outside code every `![` opens an image. Code is skipped: fenced blocks (crawler.markdown
# fences every <pre>, also inside quotes and lists) and backtick code spans, whose text is
# shown as written.

_FENCE = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*(`{3,}|~{3,})([^\n]*)$")
_IMAGE = re.compile(r"!\[(?:\\.|[^\\\]])*\]\((?P<url>(?:\\.|[^\\()\s])+)\)")
_BLANK = re.compile(r"^(?:[ \t]*>)*[ \t]*$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class MarkdownImage:
    start: int  # the destination's span in the Markdown
    end: int
    url: str  # the destination with its escapes removed


def _segments(markdown: str):
    """(offset, text) of the blocks of `markdown` outside fenced code: split at fences and at
    blank lines (a code span cannot reach across a paragraph's end)."""
    pos = 0
    start = 0
    fence = None  # (character, length) of the open fence
    for line in markdown.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        m = _FENCE.match(bare)
        if fence is None:
            opens = m and not (m.group(1)[0] == "`" and "`" in m.group(2))
            if opens or _BLANK.match(bare):
                if pos > start:
                    yield start, markdown[start:pos]
                start = pos + len(line)
            if opens:
                fence = (m.group(1)[0], len(m.group(1)))
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1] and not m.group(2).strip():
            fence = None
            start = pos + len(line)
        pos += len(line)
    if fence is None and len(markdown) > start:
        yield start, markdown[start:]


def markdown_images(markdown: str) -> list[MarkdownImage]:
    """The images of a body's Markdown, in order (an image inside a link too)."""
    found = []
    for offset, text in _segments(markdown or ""):
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
            elif c == "`":
                run = _BACKTICKS.match(text, i).group()
                close = re.compile(r"(?<!`)" + run + r"(?!`)").search(text, i + len(run))
                i = close.end() if close else i + len(run)
            elif c == "!" and text.startswith("![", i):
                m = _IMAGE.match(text, i)
                if m is None:
                    i += 2
                    continue
                found.append(MarkdownImage(offset + m.start("url"), offset + m.end("url"),
                                           _ESCAPE.sub(r"\1", m.group("url"))))
                i = m.end()
            else:
                i += 1
    return found


def rewrite_images(markdown: str, new_urls: dict[str, str]) -> tuple[str, int]:
    """`markdown` with the URL of every image found in `new_urls` replaced (new URLs are plain
    paths or URLs that need no escape), and how many were replaced."""
    out, pos, count = [], 0, 0
    for image in markdown_images(markdown):
        new = new_urls.get(image.url)
        if new is not None:
            out.append(markdown[pos:image.start])
            out.append(new)
            pos = image.end
            count += 1
    out.append(markdown[pos:])
    return "".join(out), count


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


# ------------
# What a kept image must be: an image by its first bytes (raster formats only: an SVG can
# hold scripts, and an HTML page served for a missing image is no image either).


def sniff_image(data: bytes) -> str | None:
    """The image format of `data` by its magic number, or None."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":  # ISO base media file: the major brand says which
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"):
            return "heic"
    # BMP: "BM" and a known DIB header size (two letters alone are too weak a sign).
    if head[:2] == b"BM" and len(head) >= 18 and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124):
        return "bmp"
    if head[:4] == b"\x00\x00\x01\x00" and len(head) >= 6 and head[4:6] != b"\x00\x00":
        return "ico"
    return None


_BINARY_TYPES = ("", "application/octet-stream", "binary/octet-stream")


def image_problem(status: int, content_type: str, body: bytes, max_bytes: int) -> str | None:
    """Why a response to an image request is not kept (the reason counted as
    `images/failed/<reason>`), or None for an image."""
    if status != 200:
        return f"http_{status}"
    if not body:
        return "empty"
    if max_bytes and len(body) > max_bytes:
        return "too_large"
    kind = content_type.split(";", 1)[0].strip().lower()
    head = body[:512].lstrip().lower()
    if "svg" in kind or head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "svg"
    if kind in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype", b"<html")):
        return "html"
    if not (kind.startswith("image/") or kind in _BINARY_TYPES) or sniff_image(body) is None:
        return "not_image"
    return None


# ------------
# The downloader side


class ImageNotKept(IgnoreRequest):
    """An image request that gave no image; `reason` is counted by the images stage."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class ImageHosts:
    """Hosts asked for images and hosts of the spider's own requests, shared by the images
    stage and ImageDownloads (one per crawler)."""

    def __init__(self):
        self.images: set[str] = set()
        self.pages: set[str] = set()

    @classmethod
    def for_crawler(cls, crawler) -> "ImageHosts":
        return one_per_crawler(crawler, "image_hosts", cls)

    def image_only(self, host: str) -> bool:
        return host in self.images and host not in self.pages


class ImageDownloads:
    """Downloader middleware (order 540, inside RetryMiddleware): what comes back for an image
    request is an image (image_problem) or ImageNotKept, whatever failed: a status, the content,
    the size (the downloader's cancel at download_maxsize, or the body's length where no
    downloader ran, in replay), a connection after its retries. An IgnoreRequest ends there:
    the images stage counts it (`images/failed/<reason>`) and keeps the original URL; it is no
    error of the run (FailedDownloads, further in, never sees it). The same holds for the
    robots.txt of a host that only images were asked from: its failure costs no page.
    """

    def __init__(self, crawler):
        self.hosts = ImageHosts.for_crawler(crawler)
        # The answers FailedDownloads counts once RetryMiddleware gave up on them.
        self.retry_codes = frozenset(int(code) for code in crawler.settings.getlist("RETRY_HTTP_CODES"))

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("IMAGES_STORE"):
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        return mw

    def request_scheduled(self, request, spider=None):
        # The spider's own requests pass the scheduler; the images stage's and robots.txt do not.
        self.hosts.pages.add(urlparse_cached(request).netloc)

    def _for_images(self, request) -> bool:
        if request.meta.get(IMAGE_REQUEST):
            return True
        parts = urlparse_cached(request)
        return parts.path == "/robots.txt" and request.meta.get("dont_obey_robotstxt") and self.hosts.image_only(parts.netloc)

    def process_response(self, request, response):
        if request.meta.get(IMAGE_REQUEST):
            problem = image_problem(response.status, (response.headers.get(b"Content-Type") or b"").decode("latin-1"),
                                    response.body, request.meta.get("download_maxsize") or 0)
            if problem:
                raise ImageNotKept(problem, f"{response.status} {request.url}")
        elif response.status in self.retry_codes and self._for_images(request):
            raise ImageNotKept(f"http_{response.status}", request.url)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest) or not self._for_images(request):
            return None
        if isinstance(exception, DownloadCancelledError):
            # The downloader cancels a download at download_maxsize (announced or received).
            raise ImageNotKept("too_large", str(exception) or request.url) from exception
        raise ImageNotKept("download_error", f"{type(exception).__name__}: {exception}") from exception

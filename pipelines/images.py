"""The images stage (opt-in, IMAGES_STORE; before the archive stage): keep each new article's
thumbnail and body images.

Scrapy's FilesPipeline, not its ImagesPipeline: that one re-encodes every image to JPEG with
Pillow (other bytes, animations and transparency lost, one more dependency); this keeps the
bytes as served. The images are fetched through Scrapy's downloader (robots.txt, throttling,
retries, record/replay), checked there (crawler.images.ImageDownloads), stored under
`images/<sha1 of the URL><extension>` in the store, and the article's Markdown and
`thumbnail` then point at IMAGES_URL_PREFIX + that path. An image that is not kept keeps its
URL; the article is written either way, after its images are settled (docs/images.md).
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.defer import ensure_awaitable
from scrapy.utils.httpobj import urlparse_cached

from crawler.archive import ArchiveEntry, has_id, web_url
from crawler.archive_index import ArchiveIndex
from crawler.images import IMAGE_REQUEST, ImageHosts, ImageNotKept, is_web_url, markdown_images, rewrite_images
from crawler.fixtures import ReplayMiss

logger = logging.getLogger(__name__)

# Folder of the images inside the store, and the extensions a stored name keeps: raster image
# types only, so that no stored file is served as HTML, SVG or script whatever its URL says.
FOLDER = "images"
EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".avif", ".heic", ".heif", ".bmp", ".ico"})
_TEMP = re.compile(r"^\.[0-9a-f]{40}[.a-z]*\.\d+\.tmp$")
# A temporary file older than this is a killed run's (a live one lasts one write).
_TEMP_STALE_SECONDS = 3600


class ImageFilesStore(FSFilesStore):
    """FSFilesStore whose files appear whole: written under a hidden name in a thread, flushed,
    then renamed (a killed run leaves no half image that the next night would take as kept)."""

    def persist_file(self, path, buf, info, meta=None, headers=None):
        target = self._get_filesystem_path(path)
        self._mkdir(target.parent, info)
        return run_in_thread(_write_whole, target, buf.getvalue())

    def stat_file(self, path, info):
        # Whether it is there is all that counts (a kept image never expires): no checksum read.
        try:
            return {"last_modified": os.stat(self._get_filesystem_path(path)).st_mtime, "checksum": None}
        except OSError:
            return {}

    def remove_stale_temporaries(self) -> int:
        folder = Path(self.basedir, FOLDER)
        try:
            names = os.listdir(folder)
        except OSError:
            return 0
        removed = 0
        for name in names:
            if _TEMP.match(name):
                try:
                    if time.time() - os.lstat(folder / name).st_mtime > _TEMP_STALE_SECONDS:
                        os.unlink(folder / name)
                        removed += 1
                except OSError:
                    pass
        return removed


def _write_whole(target: Path, data: bytes) -> None:
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with open(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def failure_reason(error: BaseException) -> str:
    """The `images/failed/<reason>` of a failed image."""
    if isinstance(error, ImageNotKept):
        return error.reason
    if isinstance(error, ReplayMiss):
        return "replay_miss"
    if isinstance(error, IgnoreRequest):
        return "robots" if "robots.txt" in str(error) else "ignored"
    return "store_error"


class KeepImages(FilesPipeline):
    STORE_SCHEMES = {**FilesPipeline.STORE_SCHEMES, "": ImageFilesStore, "file": ImageFilesStore}

    def __init__(self, store_uri, *, crawler):
        super().__init__(store_uri, crawler=crawler)
        settings = crawler.settings
        self.stats = crawler.stats
        self.max_bytes = settings.getint("IMAGES_MAX_BYTES")
        if self.max_bytes <= 0:
            raise ValueError(f"IMAGES_MAX_BYTES must be a positive number of bytes, not {settings.get('IMAGES_MAX_BYTES')!r}")
        prefix = settings.get("IMAGES_URL_PREFIX")
        if not isinstance(prefix, str) or not (prefix.startswith("/") or is_web_url(prefix)) or re.search(r"[\s()<>\\]", prefix):
            raise ValueError(f"IMAGES_URL_PREFIX must be a site path starting with / or an http(s) URL, not {prefix!r}")
        self.url_prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.index = ArchiveIndex.for_crawler(crawler)
        self.hosts = ImageHosts.for_crawler(crawler)
        self._pending: dict[int, list[tuple[str, Request]]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        store = crawler.settings.get("IMAGES_STORE")
        if not store:
            raise NotConfigured  # off: items pass untouched, the archive's format is unchanged
        cls._update_stores(crawler.settings)
        return cls(str(store), crawler=crawler)

    def open_spider(self, spider=None):
        super().open_spider()
        if isinstance(self.store, ImageFilesStore):
            self.store.remove_stale_temporaries()

    # -- which images

    def _image_urls(self, item) -> list[str]:
        urls = []
        thumbnail = web_url(item.get("thumbnail") or "")
        if thumbnail:
            urls.append(thumbnail)
        urls.extend(image.url for image in markdown_images(item.get("body_markdown") or "") if is_web_url(image.url))
        return list(dict.fromkeys(urls))

    def _in_archive(self, item) -> bool:
        """Will the archive writer skip this article (as pipelines.archive.ArchiveWriter.is_known
        decides, or a file at its name), or refuse its folder? Then no image is fetched."""
        language, folder = item["language"], item["folder"]
        if self.index.folder_problem(language, folder):
            return True
        entry = ArchiveEntry(id=item.get("id"), title=item["title"], published=item["published"], summary="",
                             category=item["category"], language=language, folder=folder, thumbnail="",
                             link=item["link"], body_markdown="")
        if self.index.contains_name(language, folder, entry.name, include_dropped=False):
            return True
        if not has_id(entry.id) and self.index.contains_link(language, folder, entry.link, include_dropped=False):
            return True
        return os.path.lexists(self.index.folder_path(language, folder) / entry.name)

    def _requests(self, item) -> list[tuple[str, Request]]:
        pairs = []
        for url in self._image_urls(item):
            try:
                request = Request(url, callback=NO_CALLBACK, headers={"Referer": item["link"]}, meta={
                    IMAGE_REQUEST: True,
                    "download_maxsize": self.max_bytes,
                    "allow_offsite": True,  # image hosts are other hosts
                    "give_up_log_level": "WARNING",  # a lost image is counted, not a run error
                })
            except ValueError as exc:
                self._failed("bad_url", url, item, str(exc))
                continue
            self.hosts.images.add(urlparse_cached(request).netloc)
            pairs.append((url, request))
        return pairs

    async def process_item(self, item, spider=None):
        if self._in_archive(item):
            return item
        pairs = self._requests(item)
        if not pairs:
            return item
        self.stats.inc_value("images/articles")
        self._pending[id(item)] = pairs
        try:
            return await super().process_item(item)
        finally:
            self._pending.pop(id(item), None)

    def get_media_requests(self, item, info):
        return [request for _, request in self._pending[id(item)]]

    # -- what became of them

    async def media_to_download(self, request, info, *, item=None):
        """A stored image is never downloaded again (its path is its URL's)."""
        path = self.file_path(request, info=info, item=item)
        try:
            stat = await ensure_awaitable(self.store.stat_file(path, info))
        except Exception:  # noqa: BLE001 - a store that cannot say: download
            logger.warning("Image store cannot stat %s; downloading %s", path, request.url, exc_info=True)
            return None
        if not stat or not stat.get("last_modified"):
            return None
        self.inc_stats("uptodate")
        return {"url": request.url, "path": path, "checksum": stat.get("checksum"), "status": "uptodate"}

    def media_failed(self, failure, request, info):
        self._failed(failure_reason(failure.value), request.url, None, str(failure.value),
                     referer=request.headers.get(b"Referer", b"").decode("latin-1"))
        return super().media_failed(failure, request, info)

    def _failed(self, reason: str, url: str, item, detail: str, referer: str = "") -> None:
        self.stats.inc_value("images/failed")
        self.stats.inc_value(f"images/failed/{reason}")
        where = referer or (item.get("link") if item is not None else "")
        logger.warning("Image not kept (%s), its URL stays: %s in %s (%s)", reason, url, where, detail)

    def inc_stats(self, status: str) -> None:
        super().inc_stats(status)
        self.stats.inc_value(f"images/{status}")  # downloaded, uptodate (cached: HTTP cache)

    def file_path(self, request, response=None, info=None, *, item=None) -> str:
        """Scrapy's name, sha1 of the URL + the URL's extension, under FOLDER; an extension that
        is not a raster image's is left out."""
        name = super().file_path(request, response, info, item=item).rsplit("/", 1)[-1]
        stem, dot, ext = name.partition(".")
        if dot and f".{ext.lower()}" not in EXTENSIONS:
            name = stem
        return f"{FOLDER}/{name}"

    def item_completed(self, results, item, info):
        stored = {}
        for (url, _), (ok, value) in zip(self._pending[id(item)], results):
            if ok and value and value.get("path"):
                stored[url] = self.url_prefix + value["path"]
        if not stored:
            return item
        markdown, count = rewrite_images(item.get("body_markdown") or "", stored)
        item["body_markdown"] = markdown
        thumbnail = web_url(item.get("thumbnail") or "")
        if thumbnail in stored:
            item["thumbnail"] = stored[thumbnail]
            count += 1
        self.stats.inc_value("images/rewritten", count)
        return item

"""The wait a 429/503's `Retry-After` asks for, before the retry: the downloader middleware
`RetryAfter` (Scrapy's RetryMiddleware re-sends at once)."""

from __future__ import annotations

import email.utils
import logging
import time

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

logger = logging.getLogger(__name__)


def retry_after_seconds(value, now: float | None = None) -> float | None:
    """Seconds a `Retry-After` header value asks to wait (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # "²".isdigit() is True, and float() refuses it
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
        self.enabled = settings.getbool("RETRY_ENABLED")
        self.codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX")

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
        from twisted.internet import reactor  # the installed one, known only once the crawl runs

        logger.info("Waiting %.1f s (Retry-After) before retrying %s (status %d)", delay, request.url, response.status)
        self.stats.inc_value("retry_after/waited")
        self.stats.inc_value("retry_after/seconds", delay)
        await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))
        return response

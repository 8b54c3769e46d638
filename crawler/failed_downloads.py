"""Downloads that finally failed, counted: the downloader middleware `FailedDownloads`.

Each download given up after the retries is one error of the run (crawler.report.ERROR_KINDS),
counted from this event whatever the log level; docs/exit-statuses.md.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import load_object

FAILED_STATUS_COUNTED = "failed_status_counted"  # request.meta: its give-up is counted


class FailedDownloads:
    """Counts downloads that finally failed (after retries): by exception type
    (`downloader/failed/<type>`), and answers RetryMiddleware gave up on by status
    (`downloader/failed_status/<code>`); each is one error of the run (crawler.report).

    `downloader/failed_quiet` counts the failures that left no ERROR line in the log: an
    errback handled them (so Scrapy's "Error downloading" line is not written) and
    RetryMiddleware did not log "Gave up retrying" at ERROR for them.
    """

    def __init__(self, stats, settings):
        self.stats = stats
        self.retry_enabled = settings.getbool("RETRY_ENABLED")
        self.retry_codes = frozenset(int(code) for code in settings.getlist("RETRY_HTTP_CODES"))
        self.max_retry_times = settings.getint("RETRY_TIMES")
        loaded = []
        for path in settings.getlist("RETRY_EXCEPTIONS"):
            try:
                loaded.append(load_object(path) if isinstance(path, str) else path)
            except (ImportError, NameError, ValueError):
                pass  # RetryMiddleware refuses it itself
        self.retry_exceptions = tuple(loaded)
        level = settings.get("RETRY_GIVE_UP_LOG_LEVEL")
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

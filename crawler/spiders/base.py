"""The base of every source's spider (qq and the site files'): SourceSpider, a scrapy.Spider
with the bookkeeping every one of them does the same way:

- settings read as the crawl has them (their defaults: crawler/settings.py), and secrets
  (tokens, device ids, cookies) as crawler.secret reads them: the setting or, when that is
  empty, the environment variable of the same name; SECRET_HEADERS sends one as a header;
- `-a` arguments declared in ARGUMENTS and read by crawler.arguments (`-a limit=N`, at most N
  articles taken per run, for every source);
- stats `<spider>/discovered`, `/skipped_known`, `/skipped_limit`, `/duplicate`, `/requested`,
  `/discovery_failed`, `/http_denied`, `/time_fallback`, `/page_failed`;
- the archive as state: an article whose id names a file of the folder is not taken again;
- 401/403 answers counted as `<spider>/http_denied` and logged as an ERROR naming the URL.
"""

from __future__ import annotations

import datetime as dt

import scrapy

from crawler import settings as project
from crawler.archive import archive_name
from crawler.archive_index import ArchiveIndex
from crawler.arguments import LIMIT, Argument
from crawler.arguments import parse as parse_arguments
from crawler.secret import secret
from crawler.timeutil import BEIJING

DENIED = (401, 403)


def _failed(failure) -> tuple[str, str]:
    """(what failed: the request's `discovery` label or URL, why) of a request's failure."""
    request = getattr(failure, "request", None)
    what = request.meta.get("discovery", request.url) if request is not None else "?"
    return what, failure.getErrorMessage() or repr(failure.value)


class SourceSpider(scrapy.Spider):
    """Base of every source's spider; subclasses set name, FOLDER, LANGUAGE, SECRETS and
    ARGUMENTS (crawler.arguments: every `-a` the spider takes; read into `self.arguments`)."""

    FOLDER = ""
    LANGUAGE = ""
    SECRETS: tuple = ()
    SECRET_HEADERS: dict = {}  # header -> the setting (one of SECRETS) whose value it sends
    ARGUMENTS: tuple[Argument, ...] = (LIMIT,)

    def __init__(self, *args, name: str | None = None, **kwargs):
        super().__init__(*args, name=name)
        # Unknown names and unreadable values are refused here (ArgumentError, one line).
        self.arguments = parse_arguments(self.name, self.ARGUMENTS, kwargs)
        self.limit = self.arguments.get("limit")
        self._seen: set[str] = set()
        self._taken = 0
        self._index: ArchiveIndex | None = None

    # ------------ configuration

    def setting(self, name: str):
        """The crawl's setting (its default: crawler/settings.py); a secret (SECRETS) left empty
        there is read from the environment variable of its name."""
        settings = getattr(self, "settings", None)
        if name in self.SECRETS:
            return secret(settings, name)
        return settings.get(name) if settings is not None else None

    def secret_headers(self) -> dict:
        """The SECRET_HEADERS whose secret is set (a Cookie goes into the jar:
        crawler.cookie_header)."""
        return {header: value for header, name in self.SECRET_HEADERS.items() if (value := self.setting(name))}

    @property
    def index(self) -> ArchiveIndex:
        if self._index is None:
            crawler = getattr(self, "crawler", None)
            if crawler is not None:
                self._index = ArchiveIndex.for_crawler(crawler)
            else:  # a spider made outside a crawl (tests): its settings, else the project's
                settings = getattr(self, "settings", None)
                self._index = ArchiveIndex(settings.get("ARCHIVE_DIR") if settings is not None else project.ARCHIVE_DIR)
        return self._index

    def inc(self, key: str, count: int = 1) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None and count:
            crawler.stats.inc_value(f"{self.name}/{key}", count)

    # ------------ incremental runs

    def is_known(self, article_id) -> bool:
        """Is the article in the archive: by its id's file name, or, for an article without id
        (given by its link: its file has an md5 name), by the link."""
        if article_id in (None, ""):
            return False
        if isinstance(article_id, str) and article_id.startswith(("http://", "https://")):
            return self.index.contains_link(self.LANGUAGE, self.FOLDER, article_id)
        name = archive_name(article_id, "", "", self.LANGUAGE)
        return self.index.contains_name(self.LANGUAGE, self.FOLDER, name)

    def take(self, article, *, key=None, too_old: bool = False) -> bool:
        """Count one discovered article; True when it is to be requested (or emitted): not
        seen before in this run (by `key`, default the article itself as text), not older
        than the run wants, not in the archive (`is_known(article)`), not beyond `limit`."""
        key = str(article if key is None else key)
        if key in self._seen:
            self.inc("duplicate")
            return False
        self._seen.add(key)
        # A distributed run (crawler.distributed): the run's first process to see the article
        # takes it; for every other process it is a duplicate, as a second sight is here.
        run = getattr(getattr(self, "crawler", None), "distributed_run", None)
        if run is not None and not run.first_sight(self, key):
            self.inc("duplicate")
            return False
        self.inc("discovered")
        if too_old:
            self.inc("skipped_old")
            return False
        if self.is_known(article):
            self.inc("skipped_known")
            return False
        if self.limit is not None and self._taken >= self.limit:
            self.inc("skipped_limit")
            return False
        self._taken += 1
        self.inc("requested")
        return True

    def published_or_now(self, published: dt.datetime | None, link: str) -> dt.datetime:
        """The source's time, or the crawl time as the last resort (counted, logged)."""
        if published is not None:
            return published
        self.inc("time_fallback")
        self.logger.warning("%s: no readable publication time for %s; crawl time used", self.name, link)
        return dt.datetime.now(BEIJING).replace(microsecond=0)

    # ------------ failures

    def denied(self, response) -> bool:
        """True (counted and logged) when the site refused us (401/403)."""
        if response.status in DENIED:
            self.inc("http_denied")
            self.logger.error(
                "%s: HTTP %s (access denied) for %s: a token/cookie setting may be needed or stale",
                self.name, response.status, response.url)
            return True
        return False

    # Failures below are logged as WARNING, not ERROR: they are counted in their own stats
    # (discovery_failed gives exit status 4 when nothing was discovered; a download that
    # failed for good is counted by crawler.failed_downloads.FailedDownloads), and an ERROR line
    # would count the same failure a second time in the run's error total.

    def discovery_error(self, what: str, message: str) -> None:
        self.inc("discovery_failed")
        self.logger.warning("%s discovery failed (%s): %s", self.name, what, message)

    def discovery_failed(self, failure):
        self.discovery_error(*_failed(failure))

    def page_error(self, url: str, message: str) -> None:
        self.inc("page_failed")
        self.logger.warning("%s article request failed: %s: %s", self.name, url, message)

    def page_failed(self, failure):
        self.page_error(*_failed(failure))

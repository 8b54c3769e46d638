"""One crawl over several processes and machines: scrapy-redis's scheduler and dupefilter on a
real Redis (REDIS_URL), plus what the archive needs on top of a shared queue.

`RedisAddon` (ADDONS) does nothing while REDIS_URL is empty. With it, it switches the crawl to
crawler.redis_scheduler (scrapy-redis) and enables `DistributedRun` (an extension) and
`FounderStart` (a spider middleware). The processes of a source that run at the same time form
one run: the first one founds it and alone schedules the start requests (feeds are read once
per run, not once per process); every article is taken by one process (a Redis set of the
run's article keys, crawler.spiders.base.SourceSpider.take) and claimed before its work
(crawler.redis_claims); a process stays until the shared queue is empty and no live process
still works on a request; the last one out clears the run's keys. A process that stops
beating its heart for REDIS_MEMBER_TIMEOUT seconds is dead for the others: what it had taken
and not written is requested by the next run. Design, keys and faults: docs/distributed.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
from urllib.parse import urlsplit, urlunsplit

from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured

from crawler.secret import secret

logger = logging.getLogger(__name__)

# Finish reasons of a run that lost its Redis (crawler.report: exit status 1 with the line of
# STAT_FAILED) and the stats it leaves.
UNREACHABLE_REASON = "redis_unreachable"
LOST_REASON = "redis_lost"
STAT_FAILED = "distributed/failed"  # one line: what went wrong with Redis
STAT_ERRORS = "distributed/redis_errors"  # counted once per process (the run stops there)
STAT_INFO = "distributed/info"  # the report's "distributed" section
# The run's outcome counts, summed over its processes (crawler.report judges the run's
# discovery, extraction and coverage on them: one process may take an article, another fetch it).
STAT_RUN = "distributed/run"
# The stats summed (with `{spider}` the spider's name; a trailing `/` takes every key below).
RUN_COUNTS = ("{spider}/discovered", "{spider}/discovery_failed", "{spider}/requested", "{spider}/page_failed",
              "archive/written", "archive/skipped_existing", "item_scraped_count", "item_dropped_count",
              "robotstxt/forbidden", "article/dropped/", "coverage/")

# Socket timeouts of the Redis client: every call runs in the crawl's thread (as in
# scrapy-redis), so a silent network must not hold the crawl longer than this.
SOCKET_TIMEOUT = 5.0
# How soon a process with nothing to do looks at the shared queue again.
IDLE_POLL = 0.1


def redis_url(settings) -> str:
    """REDIS_URL, stripped ("" = not distributed). Only the setting: REDIS_URL is an environment
    variable many other programs set, and a crawl must not join a shared queue by accident."""
    return str(settings.get("REDIS_URL") or "").strip()


def masked(url: str) -> str:
    """The URL without its password (for messages and reports)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def _one_line(text) -> str:
    return " ".join(str(text).split())


class RedisAddon:
    """Turns a crawl distributed when REDIS_URL is set (settings.ADDONS); else no change."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def update_settings(self, settings) -> None:
        if not redis_url(settings):
            return
        settings.set("SCHEDULER", "crawler.redis_scheduler.RedisScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="addon")
        # The queue outlives each process: the run's last process clears it (DistributedRun).
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        settings.set("SCHEDULER_QUEUE_KEY", "newsarchive:%(spider)s:requests", priority="addon")
        settings.set("SCHEDULER_DUPEFILTER_KEY", "newsarchive:%(spider)s:dupefilter", priority="addon")
        extensions = settings.getdict("EXTENSIONS")
        # After the archive lock (-100, whose spider_opened runs first), before RunReport (1000,
        # whose spider_closed reads the run-wide figures this one puts in the stats).
        extensions["crawler.distributed.DistributedRun"] = 50
        settings.set("EXTENSIONS", extensions, priority=settings.getpriority("EXTENSIONS"))
        middlewares = settings.getdict("SPIDER_MIDDLEWARES")
        middlewares["crawler.distributed.FounderStart"] = 10
        settings.set("SPIDER_MIDDLEWARES", middlewares, priority=settings.getpriority("SPIDER_MIDDLEWARES") or "addon")


# ------------ the run's Redis scripts (atomic: the decisions of one process see a consistent
# state of every other; times are the Redis server's, so machines' clocks do not matter)

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# Members whose last heartbeat is older than the timeout are dead: no longer waited for.
_PURGE = """
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
for _, m in ipairs(dead) do
  redis.call('ZREM', KEYS[2], m)
  redis.call('SREM', KEYS[3], m)
end
"""
# KEYS: run, members, busy, info, then every other key of the run (cleared by a founder).
# ARGV: member, timeout ms, new run id, member info. Returns {run id, founder?}.
JOIN = _NOW + _PURGE + """
local run = redis.call('GET', KEYS[1])
local founder = 0
if (not run) or redis.call('ZCARD', KEYS[2]) == 0 then
  for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
  run = ARGV[3]
  redis.call('SET', KEYS[1], run)
  -- busy until its start requests are in the queue: nobody ends the run before that
  redis.call('SADD', KEYS[3], ARGV[1])
  founder = 1
end
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
return {run, founder}
"""
# KEYS: run, members. ARGV: member, run id. 0 when the run is no longer this one's.
HEARTBEAT = _NOW + """
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[2], now, ARGV[1])
return 1
"""
# A member's counts (RUN_COUNTS; ARGV from 3: stat, value pairs) into the run's hash KEYS[4],
# fields "<member>\t<stat>".
_PUBLISH = """
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[1] .. '\t' .. ARGV[i], ARGV[i + 1]) end
"""
# KEYS: queue, members, busy, counts. ARGV: member, timeout ms, then stat, value pairs.
# 1 when the run is over: nothing queued and no live member busy (a busy member may still
# queue requests; an idle one cannot, and its counts are final).
IDLE = _NOW + _PURGE + _PUBLISH + """
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[2], now, ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('SCARD', KEYS[3]) == 0 then return 1 end
return 0
"""
# KEYS: run, members, busy, counts, info, then the other keys of the run. ARGV: member, run
# id, then stat, value pairs. Returns {last?, members seen, stat, sum, ...}: the run's counts;
# the last member out clears the run.
LEAVE = """
local mine = redis.call('GET', KEYS[1]) == ARGV[2]
if mine then
""" + _PUBLISH + """
end
local sums, order = {}, {}
local all = redis.call('HGETALL', KEYS[4])
for i = 1, #all, 2 do
  local stat = string.match(all[i], '\t(.*)$')
  if sums[stat] == nil then sums[stat] = 0; order[#order + 1] = stat end
  sums[stat] = sums[stat] + tonumber(all[i + 1])
end
local out = {0, redis.call('HLEN', KEYS[5])}
for _, stat in ipairs(order) do out[#out + 1] = stat; out[#out + 1] = tostring(sums[stat]) end
if not mine then return out end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then
  for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end
  out[1] = 1
end
return out
"""


class DistributedRun:
    """One process's part in a distributed run (EXTENSIONS, enabled by RedisAddon): joins or
    founds the run (crawler.redis_scheduler calls join() when it opens), beats its heart,
    takes articles (first_sight), keeps the process open while others may still queue work,
    leaves at the end with the run-wide figures in the stats, and turns any Redis failure into
    one counted error that ends this process's crawl (files written stay whole)."""

    def __init__(self, crawler, url: str):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.crawler = crawler
        self.stats = crawler.stats
        self.url = url
        self.errors = (redis.exceptions.RedisError, OSError)
        settings = crawler.settings
        self.timeout_ms = max(1, int(settings.getfloat("REDIS_MEMBER_TIMEOUT") * 1000))
        # A secret: from the setting or, when that is empty, the environment; never in the URL
        # on a command line (the process list and Scrapy's log of overridden settings show it).
        password = secret(settings, "REDIS_PASSWORD") or None
        self.client = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 1), health_check_interval=0,
            **({"password": password} if password else {}))
        name = crawler.spider.name if crawler.spider is not None else crawler.spidercls.name
        self.prefix = f"newsarchive:{name}"
        self.queue_key = settings.get("SCHEDULER_QUEUE_KEY") % {"spider": name}
        self.dupefilter_key = settings.get("SCHEDULER_DUPEFILTER_KEY") % {"spider": name}
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.member = f"{self.host}:{self.pid}:{secrets.token_hex(3)}"
        self.run_id: str | None = None
        self.founder = False
        self.failed = False  # Redis failed: the crawl is ending
        self.left = False
        self._heart = None
        self._scripts = {name: self.client.register_script(text) for name, text in
                         (("join", JOIN), ("heartbeat", HEARTBEAT), ("idle", IDLE), ("leave", LEAVE))}

    @classmethod
    def from_crawler(cls, crawler):
        url = redis_url(crawler.settings)
        if not url:
            raise NotConfigured
        run = crawler.distributed_run = cls(crawler, url)
        from crawler.redis_claims import RedisArticleClaims

        # The run's claims for pipelines.claim (ArticleClaims.for_crawler returns the crawler's
        # own; the extensions are built before the pipelines).
        crawler.article_claims = RedisArticleClaims(run)
        crawler.signals.connect(run.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(run.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(run.spider_closed, signal=signals.spider_closed)
        return run

    @staticmethod
    def of(crawler) -> "DistributedRun | None":
        return getattr(crawler, "distributed_run", None)

    # ------------ keys

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    @property
    def state_keys(self) -> list[str]:
        """Every key of a run but its id, members, busy set and member info."""
        return [self.queue_key, self.key("sequence"), self.dupefilter_key, self.key("seen"), self.key("claims"),
                self.key("counts")]

    @property
    def members_key(self) -> str:
        return self.key("members")

    @property
    def busy_key(self) -> str:
        return self.key("busy")

    # ------------ failures

    def fail(self, exc: BaseException, where: str, *, close: bool = True) -> None:
        """Redis failed (the first failure counts; the crawl of this process ends with
        LOST_REASON; what it had not written is requested by the next run)."""
        if self.failed:
            logger.debug("Redis still failing (%s): %s", where, exc)
            return
        self.failed = True
        message = f"Redis lost mid-run at {masked(self.url)} ({where}): {_one_line(exc)}; the crawl of this process stopped"
        self.stats.set_value(STAT_FAILED, message)
        self.stats.inc_value(STAT_ERRORS)
        logger.error("%s", message)
        self._stop_heart()
        if close:
            from crawler.archive_index import close_soon

            close_soon(self.crawler, LOST_REASON)

    # ------------ joining

    def join(self) -> None:
        """Join the run of this source or found a new one (the scheduler calls this when it
        opens, before the spider_opened signal). When Redis cannot be reached, the spider is
        closed at spider_opened (UNREACHABLE_REASON): nothing is requested or written."""
        info = json.dumps({"host": self.host, "pid": self.pid})
        keys = [self.key("run"), self.members_key, self.busy_key, self.key("info"), *self.state_keys]
        try:
            run_id, founder = self._scripts["join"](keys=keys, args=[self.member, self.timeout_ms, secrets.token_hex(8), info])
        except self.errors as exc:
            self.failed = True
            message = f"Redis unreachable at {masked(self.url)}: {_one_line(exc)}"
            self.stats.set_value(STAT_FAILED, message)
            self.stats.inc_value(STAT_ERRORS)
            return
        self.run_id = run_id.decode() if isinstance(run_id, bytes) else str(run_id)
        self.founder = bool(founder)
        self._set_info()
        logger.info("Distributed run %s %s on %s (member %s)", self.run_id,
                    "founded" if self.founder else "joined", masked(self.url), self.member)
        self._start_heart()

    def _set_info(self, **more) -> None:
        info = dict(self.stats.get_value(STAT_INFO) or {})
        info.update({"redis": masked(self.url), "run_id": self.run_id, "member": self.member,
                     "host": self.host, "pid": self.pid, "founder": self.founder}, **more)
        self.stats.set_value(STAT_INFO, info)

    # ------------ heartbeat

    def _start_heart(self) -> None:
        from twisted.internet import task

        self._heart = task.LoopingCall(self.heartbeat)
        # A few beats per timeout: one late beat is no death.
        self._heart.start(min(2.0, max(0.05, self.timeout_ms / 1000 / 6)), now=False)

    def _stop_heart(self) -> None:
        if self._heart is not None and self._heart.running:
            self._heart.stop()
        self._heart = None

    def heartbeat(self) -> None:
        if self.failed or self.left:
            return
        try:
            alive = self._scripts["heartbeat"](keys=[self.key("run"), self.members_key], args=[self.member, self.run_id])
        except self.errors as exc:
            self.fail(exc, "heartbeat")
            return
        if not alive:
            # The others took this process for dead and the run ended (or a new one began):
            # its state is gone; it stops rather than work outside any run.
            self.fail(RuntimeError("this process was counted dead (no heartbeat for "
                                   f"{self.timeout_ms / 1000:g} s) and the run went on without it"),
                      "heartbeat")

    # ------------ the spider's side

    def first_sight(self, spider, key: str) -> bool:
        """Is this process the first of the run to take the article `key` (the spider's
        de-duplication key)? Called by SourceSpider.take once per article it would request."""
        if self.failed:
            return False
        try:
            return bool(self.client.sadd(self.key("seen"), f"{spider.name}\t{key}"))
        except self.errors as exc:
            self.fail(exc, "taking an article")
            return False

    # ------------ signals

    def spider_opened(self, spider):
        if self.run_id is None:
            # Raised here, not when the scheduler opens: the engine closes a spider cleanly
            # only once every component is open.
            raise CloseSpider(UNREACHABLE_REASON if self.failed else LOST_REASON)
        if self.founder and self._holds_lock():
            # Only the founder sweeps: no live process of this source is writing now (a new
            # run is founded only when none is alive), and only its folder is swept (the
            # temporary files of other sources' runs are theirs).
            removed = self._sweep(spider)
            if removed:
                self.stats.inc_value("archive/leftovers_removed", removed)
                logger.info("Removed %d temporary file(s) left by a killed run", removed)

    def _sweep(self, spider) -> int:
        """Remove the temporary files of killed processes in the spider's archive folder (not
        one leading out of the archive: the lock refused the run then)."""
        from crawler.archive_index import ArchiveIndex, remove_folder_leftovers

        language, folder = getattr(spider, "LANGUAGE", ""), getattr(spider, "FOLDER", "")
        index = ArchiveIndex.for_crawler(self.crawler)
        if not language or not folder or index.folder_problem(language, folder):
            return 0
        return remove_folder_leftovers(index.folder_path(language, folder))

    def _holds_lock(self) -> bool:
        stats = self.stats
        return (self.crawler.settings.getbool("ARCHIVE_LOCK") and stats.get_value("archive/lock/file")
                and not stats.get_value("archive/lock/held_by_other") and not stats.get_value("archive/refused"))

    def _counts(self, spider) -> list:
        """This process's RUN_COUNTS as [stat, value, ...]."""
        names = [pattern.format(spider=spider.name) for pattern in RUN_COUNTS]
        flat = []
        for stat, value in self.stats.get_stats().items():
            if isinstance(value, (int, float)) and any(stat == n or (n.endswith("/") and stat.startswith(n)) for n in names):
                flat += [stat, value]
        return flat

    def spider_idle(self, spider):
        """This process has nothing in flight: the run is over when nothing is queued and no
        live process is busy; else wait (another process may still queue requests)."""
        if self.failed or self.left or self.run_id is None:
            return
        keys = [self.queue_key, self.members_key, self.busy_key, self.key("counts")]
        try:
            over = self._scripts["idle"](keys=keys, args=[self.member, self.timeout_ms, *self._counts(spider)])
        except self.errors as exc:
            self.fail(exc, "waiting for the others")
            return
        if over:
            return
        wake(self.crawler, IDLE_POLL)
        raise DontCloseSpider

    def spider_closed(self, spider, reason=None):
        self._stop_heart()
        if self.run_id is None or self.left:
            return
        self.left = True
        keys = [self.key("run"), self.members_key, self.busy_key, self.key("counts"), self.key("info"), *self.state_keys]
        try:
            last, seen, *pairs = self._scripts["leave"](keys=keys, args=[self.member, self.run_id, *self._counts(spider)])
        except self.errors as exc:
            self.fail(exc, "leaving the run", close=False)  # counted unless Redis failed before
            return
        # The run's outcome is judged over all its processes (crawler.report): a process whose
        # share of the queue held no feed page, or whose articles another one fetched, is healthy
        # when the run did its job.
        totals = {}
        for stat, value in zip(pairs[::2], pairs[1::2]):
            stat = stat.decode() if isinstance(stat, bytes) else stat
            number = float(value)
            totals[stat] = int(number) if number.is_integer() else number
        self.stats.set_value(STAT_RUN, dict(sorted(totals.items())))
        self._set_info(last=bool(last), processes=int(seen), run=dict(sorted(totals.items())))


def wake(crawler, delay: float) -> None:
    """Have the engine look at its scheduler again in `delay` seconds (its own heartbeat does
    every 5 s only: too late for a process waiting for work that others are queueing)."""
    slot = getattr(getattr(crawler, "engine", None), "_slot", None)
    nextcall = getattr(slot, "nextcall", None)
    if nextcall is not None:
        nextcall.schedule(delay)


class FounderStart:
    """Spider middleware: only the run's founder reads the spider's start requests (feeds,
    given URLs), and puts them into the shared queue at once (Scrapy reads start() only while
    its own process has room, so the run's discovery would wait behind the articles this
    process is busy with); the others take their work from the shared queue."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    async def process_start(self, start):
        from scrapy import Request

        run = DistributedRun.of(self.crawler)
        if run is None or run.founder:
            queued = 0
            async for item_or_request in start:
                if run is not None and isinstance(item_or_request, Request):
                    self.crawler.engine.crawl(item_or_request)
                    queued += 1
                    if queued % 100 == 0:
                        await asyncio.sleep(0)  # a long url_file: let the heartbeat and downloads run
                else:
                    yield item_or_request

"""scrapy-redis's scheduler for a distributed run (SCHEDULER when REDIS_URL is set, through
crawler.distributed.RedisAddon; this module is imported only then).

What it adds to scrapy_redis.scheduler.Scheduler: it joins the run when it opens (Redis
unreachable: the run is refused with one line, exit status 1); a process that takes a request
from the queue is marked busy in the same atomic step (so no other process ends the run while
this one may still queue requests); it never clears the shared queue when one process closes
(the run's last process does); requests are stored as tagged JSON, not pickles (what is read
from Redis is data, never code); a Redis error ends this process's crawl as one counted error.
"""

from __future__ import annotations

import base64
import json

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.distributed import IDLE_POLL, DistributedRun, wake


class JsonSerializer:
    """Request dicts (Request.to_dict) as JSON: bytes and tuples are tagged, anything else that
    JSON cannot hold is refused (TypeError) instead of being pickled."""

    @staticmethod
    def _encode(value):
        if isinstance(value, bytes):
            return {"__bytes__": base64.b64encode(value).decode("ascii")}
        if isinstance(value, tuple):
            return {"__tuple__": [JsonSerializer._encode(v) for v in value]}
        if isinstance(value, list):
            return [JsonSerializer._encode(v) for v in value]
        if isinstance(value, dict):
            if any(not isinstance(k, str) for k in value):
                return {"__items__": [[JsonSerializer._encode(k), JsonSerializer._encode(v)] for k, v in value.items()]}
            return {k: JsonSerializer._encode(v) for k, v in value.items()}
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        raise TypeError(f"a request value of type {type(value).__name__} cannot be queued in Redis: {value!r}")

    @staticmethod
    def _decode(value):
        if isinstance(value, list):
            return [JsonSerializer._decode(v) for v in value]
        if isinstance(value, dict):
            if len(value) == 1:
                (tag, inner), = value.items()
                if tag == "__bytes__":
                    return base64.b64decode(inner)
                if tag == "__tuple__":
                    return tuple(JsonSerializer._decode(v) for v in inner)
                if tag == "__items__":
                    return {JsonSerializer._decode(k): JsonSerializer._decode(v) for k, v in inner}
            return {k: JsonSerializer._decode(v) for k, v in value.items()}
        return value

    @classmethod
    def dumps(cls, obj) -> bytes:
        return json.dumps(cls._encode(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def loads(cls, data):
        return cls._decode(json.loads(data))


# KEYS: queue, sequence. ARGV: priority, request. Higher priority first, then first in first
# out (a plain ZADD of scrapy-redis orders equal priorities by the request's bytes, i.e. by
# URL: feeds after every article, discovery last).
PUSH = """
local n = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], -tonumber(ARGV[1]) * 1e12 + n, ARGV[2])
return n
"""
# KEYS: queue, busy. ARGV: member. Takes the first request and marks the member busy at once.
POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('SADD', KEYS[2], ARGV[1])
return first[1]
"""


class BusyQueue(PriorityQueue):
    """scrapy-redis's priority queue, first in first out within a priority, whose pop also
    marks this process busy (see PUSH, POP)."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.run = DistributedRun.of(spider.crawler)
        self._push = server.register_script(PUSH)
        self._pop = server.register_script(POP)

    def push(self, request):
        self._push(keys=[self.key, self.run.key("sequence")], args=[request.priority, self._encode_request(request)])

    def pop(self, timeout=0):
        data = self._pop(keys=[self.key, self.run.busy_key], args=[self.run.member])
        if data:
            return self._decode_request(data)
        return None


class RedisScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        run = DistributedRun.of(crawler)
        settings = crawler.settings
        scheduler = cls(
            server=run.client, persist=True, flush_on_start=False, queue_key=run.queue_key,
            queue_cls="crawler.redis_scheduler.BusyQueue",
            dupefilter=RFPDupeFilter(run.client, key=run.dupefilter_key, debug=settings.getbool("DUPEFILTER_DEBUG")),
            dupefilter_key=run.dupefilter_key, idle_before_close=0, serializer=JsonSerializer,
        )
        scheduler.stats = crawler.stats
        scheduler.run = run
        return scheduler

    def open(self, spider):
        # Joins (or founds) the run first (Redis unreachable: DistributedRun closes the spider).
        self.run.join()
        self.queue = BusyQueue(server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer)
        self.spider = spider

    def close(self, reason):
        pass  # the shared queue is the run's: its last process clears it (DistributedRun)

    def _guarded(self, what: str, call, default):
        """call(), or `default` once Redis failed (the first failure ends the crawl)."""
        if self.run.failed:
            return default
        try:
            return call()
        except self.run.errors as exc:
            self.run.fail(exc, what)
            return default

    def enqueue_request(self, request):
        return self._guarded("queueing a request", lambda: super(RedisScheduler, self).enqueue_request(request), False)

    def next_request(self):
        request = self._guarded("taking a request", super().next_request, None)
        if request is None and not self.run.failed:
            # The queue is shared: another process may fill it any moment, also between this
            # pop and the engine's next look at has_pending_requests(), after which the engine
            # would not look again before its 5-second heartbeat.
            wake(self.run.crawler, IDLE_POLL)
        return request

    def has_pending_requests(self):
        return self._guarded("reading the queue", super().has_pending_requests, False)

    def __len__(self):
        return len(self.queue)

"""Claims on articles across the processes of a distributed run (crawler.distributed): the
claims of crawler.claims, held in the run's Redis hash as well, so that two processes that
end up with one article (two links of one page, qq's two id forms) make one file, decided
before the work (pipelines.claim runs right after validation).

A claim is first taken in the process (ArticleClaims: its own items wait for each other),
then in Redis, atomically over the article's keys: a key kept by any process makes the
article a duplicate; a key held by another live process (its article is in its pipelines)
makes this one wait for that outcome; a holder that died (no heartbeat for
REDIS_MEMBER_TIMEOUT) holds nothing. Kept keys stay until the run ends; released ones go.
When Redis fails, the claim in the process stands (and os.link never overwrites a file).
"""

from __future__ import annotations

import asyncio
import itertools

from crawler.claims import ArticleClaims, article_keys

# How often a claim waiting for another process's outcome looks again (seconds).
CLAIM_POLL = 0.05

# KEYS: claims, members. ARGV: token (member#n), member, timeout ms, number of keys to check,
# the keys to check, then the keys only marked. 1: claimed; 0: kept elsewhere; -1: wait.
CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last_check = 4 + tonumber(ARGV[4])
for i = 5, last_check do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v == 'kept' then return 0 end
  if v then
    local holder = string.match(v, '^(.*)#')
    if holder ~= ARGV[2] then
      local beat = redis.call('ZSCORE', KEYS[2], holder)
      if beat and tonumber(beat) >= now - tonumber(ARGV[3]) then return -1 end
    end
  end
end
for i = 5, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) ~= 'kept' then redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
end
return 1
"""
# KEYS: claims. ARGV: token, 1 (kept) or 0 (released), the keys. Only the token's own keys.
SETTLE = """
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then
    if ARGV[2] == '1' then redis.call('HSET', KEYS[1], ARGV[i], 'kept')
    else redis.call('HDEL', KEYS[1], ARGV[i]) end
  end
end
return 1
"""


class RedisArticleClaims(ArticleClaims):
    def __init__(self, run):
        super().__init__()
        self.run = run
        self._numbers = itertools.count(1)
        self._tokens: dict[int, tuple[object, str, list[str]]] = {}  # id(item) -> (item, token, keys)
        self._claim = run.client.register_script(CLAIM)
        self._settle = run.client.register_script(SETTLE)

    async def claim(self, item) -> bool:
        if not await super().claim(item):
            return False
        check, mark = article_keys(item)
        token = f"{self.run.member}#{next(self._numbers)}"
        while not self.run.failed:
            try:
                result = self._claim(keys=[self.run.key("claims"), self.run.members_key],
                                     args=[token, self.run.member, self.run.timeout_ms, len(check), *check, *mark])
            except self.run.errors as exc:
                self.run.fail(exc, "claiming an article")
                break
            if result == 1:
                self._tokens[id(item)] = (item, token, check + mark)
                return True
            if result == 0:
                # Another process of the run kept it: a duplicate here too, and for the later
                # versions in this process.
                super().settle(item, kept=True)
                return False
            await asyncio.sleep(CLAIM_POLL)  # held by a live process: wait for its outcome
        return True  # Redis is gone: the claim in this process stands

    def settle(self, item, kept: bool) -> None:
        super().settle(item, kept)
        entry = self._tokens.get(id(item))
        if entry is None or entry[0] is not item:
            return
        del self._tokens[id(item)]
        if self.run.failed:
            return
        _, token, keys = entry
        try:
            self._settle(keys=[self.run.key("claims")], args=[token, 1 if kept else 0, *keys])
        except self.run.errors as exc:
            self.run.fail(exc, "settling a claim")

"""Claims on articles within one run: however concurrent the pipelines, an article makes at
most one file (pipelines.claim takes the claim right after validation); a second claim on an
article waits for the first one's outcome (docs/workers.md).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from crawler.archive import archive_name, has_id, id_key
from crawler.per_crawler import one_per_crawler
from crawler.timeutil import format_archive_date


def article_keys(item) -> tuple[list[str], list[str]]:
    """(keys that must be free, keys only marked) of a validated article."""
    language, folder = item["language"], item["folder"]
    name = archive_name(item.get("id"), item["title"], format_archive_date(item["published"]), language)
    suffix = f".{language}.md"
    stem = name[: -len(suffix)] if name.endswith(suffix) else name
    scope = f"{language}/{folder}"
    name_key = f"{scope}\tname\t{id_key(stem)}"
    link_key = f"{scope}\tlink\t{item['link']}"
    if has_id(item.get("id")):
        return [name_key], [link_key]
    return [name_key, link_key], []


@dataclass(eq=False)
class Claim:
    keys: tuple[str, ...]
    done: asyncio.Future | None = None  # its outcome, for claims that wait on it
    kept: bool | None = None  # None while the article is in the pipelines


class ArticleClaims:
    def __init__(self):
        self._by_key: dict[str, list[Claim]] = {}
        self._held: dict[int, tuple[object, Claim]] = {}  # id(item) -> (item, its claim)

    @classmethod
    def for_crawler(cls, crawler) -> "ArticleClaims":
        return one_per_crawler(crawler, "article_claims", cls)

    async def claim(self, item) -> bool:
        """True when `item` now holds its article; False when the article is another item's
        (in the pipelines: waits for its outcome first). Does not wait when nothing blocks."""
        check, mark = article_keys(item)
        while True:
            blocking = [c for key in check for c in self._by_key.get(key, ())]
            if any(c.kept for c in blocking):
                return False
            pending = next((c for c in blocking if c.kept is None), None)
            if pending is None:
                break
            if pending.done is None:
                pending.done = asyncio.get_running_loop().create_future()
            await asyncio.shield(pending.done)
        claim = Claim(tuple(dict.fromkeys(check + mark)))
        for key in claim.keys:
            self._by_key.setdefault(key, []).append(claim)
        self._held[id(item)] = (item, claim)
        return True

    def settle(self, item, kept: bool) -> None:
        """The outcome of the item's claim (nothing if it holds none): kept (it reached the end
        of the pipelines) or released (dropped, failed). Called once per item; more is a no-op."""
        entry = self._held.get(id(item))
        if entry is None or entry[0] is not item:
            return
        del self._held[id(item)]
        claim = entry[1]
        claim.kept = kept
        if not kept:
            for key in claim.keys:
                holders = self._by_key.get(key)
                if holders is not None:
                    holders.remove(claim)
                    if not holders:
                        del self._by_key[key]
        if claim.done is not None and not claim.done.done():
            claim.done.set_result(kept)

    def __len__(self) -> int:
        """Claims held by items still in the pipelines."""
        return len(self._held)

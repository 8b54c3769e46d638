"""A pipeline stage for the claim tests (tests/test_claims.py), put right after the claim
stage through `-s ITEM_PIPELINES=...`: it drops the versions whose title starts with
"[bad]", after a pause, so that the other versions of the article reach their claim while
the bad one still holds it."""

from __future__ import annotations

import asyncio

from crawler.drops import DropArticle


class DropMarked:
    async def process_item(self, item, spider=None):
        if str(item.get("title") or "").startswith("[bad]"):
            await asyncio.sleep(0.2)  # the outcome does not depend on it; the path taken does
            raise DropArticle("marked_bad")
        return item

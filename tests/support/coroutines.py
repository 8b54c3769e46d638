"""Pipelines called directly, outside a crawl (tests, the offline benchmark)."""

from __future__ import annotations

import inspect


def settled(result):
    """A pipeline's result; an `async def process_item` that never waits (BODY_WORKERS=0, or
    no running loop) is run to its end here."""
    if not inspect.iscoroutine(result):
        return result
    try:
        result.send(None)
    except StopIteration as stop:
        return stop.value
    result.close()
    raise RuntimeError("the pipeline waited for something: it needs a running crawl (BODY_WORKERS=0 here)")

"""Objects a crawler's components share: one per crawler, kept as an attribute of the crawler
(a pipeline and a middleware built apart from each other find the same one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def one_per_crawler(crawler, attribute: str, make: Callable[[], T]) -> T:
    """The crawler's object at `attribute`: the one already there (a component built earlier
    may have set its own, as crawler.distributed does for the claims), else `make()`, kept."""
    value = getattr(crawler, attribute, None)
    if value is None:
        value = make()
        setattr(crawler, attribute, value)
    return value

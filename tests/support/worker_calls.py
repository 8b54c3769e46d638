"""Module-level functions for tests/test_workers.py to send to worker processes (a call is
pickled by name, so the worker imports it from here)."""

from __future__ import annotations

import os
import time


def parse_number(text: str) -> int:
    return int(text)


def die_unless_in(pid: int) -> str:
    """End the calling process at once, unless it is `pid` (the test's own, where this must
    never run): a call that kills every worker it is sent to."""
    if os.getpid() != pid:
        os._exit(70)
    return "ran in the crawl's own process"


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()

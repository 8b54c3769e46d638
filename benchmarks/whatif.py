"""`scrapy` with one change applied in this process only: the figures behind a proposed fix.

    python -m benchmarks.whatif nofsync crawl qq -s ...

  nofsync  nothing is flushed to disk: os.fsync and the syncfs of the writer's groups
           (crawler.durable_files) are no-ops: what the writer's durability costs a crawl

Nothing in the project is edited; this only patches the running process.
"""

from __future__ import annotations

import os
import sys


def apply(mode: str) -> None:
    if mode == "nofsync":
        from crawler.durable_files import DurableFiles

        os.fsync = lambda fd: None
        DurableFiles._make_durable = lambda self, group: None
    else:
        raise SystemExit(f"unknown what-if {mode!r}; nofsync")


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    apply(sys.argv[1])
    from scrapy.cmdline import execute

    sys.argv = ["scrapy", *sys.argv[2:]]
    execute()


if __name__ == "__main__":
    main()

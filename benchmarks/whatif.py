"""`scrapy` with one change applied in this process only: the figures behind a proposed fix.

    python -m benchmarks.whatif nofsync|thread crawl qq -s ...

  nofsync  os.fsync is a no-op (ArchiveWriter writes without flushing each file to disk)
  thread   ArchiveWriter.process_item runs in a worker thread (asyncio.to_thread), so the
           reactor keeps downloading and parsing while a file is written and fsync'ed

Nothing in the project is edited; this only patches the running process.
"""

from __future__ import annotations

import asyncio
import os
import sys


def apply(mode: str) -> None:
    if mode == "nofsync":
        os.fsync = lambda fd: None
    elif mode == "thread":
        from pipelines.archive import ArchiveWriter

        original = ArchiveWriter.process_item

        async def process_item(self, item, spider=None):
            return await asyncio.to_thread(original, self, item, spider)

        ArchiveWriter.process_item = process_item
    else:
        raise SystemExit(f"unknown what-if {mode!r}; nofsync or thread")


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    apply(sys.argv[1])
    from scrapy.cmdline import execute

    sys.argv = ["scrapy", *sys.argv[2:]]
    execute()


if __name__ == "__main__":
    main()

"""A pipeline that fails every article as a full disk would (OSError ENOSPC), for the tests of
what an item error logs (tests/test_messages.py)."""

from __future__ import annotations

import errno


class DiskFull:
    def process_item(self, item, spider=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(item.get("archive_path") or ""))

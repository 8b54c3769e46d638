"""`archive`: a pytest fixture for the real-item tests that write hundreds or thousands of
files through the pipelines: an empty folder in memory (/dev/shm) where the machine has one,
else the test's tmp_path. Each file is flushed to disk as a crawl does, which on a busy disk
costs 10 ms a file; in memory it costs nothing, and the files are the same.

    from tests.support.memory import archive  # noqa: F401 (a fixture)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

SHM = Path("/dev/shm")


@pytest.fixture
def archive(tmp_path):
    if not SHM.is_dir() or not os.access(SHM, os.W_OK):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(prefix="archive-", dir=SHM) as folder:
        yield Path(folder)

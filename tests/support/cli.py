"""Run the project's real `scrapy` command line in a subprocess (a fresh reactor each time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_scrapy(*args: str, cwd: Path = ROOT, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(ROOT) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    if env:
        environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=timeout,
    )

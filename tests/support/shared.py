"""Access to the real material in ../shared (beside the checkout).

Under CI (CI=true) missing material is a failure; elsewhere the test is skipped with the
reason, so a developer without ../shared can still run the rest.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED") or Path(__file__).resolve().parents[3] / "shared")


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"real material missing: {path} (../shared must lie beside the checkout; set NEWSARCHIVE_SHARED to point elsewhere)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def read_jsonl_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def qq_items() -> list[dict]:
    return read_jsonl_gz(shared_path("corpus", "qq", "items.jsonl.gz"))


def seed_sources() -> list[str]:
    root = shared_path("corpus", "seed-json")
    return sorted(p.name for p in root.iterdir() if (p / "items.jsonl.gz").exists())


def seed_items(source: str) -> list[dict]:
    return read_jsonl_gz(shared_path("corpus", "seed-json", source, "items.jsonl.gz"))


def body_sources() -> list[str]:
    """"qq" and every seed-json source, for tests parametrised by source: at collection,
    missing material gives ["qq"] and the test itself then skips or fails (shared_path)."""
    try:
        return ["qq"] + seed_sources()
    except BaseException:  # pytest's skip/fail outcomes are BaseExceptions
        return ["qq"]

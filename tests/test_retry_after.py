"""Retry-After values as servers send them, hostile ones included: a value that is not
delta-seconds or an HTTP date is no wait, never an error that costs the answer."""

from __future__ import annotations

import pytest

from crawler.retry_after import retry_after_seconds

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


@pytest.mark.parametrize("header, seconds", [
    (b"120", 120.0),
    (b" 7 ", 7.0),
    (b"Tue, 14 Nov 2023 22:13:50 GMT", 30.0),
    (b"Tue, 14 Nov 2023 22:00:00 GMT", 0.0),  # a date in the past: no wait
    ("²".encode("latin-1"), None),  # latin-1 superscript two: a "digit" to str.isdigit
    ("١٢".encode("utf-8"), None),  # Arabic-Indic digits, as bytes
    (b"-5", None),
    (b"soon", None),
    (b"", None),
    (None, None),
])
def test_retry_after_values(header, seconds):
    assert retry_after_seconds(header, now=NOW) == seconds

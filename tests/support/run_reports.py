"""Run reports written by hand in the documented RUN_REPORT format (docs/exit-statuses.md,
crawler/report.py), for the run history's tests: a few nights of a few sources."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

NAMES = {0: "ok", 1: "errors", 3: "extraction_failure", 4: "discovery_failure", 5: "replay_miss",
         6: "interrupted", 7: "locked", 8: "coverage"}


def run_report(source: str, start: dt.datetime, *, status: int = 0, reasons=(), written: int = 0,
               dropped: dict | None = None, errors: int = 0, seconds: float = 42.0,
               coverage: dict | None = None, thresholds: dict | None = None, last_errors=(),
               errors_by_kind: dict | None = None) -> dict:
    """One run's report; coverage is {field: (count, of)}."""
    coverage = coverage or {}
    fields = {name: {"count": c, "of": of, "share": round(c / of, 4) if of else None}
              for name, (c, of) in coverage.items()}
    end = start + dt.timedelta(seconds=seconds)
    return {
        "spider": source,
        "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_time": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration_seconds": seconds,
        "finish_reason": "finished",
        "discovered": written + sum((dropped or {}).values()),
        "requested": written + sum((dropped or {}).values()),
        "written": written,
        "skipped_existing": 0,
        "dropped": dict(dropped or {}),
        "coverage": {"written": written, "fields": fields, "thresholds": dict(thresholds or {"body": 0.9}),
                     "min_items": 5, "judged": written >= 5},
        "errors": {"counted": errors, "max": 0, "by_kind": dict(errors_by_kind or {})},
        "exit_status": {"code": status, "name": NAMES.get(status, str(status)), "reasons": list(reasons)},
        "stats": {"run/last_errors": [{"at": at, "line": line} for at, line in last_errors]},
    }


def write_reports(folder: Path, reports: list[dict]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, data in enumerate(reports):
        stamp = data["start_time"].replace("-", "").replace(":", "")
        path = folder / f"{stamp}_r{n}_{1000 + n}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        paths.append(path)
    return paths


HOSTILE = '<script>alert("x")</script>&amp;\u202eevil'


def sample_nights(nights: int = 6) -> list[dict]:
    """qq healthy but for a coverage night and a replay miss; sina breaking one night; a site
    with a hostile name and hostile error lines."""
    first = dt.datetime(2025, 3, 1, 19, 17, tzinfo=dt.timezone.utc)
    reports = []
    for n in range(nights):
        start = first + dt.timedelta(days=n)
        qq_status = {3: 8, 5: 5}.get(n, 0)
        reports.append(run_report(
            "qq", start, status=qq_status, written=12 - n, dropped={"paid": 1, "empty_body": n % 3},
            coverage={"body": (12 - n, 12 - n), "thumbnail": (3 if n == 3 else 10 - n, 12 - n),
                      "author": (11 - n, 12 - n)},
            thresholds={"body": 0.9, "thumbnail": 0.5, "author": 0.5},
            reasons=["coverage: thumbnail in 3 of 9 written articles (33.3%), below RUN_MIN_COVERAGE 50%"]
            if qq_status == 8 else ["replay: 1 request(s) not recorded in fixtures/qq/x; first: GET https://x/y"]
            if qq_status == 5 else [],
            seconds=65.5 + n))
        sina_status = 3 if n == 4 else 0
        reports.append(run_report(
            "sina", start + dt.timedelta(seconds=1), status=sina_status, written=0 if sina_status else 6,
            dropped={"no_body": 7} if sina_status else {},
            coverage={"body": (0, 7) if sina_status else (6, 6)},
            reasons=["fetched 7 article pages, wrote 0: body missing in 7"] if sina_status else [],
            last_errors=[("2025-03-05T19:17:30Z", "Spider error processing <GET https://finance.sina.com.cn/x.shtml>")]
            if sina_status else []))
        bad = n == nights - 1
        reports.append(run_report(
            HOSTILE, start + dt.timedelta(seconds=2), status=1 if bad else 0, written=2, errors=3 if bad else 0,
            errors_by_kind={"download_failed": 2, "http_denied": 1} if bad else {},
            coverage={"body": (2, 2)},
            reasons=["3 error(s), more than RUN_MAX_ERRORS=0 <b>bold</b>"] if bad else [],
            last_errors=[("2025-03-06T19:18:00Z", '<img src="http://127.0.0.1:9/x.png" onerror="alert(1)">'),
                         ("2025-03-06T19:18:01Z", "Gave up retrying <GET http://h/a> & more")] if bad else []))
    return reports

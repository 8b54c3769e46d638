"""A run that never started (its spider refused its `-a` arguments or could not be made) gets
what every run gets: a report with status 1 and the reason, a run history file and an alert,
made here without a crawler since none ran (docs/runs.md)."""

from __future__ import annotations

import datetime as dt

from crawler.alerts import send_alert
from crawler.report import EXIT_ERRORS, ExitDecision, build_report
from crawler.run_history import keep_run


def unstarted_report(settings, name: str, reason: str, *, start: dt.datetime,
                     end: dt.datetime | None = None) -> dict:
    """The report of source `name` that never started: no stats, status 1 with `reason`."""
    return build_report({}, name, ExitDecision(EXIT_ERRORS, [reason]), start=start,
                        end=end or dt.datetime.now(dt.timezone.utc), finish_reason=None,
                        max_errors=settings.getint("RUN_MAX_ERRORS"),
                        min_coverage={str(k): float(v) for k, v in settings.getdict("RUN_MIN_COVERAGE").items()},
                        coverage_min_items=settings.getint("RUN_COVERAGE_MIN_ITEMS"))


def keep_and_alert(settings, report: dict) -> None:
    """The run history file and the alert of a report built outside a crawl; a history or an
    alert that fails is a WARNING line, as for any run."""
    keep_run(settings, report)
    send_alert(settings, report)

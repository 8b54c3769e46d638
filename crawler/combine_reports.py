"""`scrapy combine-reports`: the run reports of a distributed run's processes as one.

    scrapy combine-reports [PATH ...] [--run ID] [-o FILE]

Every process of a distributed run (REDIS_URL, crawler/distributed.py) writes its own report
(RUN_REPORT and the run history) with a `distributed` section: run id, host, pid. PATH are
report files or folders of them (default: the run history, RUN_HISTORY_DIR); the reports of
one run (the newest, or --run ID) are combined: one line on stdout, the combined JSON with -o.
The exit status is the worst process's (crawler.report.PRECEDENCE, as `scrapy crawlall`);
1 when no report of a distributed run is found. A killed process writes no report: the line
says how many of the run's processes reported. Format: docs/distributed.md.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand

from crawler.commands.crawlall import severity
from crawler.report import EXIT_ERRORS, EXIT_NAMES, write_atomic
from crawler.run_history import history_dir

SUMMED = ("discovered", "skipped_known", "requested", "written", "skipped_existing", "body_fallbacks")


def read_reports(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """The distributed runs' reports among the files (and the files of the folders) given,
    and one line per file that could not be read."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix == ".json" and not p.name.startswith("."))
        else:
            files.append(path)
    reports, problems = [], []
    for path in files:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(f"{path}: not read ({getattr(exc, 'strerror', None) or exc})")
            continue
        if isinstance(report, dict) and isinstance(report.get("distributed"), dict) and report["distributed"].get("run_id"):
            reports.append(dict(report, file=str(path)))
    return reports, problems


def combine(reports: list[dict]) -> dict:
    """One run's reports (of its processes) as one: figures summed, the worst exit status."""
    processes, totals, dropped, errors = [], dict.fromkeys(SUMMED, 0), {}, 0
    for report in sorted(reports, key=lambda r: (r["distributed"].get("host", ""), r["distributed"].get("pid", 0))):
        info, status = report["distributed"], report.get("exit_status") or {}
        for name in SUMMED:
            totals[name] += int(report.get(name) or 0)
        for reason, n in (report.get("dropped") or {}).items():
            dropped[reason] = dropped.get(reason, 0) + int(n)
        errors += int((report.get("errors") or {}).get("counted") or 0)
        processes.append({"host": info.get("host"), "pid": info.get("pid"), "founder": bool(info.get("founder")),
                          "spider": report.get("spider"), "exit_status": int(status.get("code", EXIT_ERRORS)),
                          "exit_name": status.get("name"), "reasons": list(status.get("reasons") or []),
                          "requested": report.get("requested"), "written": report.get("written"),
                          "start_time": report.get("start_time"), "end_time": report.get("end_time"),
                          "file": report.get("file")})
    worst = min((p["exit_status"] for p in processes), key=severity, default=EXIT_ERRORS)
    joined = max((int(r["distributed"].get("processes") or 0) for r in reports), default=0)
    # The run's counts as its last process summed them when it left (the most complete).
    last = [r["distributed"]["run"] for r in reports if r["distributed"].get("last") and r["distributed"].get("run")]
    return {
        "run_id": reports[0]["distributed"]["run_id"] if reports else None,
        "spiders": sorted({str(r.get("spider")) for r in reports}),
        "start_time": min((str(r.get("start_time")) for r in reports), default=None),
        "end_time": max((str(r.get("end_time")) for r in reports), default=None),
        "processes_reported": len(processes),
        "processes_joined": max(joined, len(processes)),
        "totals": dict(totals, dropped=dict(sorted(dropped.items())), errors=errors),
        "run_counts": last[0] if last else None,
        "exit_status": {"code": worst, "name": EXIT_NAMES.get(worst, str(worst)),
                        "reasons": [f"{p['host']}:{p['pid']}: {reason}" for p in processes for reason in p["reasons"]]},
        "processes": processes,
    }


def summary_line(combined: dict) -> str:
    t, status = combined["totals"], combined["exit_status"]
    missing = combined["processes_joined"] - combined["processes_reported"]
    line = (f"distributed run {combined['run_id']} ({', '.join(combined['spiders'])}): "
            f"{combined['processes_reported']} of {combined['processes_joined']} process(es) reported, "
            f"written {t['written']}, requested {t['requested']}, discovered {t['discovered']}, "
            f"errors {t['errors']}; exit status {status['code']} ({status['name']})")
    if missing:
        line += f"; {missing} process(es) left no report (killed?)"
    return line


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[PATH ...] [--run ID] [-o FILE]"

    def short_desc(self) -> str:
        return "Combine the run reports of a distributed run's processes (default: the run history)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--run", metavar="ID", help="the run to combine (default: the newest)")
        parser.add_argument("-o", "--output", metavar="FILE", help="write the combined report (JSON) here")

    def run(self, args, opts) -> None:
        paths = [Path(os.path.expanduser(a)) for a in args]
        if not paths:
            directory = history_dir(self.settings)
            paths = [directory] if directory is not None else []
        reports, problems = read_reports(paths)
        for problem in problems:
            print(f"scrapy combine-reports: {problem}", file=sys.stderr)
        if opts.run:
            reports = [r for r in reports if r["distributed"]["run_id"] == opts.run]
        elif reports:
            newest = max(reports, key=lambda r: str(r.get("end_time")))["distributed"]["run_id"]
            reports = [r for r in reports if r["distributed"]["run_id"] == newest]
        if not reports:
            where = ", ".join(map(str, paths)) or "nowhere (RUN_HISTORY_DIR is empty)"
            print(f"scrapy combine-reports: no report of a distributed run{' ' + opts.run if opts.run else ''} in {where}",
                  file=sys.stderr)
            self.exitcode = EXIT_ERRORS
            return
        combined = combine(reports)
        if opts.output:
            write_atomic(opts.output, json.dumps(combined, ensure_ascii=False, indent=2) + "\n")
        print(summary_line(combined))
        self.exitcode = combined["exit_status"]["code"]

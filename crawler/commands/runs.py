"""`scrapy runs`: the run history (RUN_HISTORY_DIR) as a table, or as one HTML page.

    scrapy runs [--dir DIR] [--last N] [--source NAME ...] [--html PATH]

Details: docs/runs.md.
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import runs_page
from crawler.report import write_atomic
from crawler.run_history import Run, history_dir, load_runs, select_runs

COLUMNS = ("source", "started (UTC)", "status", "written", "dropped", "errors", "coverage", "duration")


def printable(text: str) -> str:
    """A report's text for a terminal: control and format characters (escape sequences of a
    hostile source name) shown as "?"."""
    return "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in str(text))


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m{secs:02d}s"


def coverage_cell(run: Run) -> str:
    cells = []
    for name, share in run.coverage.items():
        if share is None:
            continue
        text = f"{name} {runs_page.percent(share)}"
        threshold = run.thresholds.get(name)
        if threshold is not None and run.judged and share < threshold:
            text += f" (<{runs_page.percent(threshold)})"
        cells.append(text)
    return ", ".join(cells) or "-"


def row(run: Run) -> list[str]:
    dropped = str(run.dropped_total)
    if run.dropped:
        dropped += " (" + ", ".join(f"{k} {v}" for k, v in sorted(run.dropped.items(), key=lambda kv: (-kv[1], kv[0]))) + ")"
    return [run.source, run.start.strftime("%Y-%m-%d %H:%M"), runs_page.status_label(run), str(run.written),
            dropped, str(run.errors), coverage_cell(run), duration(run.duration)]


def table(runs: list[Run]) -> str:
    rows = [list(COLUMNS)] + [[printable(cell) for cell in row(run)] for run in
                              sorted(runs, key=lambda r: (r.source, r.start))]
    widths = [max(width(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = []
    for cells in rows:
        padded = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(cells)]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--dir DIR] [--last N] [--source NAME ...] [--html PATH]"

    def short_desc(self) -> str:
        return "Show the run history (RUN_HISTORY_DIR) as a table, or write it as an HTML page"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--dir", help="history folder (default: RUN_HISTORY_DIR)")
        parser.add_argument("--last", type=int, default=7, metavar="N",
                            help="the last N nights (UTC start dates) with a run (default: 7)")
        parser.add_argument("--source", action="append", default=[], metavar="NAME",
                            help="only this source (repeat for several)")
        parser.add_argument("--html", metavar="PATH", help="write one self-contained HTML page to PATH")

    def run(self, args, opts) -> None:
        if args:
            raise UsageError(f"unexpected argument(s): {' '.join(args)}")
        if opts.last < 1:
            raise UsageError("--last must be at least 1")
        directory = opts.dir or history_dir(self.settings)
        if directory is None:
            raise UsageError("RUN_HISTORY_DIR is empty: give --dir", print_help=False)
        try:
            runs, problems = load_runs(directory)
        except OSError as exc:
            print(f"scrapy runs: no run history at {directory}: {exc.strerror or exc}", file=sys.stderr)
            self.exitcode = 1
            return
        for problem in problems:
            print(f"scrapy runs: {directory}/{printable(problem)}", file=sys.stderr)
        chosen = select_runs(runs, last=opts.last, sources=opts.source)
        if opts.html:
            page = runs_page.render(chosen, generated=dt.datetime.now(dt.timezone.utc), source_dir=str(directory),
                                    problems=problems)
            write_atomic(opts.html, page)
            print(f"{opts.html}: {len(chosen)} run(s) of {len({r.source for r in chosen})} source(s)")
            return
        if not chosen:
            print(f"no run in {directory}" + (f" for {', '.join(map(printable, opts.source))}" if opts.source else ""))
            return
        print(table(chosen))

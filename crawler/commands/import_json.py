"""`scrapy import-json PATH... [--folder NAME] [-s ARCHIVE_DIR=DIR]`

Imports the old crawler's item files (list.json `{"data": [...]}`, `.jsonl`, `.jsonl.gz`)
into the archive through the same pipelines as crawled articles, then prints a summary.
"""

from __future__ import annotations

import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.spiders.import_json import ImportJsonSpider


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "PATH... [--folder NAME]"

    def short_desc(self) -> str:
        return "Import the old crawler's JSON item files into the archive"

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--folder", help="archive folder (default: the name of the directory holding each file)")

    def run(self, args, opts):
        if not args:
            raise UsageError("give at least one PATH")
        crawler = self.crawler_process.create_crawler(ImportJsonSpider)
        self.crawler_process.crawl(crawler, paths=args, folder=opts.folder)
        self.crawler_process.start()
        stats = crawler.stats.get_stats()
        print(format_summary(stats))
        # The run's own status (e.g. 7: another run holds the archive lock), else 1 for a bad file.
        self.exitcode = int(stats.get("run/exit_status") or 0)
        if self.crawler_process.bootstrap_failed or (stats.get("import/bad_files") and not self.exitcode):
            self.exitcode = 1


def format_summary(stats: dict) -> str:
    dropped = {k.removeprefix("article/dropped/"): v for k, v in sorted(stats.items()) if k.startswith("article/dropped/")}
    lines = [
        f"files: {stats.get('import/files', 0)} ({stats.get('import/bad_files', 0)} bad)",
        f"items read: {stats.get('import/items', 0)}",
        f"written: {stats.get('archive/written', 0)}",
        f"skipped as existing: {stats.get('archive/skipped_existing', 0)}",
        f"dropped: {sum(dropped.values())}" + ("".join(f"\n  {reason}: {n}" for reason, n in dropped.items())),
    ]
    return "\n".join(lines)

"""Pipeline 2: the body as served -> cleaned -> the archive's Markdown (crawler.body), in
worker processes (BODY_WORKERS, crawler.workers) so that the crawl goes on meanwhile."""

from __future__ import annotations

from crawler.body import body_markdown
from crawler.workers import WorkerLease, worker_count


class BodyToMarkdown:
    def __init__(self, workers: WorkerLease | None = None):
        self.workers = workers or WorkerLease("body_workers", 0)

    @classmethod
    def from_crawler(cls, crawler):
        count = worker_count(crawler.settings.get("BODY_WORKERS"))
        return cls(WorkerLease("body_workers", count, crawler.stats))

    async def process_item(self, item, spider=None):
        body_html = item.get("body_html") or ""
        markdown = ""
        if body_html.strip():
            markdown = await self.workers.run(body_markdown, body_html, item.get("link") or "")
        item["body_markdown"] = markdown
        return item

    async def close_spider(self, spider=None):
        await self.workers.release()

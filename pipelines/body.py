"""The body stage: the body as served -> cleaned -> the archive's Markdown (crawler.body), in
worker processes (BODY_WORKERS, crawler.workers) so that the crawl goes on meanwhile; a body
whose conversion runs past BODY_CONVERT_TIMEOUT in a worker is dropped (`convert_timeout`)."""

from __future__ import annotations

from crawler.body import body_markdown
from crawler.drops import DropArticle
from crawler.workers import WorkerLease, WorkerTimeout, worker_count


class BodyToMarkdown:
    def __init__(self, workers: WorkerLease | None = None, timeout: float | None = None):
        self.workers = workers or WorkerLease("body_workers", 0)
        # Seconds one conversion may run in a worker (None: no limit). In the crawl's own
        # thread (BODY_WORKERS=0, or workers given up) nothing can stop it: no limit there.
        self.timeout = timeout if timeout and timeout > 0 else None

    @classmethod
    def from_crawler(cls, crawler):
        count = worker_count(crawler.settings.get("BODY_WORKERS"))
        return cls(WorkerLease("body_workers", count, crawler.stats), crawler.settings.getfloat("BODY_CONVERT_TIMEOUT"))

    async def process_item(self, item, spider=None):
        body_html = item.get("body_html") or ""
        markdown = ""
        if body_html.strip():
            try:
                markdown = await self.workers.run(body_markdown, body_html, item.get("link") or "", timeout=self.timeout)
            except WorkerTimeout:
                raise DropArticle("convert_timeout", f"body conversion ran longer than {self.timeout:g} s "
                                  f"({len(body_html)} characters)") from None
        item["body_markdown"] = markdown
        return item

    async def close_spider(self, spider=None):
        await self.workers.release()

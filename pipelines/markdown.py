"""Pipeline 3: the cleaned body as the archive's Markdown (crawler.markdown)."""

from crawler.markdown import html_to_markdown


class BodyToMarkdown:
    def process_item(self, item, spider=None):
        item["body_markdown"] = html_to_markdown(item.get("clean_html") or "")
        return item

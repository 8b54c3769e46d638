"""The summary stage: the front matter's summary, made from the body HTML as served (FORMAT.md)."""

from crawler.archive import summary


class Summarize:
    def process_item(self, item, spider=None):
        # From the body as the source served it, not the cleaned one: FORMAT.md counts the
        # characters of the raw text between tags (white space included).
        item["summary"] = summary(item.get("body_html") or "", item["language"])
        return item

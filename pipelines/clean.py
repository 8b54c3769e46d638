"""Pipeline 2: the body HTML cleaned (crawler.html_clean), links and images made absolute."""

from crawler.html_clean import clean_body_html


class CleanBodyHtml:
    def process_item(self, item, spider=None):
        item["clean_html"] = clean_body_html(item.get("body_html") or "", item.get("link") or "")
        return item

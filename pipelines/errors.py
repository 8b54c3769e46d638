from scrapy.exceptions import DropItem


class DropArticle(DropItem):
    """An article that makes no archive file, with a short machine-readable reason.

    The reason becomes the stat `article/dropped/<reason>` (crawler.extensions.DropCounter)
    and the one log line of the drop (crawler.logformatter).
    """

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)

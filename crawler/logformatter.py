"""Log formatter: a dropped article is one line with its reason and link, not an item dump."""

import logging

from scrapy.logformatter import LogFormatter


class ArticleLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        link = item.get("link") if hasattr(item, "get") else None
        return {
            "level": logging.WARNING,
            "msg": "Dropped article (%(reason)s): %(link)s",
            "args": {"reason": getattr(exception, "reason", None) or str(exception), "link": link or "<no link>"},
        }

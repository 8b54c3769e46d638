"""Log formatter: a dropped article, or one whose pipeline failed, is one line with its link
and the reason (the error), never a dump of the item: a night of disk-full errors printed
every body once (1.7 MB of stderr for 166 items)."""

import logging

from scrapy.logformatter import LogFormatter

# An error's own text may carry article text (a codec error quotes the bytes it met); the
# log line keeps its start.
MAX_ERROR_CHARS = 300


def _link(item) -> str:
    link = item.get("link") if hasattr(item, "get") else None
    return str(link) if link else "<no link>"


def _error(exception: BaseException) -> str:
    text = f"{type(exception).__name__}: {exception}"
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS] + "..."


class ArticleLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        return {
            "level": logging.WARNING,
            "msg": "Dropped article (%(reason)s): %(link)s",
            "args": {"reason": getattr(exception, "reason", None) or str(exception), "link": _link(item)},
        }

    def item_error(self, item, exception, response, spider):
        # Scrapy adds the traceback (exc_info); the item itself is not printed.
        return {
            "level": logging.ERROR,
            "msg": "Error processing article %(link)s: %(error)s",
            "args": {"link": _link(item), "error": _error(exception)},
        }

"""The validation stage: an article without title, link, time or language makes no file."""

import datetime as dt

from crawler.archive import LANGUAGES, SEGMENT, web_url
from crawler.drops import DropArticle
from crawler.timeutil import implausible


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


class ValidateArticle:
    def process_item(self, item, spider=None):
        # A spider (or the import) that already knows an article makes no file marks it
        # (removed page, paid article, unreadable time ...); the drop is counted here.
        if item.get("drop_reason"):
            raise DropArticle(item["drop_reason"])
        if not _text(item.get("title")):
            raise DropArticle("missing_title")
        if not _text(item.get("link")):
            raise DropArticle("missing_link")
        # Only an http(s) link is written (the file's closing link), percent-encoded where a
        # Markdown link could not hold it; the file is known by this form of it.
        link = web_url(item["link"])
        if link is None:
            raise DropArticle("bad_link", item["link"][:200])
        item["link"] = link
        published = item.get("published")
        if not isinstance(published, dt.datetime):
            raise DropArticle("missing_published")
        if published.tzinfo is None:
            raise DropArticle("naive_published", "publication time has no time zone")
        # Before 1990 or after tomorrow: a placeholder (0, the epoch) or a broken source.
        why = implausible(published)
        if why:
            raise DropArticle("implausible_date", why)
        language = item.get("language")
        if not language:
            raise DropArticle("missing_language")
        if language not in LANGUAGES:
            raise DropArticle("bad_language", str(language))
        if not item.get("folder"):
            raise DropArticle("missing_folder")
        if not item.get("category"):
            raise DropArticle("missing_category")
        if not SEGMENT.fullmatch(str(item["folder"])):
            raise DropArticle("bad_folder", str(item["folder"]))
        return item

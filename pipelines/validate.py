"""Pipeline 1: an article without title, link, time or language makes no file."""

import datetime as dt

from crawler.archive import LANGUAGES, SEGMENT, web_url
from crawler.timeutil import implausible
from pipelines.errors import DropArticle


class ValidateArticle:
    def process_item(self, item, spider=None):
        # A spider (or the import) that already knows an article makes no file marks it
        # (removed page, paid article, unreadable time ...); the drop is counted here.
        if item.get("drop_reason"):
            raise DropArticle(item["drop_reason"])
        for field in ("title", "link"):
            value = item.get(field)
            if not isinstance(value, str) or not value.strip():
                raise DropArticle(f"missing_{field}")
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
        for field in ("folder", "category"):
            if not item.get(field):
                raise DropArticle(f"missing_{field}")
        if not SEGMENT.match(str(item["folder"])):
            raise DropArticle("bad_folder", str(item["folder"]))
        return item

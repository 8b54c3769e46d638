"""The one item type every source fills: a news article on its way into the archive."""

import scrapy


class Article(scrapy.Item):
    # Filled by spiders and by `scrapy import-json`.
    id = scrapy.Field()  # source id (str) or "" when the source has none
    title = scrapy.Field()
    link = scrapy.Field()  # canonical article URL
    published = scrapy.Field()  # timezone-aware datetime
    author = scrapy.Field()
    thumbnail = scrapy.Field()  # cover image URL or ""
    body_html = scrapy.Field()  # the article body as the source serves it
    category = scrapy.Field()  # label for categories/tags and the closing link
    folder = scrapy.Field()  # archive folder under <language>/news/
    language = scrapy.Field()  # "zh-CN", "zh-HK" or "en"
    # Where the body came from when a spider had to fall back (e.g. "originContent");
    # empty when the primary container served. Read by the run report.
    body_fallback = scrapy.Field()
    # Set by a spider that already knows this article makes no file (removed or paid page,
    # unreadable time ...): the validate pipeline drops it under this reason.
    drop_reason = scrapy.Field()

    # Derived by the pipelines.
    body_markdown = scrapy.Field()
    summary = scrapy.Field()
    archive_path = scrapy.Field()  # path of the article's file, relative to ARCHIVE_DIR
    archive_written = scrapy.Field()  # True when this run wrote it (False: it was there already)

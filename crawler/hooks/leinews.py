"""leinews (sites/leinews.toml): the site's reprint notice, a sentence at the end of every
article's content ("雷递由媒体人雷建平创办，若转载请写明来源。"), is not the article's text;
it goes, as the old crawler took it out (a content of nothing else is an empty body)."""

from __future__ import annotations

import re

from crawler.sources import pages

REPRINT_NOTICE = re.compile(r"雷递由媒体人雷建平创办[，,]\s*若转载请写明来源[。.]?")


def without_reprint_notice(article, data, entry):
    article["body_html"] = REPRINT_NOTICE.sub("", article["body_html"])
    if not article["drop_reason"] and not pages.has_text(article["body_html"]):
        article["drop_reason"] = "empty_body"
    return article

"""investing: the API's text holds placeholders of an InvestingPro advert the site's pages fill
in (`[[pro_promotion |Get … with InvestingPro]]`); they are no part of the story."""

from __future__ import annotations

import re

PROMOTION = re.compile(r"\[\[\s*pro_promotion\b[^\]]*\]\]")


def without_promotions(entry, raw):
    if entry.body:
        entry.body = PROMOTION.sub("", entry.body)
    return entry

"""hibor (sites/hibor.toml): a list row's anchor title is "<broker>-<title>-<yymmdd>"; the title
is the part between, the broker is kept (as the entry's author) for the "来源: <broker>" line
that closes the body, as the archive's hibor files have it."""

from __future__ import annotations

import re
from html import escape

_DATE_CODE = re.compile(r"-\d{6}$")


def report_row(entry, row):
    title = _DATE_CODE.sub("", entry.title.strip())
    broker, dash, rest = title.partition("-")
    if dash and rest:
        entry.author, title = broker.strip(), rest.strip()
    entry.title = title
    return entry


def broker_line(article, data, entry):
    if entry.author and article["body_html"] and not article["drop_reason"]:
        article["body_html"] += f"<p>来源: {escape(entry.author)}</p>"
    return article

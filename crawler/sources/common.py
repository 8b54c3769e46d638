"""What the sources' parsers share: SourceError, and source_time for their time fields (the
spiders' base class: crawler/spiders/base.py)."""

from __future__ import annotations

import datetime as dt

from crawler.timeutil import BEIJING, BadDate, parse_beijing


class SourceError(ValueError):
    """An API answer that cannot be read (bad JSON, error code, wrong shape)."""


def source_time(*values, default_tz: dt.tzinfo = BEIJING) -> dt.datetime | None:
    """The first readable time of the candidates (the source's own fields, in order of
    preference), as Beijing time; None when none is readable."""
    for value in values:
        if value is None or value == "" or value == 0:
            continue
        try:
            return parse_beijing(value, default_tz=default_tz)
        except BadDate:
            continue
    return None

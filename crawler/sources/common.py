"""What the sources' parsers share: SourceError, source_time for their time fields, and
Carried for what discovery found of an article (the spiders' base class:
crawler/spiders/base.py)."""

from __future__ import annotations

import datetime as dt

from crawler.timeutil import BEIJING, BadDate, parse_beijing


class Carried:
    """A dataclass that rides to the article's callback in the request's cb_kwargs as a plain
    dict (a distributed run queues requests as JSON): `to_meta()` there, `from_meta()` back."""

    def to_meta(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_meta(cls, value):
        if value is None or isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            return None
        return cls(**{k: v for k, v in value.items() if k in cls.__dataclass_fields__})


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

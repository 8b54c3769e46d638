"""Publication times: every source's time becomes an aware datetime in Beijing time.

The archive writes dates in Beijing time without a zone (Hugo reads them in its site zone,
Asia/Shanghai). China has used a fixed UTC+8 without daylight saving since 1991, so a fixed
offset is exact for every date the archive holds and needs no tz database on the machine.
"""

import datetime as dt
import re

from dateutil import parser as dateutil_parser

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

_CJK_DATE = re.compile(
    r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?\s*秒?\s*$"
)
_ISO_LIKE = re.compile(
    r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)


# The times an article may plausibly carry: none before 1990 (older than any web news), none
# more than a day ahead of the clock (a day covers every zone's idea of "today").
PLAUSIBLE_SINCE = dt.datetime(1990, 1, 1, tzinfo=BEIJING)
PLAUSIBLE_AHEAD = dt.timedelta(days=1)


class BadDate(ValueError):
    """A time that cannot be read without guessing (or that no datetime can hold)."""


def to_beijing(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=BEIJING)
    try:
        return value.astimezone(BEIJING)
    except (OverflowError, ValueError) as exc:  # year 1 west of Beijing, year 9999 east of it
        raise BadDate(f"time out of range: {value.isoformat()}") from exc


def implausible(value: dt.datetime, now: dt.datetime | None = None) -> str:
    """Why an article cannot have been published at `value` ("" when it can): before
    PLAUSIBLE_SINCE, or more than PLAUSIBLE_AHEAD after `now` (default: the clock)."""
    now = now if now is not None else dt.datetime.now(BEIJING)
    if value < PLAUSIBLE_SINCE:
        return f"{format_archive_date(value)} is before {PLAUSIBLE_SINCE.year}"
    if value > now + PLAUSIBLE_AHEAD:
        return f"{format_archive_date(value)} is in the future"
    return ""


def parse_beijing(value, *, default_tz: dt.tzinfo = BEIJING) -> dt.datetime:
    """Read a time the sources give, as an aware datetime in Beijing time.

    Accepts unix seconds (int/float or a string of digits), `YYYY-MM-DD[ HH:MM[:SS]]`
    (also with `/` or `.`, `T`, an optional zone), and `YYYY年MM月DD日HH:MM[:SS]`.
    A naive time is read in `default_tz` (Beijing unless the source says otherwise).
    Anything else raises BadDate: no fuzzy parsing, never a guessed year; so does a time no
    datetime holds (NaN, 1e20 seconds, year 1 west of Beijing): one bad value is one bad date.
    """
    try:
        return _parse_beijing(value, default_tz)
    except (OverflowError, OSError) as exc:
        raise BadDate(f"time out of range: {_shown(value)}") from exc
    except BadDate:
        raise
    except ValueError as exc:  # NaN seconds
        raise BadDate(f"not a time: {_shown(value)}") from exc


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_beijing(value, default_tz: dt.tzinfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return to_beijing(value if value.tzinfo else value.replace(tzinfo=default_tz))
    if isinstance(value, bool) or value is None:
        raise BadDate(f"no time: {value!r}")
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\s*\d{9,13}\s*", value)):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return dt.datetime.fromtimestamp(seconds, BEIJING)
    if not isinstance(value, str):
        raise BadDate(f"not a time: {value!r}")
    m = _ISO_LIKE.match(value) or _CJK_DATE.match(value)
    if not m:
        raise BadDate(f"unreadable time: {value!r}")
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in m.groups()[:6])
    try:
        naive = dt.datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise BadDate(f"impossible time: {value!r}") from exc
    zone = m.groups()[6] if m.re is _ISO_LIKE else None
    if zone:
        # dateutil reads the zone designator; the rest was validated above.
        return to_beijing(dateutil_parser.isoparse(naive.isoformat() + (zone if zone != "Z" else "+00:00")))
    return to_beijing(naive.replace(tzinfo=default_tz))


# A year written with four digits and a leading zero (`01 Jan 0001`), not a zone offset
# (`+0900`) or a fraction: dateutil reads it as a two-digit year and guesses the century.
_ZERO_LED_YEAR = re.compile(r"(?<![+\-\d:.])0\d{3}(?![\d:])")


def parse_http_date(value: str) -> dt.datetime:
    """RFC 822 / RFC 3339 times of feeds (RSS pubDate, Atom updated), as Beijing time."""
    if _ZERO_LED_YEAR.search(value or ""):
        raise BadDate(f"year before 1000: {_shown(value)}")
    try:
        parsed = dateutil_parser.parse(value, fuzzy=False)
    except (ValueError, OverflowError) as exc:
        raise BadDate(f"unreadable time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise BadDate(f"time without zone: {value!r}")
    return to_beijing(parsed)


def format_archive_date(value: dt.datetime) -> str:
    # Not strftime: its %Y writes year 999 as "999" (glibc), which no reader takes for a date.
    t = to_beijing(value)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"

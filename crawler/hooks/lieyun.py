"""lieyun: the news list carries each flash whole. Its link is only in the card's share QR
code (`<img src="…/qrcode?url=<link>">`), its text in `.news1-content` (the body: no article
page is read), its time, where the card shows one, in the card's other text: a full date and
time, or "HH:MM" (today, Beijing) / "N分钟前" / "N小时前" (read against the clock)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

from crawler.html_clean import plain_text_to_html
from crawler.timeutil import BEIJING

_QR = re.compile(r"qrcode\?url=(\S+)")
_OWN = " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in ("news1-content", "news1-title"))
_OTHER_TEXT = f".//text()[not(ancestor::*[{_OWN}])]"
_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2})[:：](\d{2})(?![\d:])")
_AGO = re.compile(r"(\d+)\s*(分钟|小时)前")


def flash(entry, card, now: dt.datetime | None = None):
    """The entry of one `.news1-item` card, None for a card without the QR link or text."""
    link = _QR.search(card.css("img::attr(src)").get() or "")
    text = "".join(card.css(".news1-content ::text").getall()).strip()
    if not link or not text:
        return None
    entry.link = unquote(link.group(1))
    entry.body = plain_text_to_html(text)
    entry.published = card_time(" ".join(card.xpath(_OTHER_TEXT).getall()), now or dt.datetime.now(BEIJING))
    return entry


def card_time(text: str, now: dt.datetime) -> str:
    """The time a card's text shows, ISO 8601 in Beijing time ("" when it shows none)."""
    m = _FULL.search(text)
    if m:
        year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
        return dt.datetime(year, month, day, hour, minute, int(m.group(6) or 0), tzinfo=BEIJING).isoformat()
    now = now.astimezone(BEIJING).replace(microsecond=0)
    m = _AGO.search(text)
    if m:
        ago = dt.timedelta(minutes=int(m.group(1))) if m.group(2) == "分钟" else dt.timedelta(hours=int(m.group(1)))
        return (now - ago).replace(second=0).isoformat()
    m = _CLOCK.search(text)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        when = now.replace(hour=int(m.group(1)), minute=int(m.group(2)), second=0)
        return (when - dt.timedelta(days=1) if when > now else when).isoformat()
    return ""

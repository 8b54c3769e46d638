"""Every reason an article can be dropped for, in one enumeration, and DropArticle, which
carries one.

A dropped article makes no file; its reason is the stat `article/dropped/<reason>`. Whether a
reason is healthy (a fact about the article, not our extraction failing: exit status 3) and
whether the drop ledger remembers it by default come from here (RUN_HEALTHY_DROP_REASONS and
ARCHIVE_REMEMBER_DROPS in crawler/settings.py); tests/test_drops.py checks that the code
produces exactly these reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import DropItem


@dataclass(frozen=True)
class Reason:
    name: str
    description: str  # as the exit message names it: "fetched 4 article pages, wrote 0: body missing in 4"
    healthy: bool = False  # the article's own state: many of them are no extraction failure
    remembered: bool = False  # in the folder's drop ledger by default: not requested again
    no_body: bool = False  # the page had no body: counted against the body's coverage


REASONS: dict[str, Reason] = {r.name: r for r in (
    # What the source says about the article.
    Reason("removed", "removed by the source", healthy=True, remembered=True),
    Reason("paid", "behind a paywall", healthy=True, remembered=True),
    Reason("empty_body", "body empty", healthy=True, no_body=True),
    Reason("too_old", "older than the run's `since`", healthy=True),
    Reason("duplicate", "a second version in this run", healthy=True),
    # What extraction could not find or read.
    Reason("no_body", "body missing", no_body=True),
    Reason("bad_date", "date unreadable"),
    Reason("missing_title", "title missing"),
    Reason("missing_link", "link missing"),
    Reason("missing_published", "time missing"),
    Reason("naive_published", "time without time zone"),
    Reason("implausible_date", "date implausible"),
    Reason("missing_language", "language missing"),
    Reason("bad_language", "language not of the archive"),
    Reason("missing_folder", "folder missing"),
    Reason("missing_category", "category missing"),
    Reason("bad_folder", "folder not one plain name"),
    Reason("bad_link", "link not http(s)"),
    # The work on a found article.
    Reason("convert_timeout", "body conversion too slow"),
    Reason("bad_path", "file name unusable"),
    Reason("unsafe_folder", "folder leads out of the archive"),
    # import-json: old items that are no article of the archive.
    Reason("kind_2", "not an article (kind 2)"),
    Reason("no_language", "language missing"),
    # A DropItem that is not a DropArticle (another pipeline's, a plugin's).
    Reason("other", "dropped by another pipeline"),
)}


def describe(reason: str) -> str:
    known = REASONS.get(reason)
    return known.description if known is not None else reason


def healthy() -> list[str]:
    return [r.name for r in REASONS.values() if r.healthy]


def remembered() -> list[str]:
    return [r.name for r in REASONS.values() if r.remembered]


def no_body() -> tuple[str, ...]:
    return tuple(r.name for r in REASONS.values() if r.no_body)


class DropArticle(DropItem):
    """An article that makes no archive file, with its reason (one of REASONS): the stat
    `article/dropped/<reason>` (crawler.extensions.DropCounter) and the drop's one log line
    (crawler.logformatter)."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)

"""Items of the old crawler (`news/data/<folder>/*.json`) read as Articles.

The old crawler wrote `{"data": [item, ...]}` files (also kept as JSON Lines of the same
objects); fields `id, title, image, link, author, pub_date, description, source, kind,
language`, other keys ignored. `pub_date` is Beijing time without a zone.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from crawler.items import Article
from crawler.timeutil import BadDate, parse_beijing


class LegacyFileError(ValueError):
    """A file that is not an old-crawler item file; the message names file and position."""


# Valid JSON that Python refuses to read: an integer of more than 4,300 digits (ValueError),
# arrays or objects nested past the recursion limit (RecursionError). Escaping the reader, they
# ended the whole import.
_UNREADABLE_JSON = (ValueError, RecursionError)


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).split(':')[0]}"


def _parse(text: str, path: Path, line: int | None = None):
    """The JSON value of `text` (a whole file, or its line `line`); LegacyFileError naming the
    file and position when it is none."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LegacyFileError(f"{path}: line {line or exc.lineno}, column {exc.colno}: not JSON ({exc.msg})") from None
    except _UNREADABLE_JSON as exc:
        where = f"{path}: line {line}" if line else str(path)
        raise LegacyFileError(f"{where}: not readable ({_why(exc)})") from None


def read_legacy_file(path: Path) -> Iterator[tuple[str, dict]]:
    """Yield (position, item object) of one file; raise LegacyFileError on a bad file.

    A bad line of a JSON Lines file stops that file at that line (items before it are kept).
    """
    name = path.name
    try:
        if name.endswith((".jsonl", ".jsonl.gz")):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as fh:
                for number, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    obj = _parse(line, path, number)
                    if not isinstance(obj, dict):
                        raise LegacyFileError(f"{path}: line {number}: expected an item object, got {type(obj).__name__}")
                    yield f"line {number}", obj
            return
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise LegacyFileError(f"{path}: cannot read: {exc}") from None
    doc = _parse(text, path)
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise LegacyFileError(f'{path}: expected {{"data": [...]}} at the top level')
    for index, obj in enumerate(doc["data"]):
        if not isinstance(obj, dict):
            raise LegacyFileError(f"{path}: data[{index}]: expected an item object, got {type(obj).__name__}")
        yield f"data[{index}]", obj


def _text(value) -> str:
    return "" if value is None else str(value)


def article_from_legacy(obj: dict, folder: str) -> Article:
    """One old item as an Article; items that make no file carry their drop_reason."""
    article = Article(
        id=obj.get("id") if obj.get("id") not in (None, "") else "",
        title=_text(obj.get("title")),
        link=_text(obj.get("link")),
        author=_text(obj.get("author")),
        thumbnail=_text(obj.get("image")),
        body_html=_text(obj.get("description")),
        category=_text(obj.get("source")),
        folder=folder,
        language=_text(obj.get("language")),
        published=None,
    )
    # The old generator skipped these two kinds of item (FORMAT.md, "Items that make no file").
    if str(obj.get("kind")) == "2":
        article["drop_reason"] = "kind_2"
    elif not obj.get("language"):
        article["drop_reason"] = "no_language"
    else:
        try:
            article["published"] = parse_beijing(obj.get("pub_date"))
        except BadDate:
            article["drop_reason"] = "bad_date"
    return article

"""The archive's format: where an article's file goes, what it is named, and its exact text.

This module is the one place that knows FORMAT.md (../shared/archive-format/FORMAT.md).
Everything here is pure; pipelines.archive does the writing.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import frontmatter
from frontmatter.default_handlers import YAMLHandler
from w3lib.url import safe_url_string

from crawler.markdown import escape_line
from crawler.timeutil import format_archive_date

LANGUAGES = ("zh-CN", "zh-HK", "en")

# FORMAT.md: "every one of the characters \ / * ? : " < > | is removed from the name".
_NAME_REMOVED = re.compile(r'[\\/*?:"<>|]')
# Not in FORMAT.md (the old generator never met them): control characters cannot be part of
# a portable file name, so they are removed as well.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Longest file name most file systems accept, in bytes.
MAX_NAME_BYTES = 255

# qq ids come in two forms for one article: 14 characters in older items and in every
# archive file (`20250208A08E8L`), 16 in newer items and in the link (`20250208A08E8L00`).
QQ_LONG_ID = re.compile(r"^(\d{8}[A-Z][0-9A-Z]{5})[0-9A-Z]{2}$")


# Line breaks (those of YAML too) and tabs: a front-matter value or the closing label is one line.
_LINE_BREAKS = re.compile(r"[\n\r\t\x0b\x0c\x85\u2028\u2029]")


def escape(value) -> str:
    """FORMAT.md's escaping of a front-matter value (title, date, summary, ...).

    Beyond FORMAT.md, for values the old archive never held: the other line breaks YAML
    knows (U+0085, U+2028, U+2029, vertical tab, form feed) become a space like newlines do,
    and any other control character is written as a YAML escape, so that every file parses
    back (PyYAML rejects raw control characters).
    """
    if value is None:
        return ""
    text = str(value)
    if not text:
        return ""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = _LINE_BREAKS.sub(" ", text)
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.strip()


def _strip_tags_for_summary(body_html: str) -> str:
    # FORMAT.md step 1, with its fix: script/style contents are dropped first.
    text = re.sub(r"<(script|style)\b[^>]*>.*?</\1\s*>", "", body_html, flags=re.S | re.I)
    return re.sub(r"<[^>]*>", "", text)


def summary_text(body_html: str | None, language: str) -> str:
    """The summary of FORMAT.md as plain text: tags removed, entities decoded, then cut (the
    characters and words counted are the decoded ones: `S&amp;P 500` counts as `S&P 500`)."""
    text = html.unescape(_strip_tags_for_summary(body_html or ""))
    if not text:
        return ""
    if language.startswith("zh"):
        return text if len(text) < 80 else text[:50] + "..."
    words = text.split()
    return text if len(words) < 50 else " ".join(words[:50]) + "..."


def summary(body_html: str | None, language: str) -> str:
    """The front matter's summary before FORMAT.md's escaping: summary_text as Markdown (Hugo
    renders `summary` as Markdown on list pages), escaped so that it shows exactly that text;
    a text without Markdown's special characters is unchanged (crawler.markdown.escape_line)."""
    return escape_line(summary_text(body_html, language))


_URL_NOISE = re.compile(r"[\t\n\r]")
# Characters that cannot stand in a Markdown link destination or that Hugo's lexer could read
# (`{{<`, `<!--more-->`); non-ASCII is fine there, except white space and invisible characters.
_URL_UNSAFE = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}()\[\]]')
_URL_BAD_AFTER = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}()]')


def web_url(url) -> str | None:
    """`url` as the archive may write it (the closing link, the thumbnail), or None when it is
    not an absolute http(s) URL (`javascript:`, `data:`, a relative path, ...).

    Tabs and line breaks are dropped and the ends stripped (as browsers do). A URL holding
    characters that a Markdown link destination cannot hold (space, parentheses, `<`, ...) or
    non-ASCII white space is percent-encoded (w3lib's safe_url_string, and `(`/`)` as well);
    any other URL is kept byte for byte (non-ASCII paths too, as the existing archive has them).
    """
    if not isinstance(url, str):
        return None
    url = _URL_NOISE.sub("", url).strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if _URL_UNSAFE.search(url) or any(not c.isascii() and unicodedata.category(c)[0] in "ZC" for c in url):
        url = safe_url_string(url).replace("(", "%28").replace(")", "%29")
        if _URL_BAD_AFTER.search(url) or urlsplit(url).scheme.lower() not in ("http", "https"):
            return None  # e.g. a space in the host name
    return url


# A site path such as `/images/<sha1>.png`: what the images stage (pipelines/images.py) writes
# for a thumbnail it kept. Only these characters, so nothing in it is markup or a scheme.
_SITE_PATH = re.compile(r"^/(?!/)[A-Za-z0-9._~/%-]*\Z")


def thumbnail_url(url) -> str:
    """The thumbnail as written: a kept copy's site path, else an http(s) URL, else empty."""
    if isinstance(url, str) and _SITE_PATH.match(url):
        return url
    return web_url(url) or ""


def _clean_id(article_id) -> str:
    if article_id is None or article_id == "" or article_id is False or article_id == 0:
        return ""
    text = _NAME_CONTROL.sub("", _NAME_REMOVED.sub("", str(article_id)))
    # Not in FORMAT.md: a name starting with a dot is a hidden file that Hugo skips, so
    # leading dots are removed too; an id left empty falls back to the md5 name.
    return text.lstrip(".")


def has_id(article_id) -> bool:
    """Does the article's file name come from its id (else from md5 of title and time)?"""
    return bool(_clean_id(article_id))


def md5_name(title: str, pub_date: str) -> str:
    return hashlib.md5((title + pub_date).encode("utf-8")).hexdigest()


def archive_name(article_id, title: str, pub_date: str, language: str) -> str:
    """`<name>.md` of FORMAT.md: `<id>.<language>`, else md5(title + pub_date), then `.md`.

    `pub_date` is the date as written in the file (`YYYY-MM-DD HH:MM:SS`, Beijing time).
    Names longer than 255 bytes (only possible for very long ids) are shortened in a stable
    way: the id is cut to fit and `~` plus the first 16 hex digits of the sha1 of the whole
    id are appended, so different long ids keep different names.
    """
    stem = _clean_id(article_id) or md5_name(title, pub_date)
    suffix = f".{_NAME_CONTROL.sub('', _NAME_REMOVED.sub('', language))}.md"
    if len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        digest = "~" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:16]
        room = MAX_NAME_BYTES - len((digest + suffix).encode("utf-8"))
        cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
        stem = cut + digest
    return stem + suffix


def relative_path(language: str, folder: str, name: str) -> str:
    return f"{language}/news/{folder}/{name}"


class ArchiveFrontMatter(YAMLHandler):
    """python-frontmatter handler that writes the archive's exact front matter.

    The default YAML dump sorts keys and quotes differently; the archive's text is fixed
    (FORMAT.md), so export() writes it line by line. Reading uses the normal YAML loader.
    """

    KEYS = ("title", "date", "summary", "categories", "lang", "translations", "tags", "menu",
            "thumbnail", "lead", "comments", "authorbox", "pager", "toc", "mathjax", "sidebar",
            "widgets")

    def export(self, metadata: dict, **kwargs) -> str:
        lines = []
        for key in self.KEYS:
            value = metadata[key]
            if isinstance(value, bool):
                lines.append(f"{key}: {'true' if value else 'false'}")
            elif isinstance(value, (list, tuple)):
                lines.append(f"{key}:")
                lines.extend(f'  - "{escape(v)}"' for v in value)
            else:
                lines.append(f'{key}: "{escape(value)}"')
        return "\n".join(lines)

    def format(self, post, **kwargs) -> str:
        return f"---\n{self.export(post.metadata)}\n---\n\n{post.content}\n"


@dataclass(frozen=True)
class ArchiveEntry:
    """Everything the archive file of one article is made from."""

    id: object
    title: str
    published: object  # aware datetime
    summary: str
    category: str
    language: str
    folder: str
    thumbnail: str
    link: str
    body_markdown: str

    @property
    def date(self) -> str:
        return format_archive_date(self.published)

    @property
    def name(self) -> str:
        return archive_name(self.id, self.title, self.date, self.language)

    @property
    def path(self) -> str:
        return relative_path(self.language, self.folder, self.name)

    def metadata(self) -> dict:
        return {
            "title": self.title, "date": self.date, "summary": self.summary,
            "categories": [self.category], "lang": [self.language],
            "translations": [self.language], "tags": [self.category], "menu": "",
            # Only an http(s) thumbnail or a kept copy's site path (a `javascript:` one would be a link).
            "thumbnail": thumbnail_url(self.thumbnail), "lead": "", "comments": False,
            "authorbox": False, "pager": True, "toc": False, "mathjax": False,
            "sidebar": "right", "widgets": ["search", "recent", "taglist"],
        }

    def text(self) -> str:
        body = (self.body_markdown or "").strip()
        # The closing link: the label is escaped only where it holds Markdown's special
        # characters (as FORMAT.md's "published site is the judge" wants; other labels are
        # written as they are), the URL is one of web_url's. An empty body leaves the three
        # empty lines of FORMAT.md: `---\n\n\n\n[label](url)\n`.
        link = web_url(self.link)
        if link is None:
            raise ValueError(f"not an http(s) URL: {self.link!r}")
        label = escape_line(_LINE_BREAKS.sub(" ", self.category).strip())
        content = f"{body}\n\n[{label}]({link})"
        return frontmatter.dumps(frontmatter.Post(content, **self.metadata()), handler=ArchiveFrontMatter())


def is_archive_name(filename: str) -> bool:
    return filename.endswith(".md") and not filename.startswith(".")


def id_key(stem: str) -> str:
    """Key under which a file name stem is indexed: qq's long id form folds to the short one."""
    # Only a 16-character stem can be a long id (the length test spares most names the regex).
    m = QQ_LONG_ID.match(stem) if len(stem) == 16 else None
    return m.group(1) if m else stem


def temp_name(name: str) -> str:
    # A leading dot: Hugo ignores hidden files; `.tmp` at the end: nor is it content. The
    # name's digest (not the name) keeps it short even beside a 255-byte name.
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]
    return f".{digest}.{os.getpid()}.{os.urandom(4).hex()}.tmp"


TEMP_FILE = re.compile(r"^\.[0-9a-f]{12}\.\d+\.[0-9a-f]{8}\.tmp\Z")

# A folder or language is one plain path segment (\Z: "$" would also take "a\n").
SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")

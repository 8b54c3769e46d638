"""An article body from the HTML its source served to the archive's Markdown.

`convert_body` is the whole CPU-heavy part of an article's way into the archive, as one plain
function of two strings: the body is cleaned (crawler.html_clean) and the cleaned body
converted (crawler.markdown). Being one picklable call, it can run in a worker process
(crawler.body_workers) as well as in the crawl's own thread, with the same result.
"""

from __future__ import annotations

from typing import NamedTuple

from crawler.html_clean import clean_body_tree, inner_html
from crawler.markdown import body_to_markdown, has_noncharacters, strip_noncharacters


class ConvertedBody(NamedTuple):
    clean_html: str
    markdown: str


def convert_body(body_html: str, base_url: str) -> ConvertedBody:
    """The cleaned body HTML and its Markdown ("" and "" for an empty body).

    The same as html_to_markdown(clean_body_html(body_html, base_url)), but the cleaned tree
    goes on to the Markdown without being written out and parsed again (a third of the
    parsing; identical output over every real body, tests/test_markdown.py)."""
    body = clean_body_tree(body_html or "", base_url or "")
    if body is None:
        return ConvertedBody("", "")
    clean_html = inner_html(body).strip()
    if not clean_html:
        return ConvertedBody("", "")
    if has_noncharacters(clean_html):
        strip_noncharacters(body)
    return ConvertedBody(clean_html, body_to_markdown(body))

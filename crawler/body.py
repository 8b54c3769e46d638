"""An article body from the HTML its source served to the archive's Markdown.

`body_markdown` is the whole CPU-heavy part of an article's way into the archive, as one plain
function of two strings: the body is cleaned (crawler.html_clean) and the cleaned tree
converted (crawler.markdown). Being one picklable call with a string for a result, it runs
in a worker process (crawler.workers) as well as in the crawl's own thread, alike.
"""

from __future__ import annotations

import re

from crawler.html_clean import clean_body_tree
from crawler.markdown import body_to_markdown, has_noncharacters, strip_noncharacters

# A numeric character reference can stand for a noncharacter (`&#xfdd0;`) too.
_CHARACTER_REFERENCE = re.compile(r"&#")


def body_markdown(body_html: str, base_url: str) -> str:
    """The Markdown of a body as served ("" for an empty one).

    The same as html_to_markdown(clean_body_html(body_html, base_url)), but the cleaned tree
    goes on to the Markdown without being written out and parsed again (identical output over
    every real body: tests/test_body_conversion.py)."""
    body = clean_body_tree(body_html or "", base_url or "")
    # Nothing left: html_to_markdown's "" for a cleaned body of white space only.
    if body is None or (len(body) == 0 and not (body.text or "").strip()):
        return ""
    if has_noncharacters(body_html) or _CHARACTER_REFERENCE.search(body_html):
        strip_noncharacters(body)
    return body_to_markdown(body)

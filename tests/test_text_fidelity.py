"""Every real body (qq and every seed-json source) converted as the pipeline does it
(crawler.body.body_markdown, the same result tests/test_body_conversion.py compares with the
reference conversion): rendered_text(markdown) == visible_text(body), minus the
text of elements that a named cleaning rule drops (computed from html_clean.RULES'
`drops_text_of`); every source image exactly once as a Markdown image with an absolute URL
(placeholder data: URIs excepted: rule remove_placeholder_images, counted); no `** ` before
CJK. Plain-text bodies must survive as paragraphs. Run with -s to see the counts."""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter

import pytest

from crawler.html_clean import TEXT_DROPPING_TAGS, absolute_url, is_placeholder_image_url, is_plain_text
from tests.support.conversions import pipeline_markdown
from tests.support.shared import body_sources, qq_items, seed_items
from tests.support.text import images_of_html, images_of_markdown, normalize_link, render, rendered_text, visible_text

_SPACE_BEFORE_CJK = re.compile(r"\*\* [\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_ABSOLUTE = re.compile(r"^https?://")


def _check(item: dict, counts: Counter) -> list[str]:
    body = item.get("description") or ""
    if not isinstance(body, str):
        body = str(body)
    link = item["link"]
    markdown = pipeline_markdown(body, link)
    problems = []
    if _SPACE_BEFORE_CJK.search(markdown):
        problems.append("`** ` before CJK")
    if is_plain_text(body):
        counts["plain_text"] += 1
        lines = [line for line in re.split(r"\s*\n\s*", htmllib.unescape(body).strip()) if line]
        if rendered_text(markdown) != re.sub(r"\s+", "", htmllib.unescape(body)):
            problems.append("plain text changed")
        if lines and render(markdown).count("<p>") != len(lines):
            problems.append("plain text lines are not paragraphs")
        return problems
    counts["html"] += 1
    expected = visible_text(body, TEXT_DROPPING_TAGS)
    if expected != visible_text(body):
        counts["text_dropped_by_rule"] += 1
    if rendered_text(markdown) != expected:
        problems.append("text differs")
    sources = images_of_html(body, TEXT_DROPPING_TAGS)
    placeholders = [u for u in sources if is_placeholder_image_url(u)]
    counts["placeholder_images_dropped"] += len(placeholders)
    wanted = Counter(normalize_link(absolute_url(u, link)) for u in sources if not is_placeholder_image_url(u))
    got = images_of_markdown(markdown)
    counts["images"] += sum(wanted.values())
    if Counter(got) != wanted:
        problems.append("images differ")
    if not all(_ABSOLUTE.match(u) for u in got):
        problems.append("relative image URL")
    return problems


@pytest.mark.parametrize("source", body_sources())
def test_fidelity(source):
    items = qq_items() if source == "qq" else seed_items(source)
    counts: Counter = Counter()
    failures = []
    for item in items:
        problems = _check(item, counts)
        counts["checked"] += 1
        if problems:
            failures.append(f"{item['link']}: {', '.join(problems)}")
        else:
            counts["ok"] += 1
    print(f"\n{source}: {dict(counts)}")
    assert counts["checked"] == len(items)
    if source == "qq":
        assert len(items) == 1420
    assert not failures, f"{len(failures)} of {len(items)} {source} bodies:\n" + "\n".join(failures[:20])

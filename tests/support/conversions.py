"""Each real body's Markdown as the pipeline makes it (crawler.body.body_markdown), made once a
test session: tests/test_body_conversion.py holds it against the reference conversion and
tests/test_text_fidelity.py against what a reader sees of the body. A pure function of the
body and its link, so one result serves both."""

from __future__ import annotations

from crawler.body import body_markdown

_MADE: dict[tuple[str, str], str] = {}


def pipeline_markdown(body_html: str, link: str) -> str:
    key = (body_html, link)
    if key not in _MADE:
        _MADE[key] = body_markdown(body_html, link)
    return _MADE[key]

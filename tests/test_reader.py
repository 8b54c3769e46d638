"""tests.support.reader: the expected text of the per-source tests (what a person keeps of a
real body) is itself checked on small invented bodies."""

from __future__ import annotations

from tests.support.reader import NotArticle, kept_text, visible_lines


def test_boxes_by_tag_class_and_id():
    html = ('<div><p>One.</p><aside>Aside</aside><div class="stockwidget wide"><p>Watchlist</p></div>'
            '<div id="related"><p>Other story</p></div><div class="stockwidgetx"><p>Two.</p></div></div>')
    assert kept_text(html, NotArticle(boxes=("aside", ".stockwidget", "#related"))) == "One.Two."
    assert [str(line) for line in visible_lines(html)] == ["One.", "Aside", "Watchlist", "Other story", "Two."]

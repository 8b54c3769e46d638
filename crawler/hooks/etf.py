"""etf: a page holds several `.etf_articles__body` blocks and the article's position among them
moved over time (the old crawler took the 2nd, later the 3rd); only the one with the most text
is kept, and the site file's body selector then finds it."""

from lxml import html as lxml_html

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' etf_articles__body ')"


def article_block_only(page: str, entry) -> str:
    try:
        root = lxml_html.document_fromstring(page)
    except Exception:  # noqa: BLE001 - an unreadable page: the selectors report what they miss
        return page
    blocks = root.xpath(f"//*[{_CLASS}][not(ancestor::*[{_CLASS}])]")
    if len(blocks) < 2:
        return page
    keep = max(blocks, key=lambda block: len("".join(block.itertext()).strip()))
    for block in blocks:
        if block is not keep:
            block.drop_tree()
    return lxml_html.tostring(root, encoding="unicode")

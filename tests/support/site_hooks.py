"""A hook for tests/test_site_files.py (a site file names it as "tests.support.site_hooks:shout")."""


def shout(article, data, entry):
    article["title"] = article["title"].upper()
    return article


def entry_from_element(entry, element):
    """A feed's or list's discovery hook: the link a card hides in its share image's
    `?url=`, the card's `.text` as the body, the feed's mirror host put back; cards marked
    `.skip` left out."""
    if element.css(".skip"):
        return None
    shared = element.css("img::attr(src)").re_first(r"[?&]url=(\S+)")
    if shared:
        entry.link = shared
    text = "".join(element.css(".text ::text").getall()).strip()
    if text:
        entry.body = f"<p>{text}</p>"
    entry.link = entry.link.replace("://mirror.ex.test/", "://ex.test/")
    return entry


def upper_title(entry, element):
    """A list's discovery hook that keeps the entry's values and shouts its title."""
    entry.title = entry.title.upper()
    return entry


def json_document_page(page, entry):
    """A page hook: a JSON document `{"content": [{"type": "paragraph", "text": …}]}` made an HTML page."""
    import json

    paragraphs = "".join(f"<p>{node['text']}</p>" for node in json.loads(page)["content"])
    return f'<html><body><div class="doc">{paragraphs}</div></body></html>'

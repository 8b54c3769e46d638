"""Cleaning of an article body's HTML before it becomes Markdown.

`clean_body_html(html, base_url)` parses the body once (fragment, full document or plain
text), applies every rule of RULES in order to the tree and serialises the result. Each rule
is a small function `rule(root, base_url) -> None` that mutates the tree. A rule that deletes
elements *with their text* says so in its `drops_text_of` attribute (a set of tag names);
`TEXT_DROPPING_TAGS` is their union, so that tests can compute which visible text the cleaning
is allowed to remove. No other rule removes text: text nodes are kept as they are (white space
is not reflowed) and the text of a removed element is re-attached to its neighbour.
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import urljoin

from lxml import etree

# lxml.etree's parser, not lxml.html's: the latter calls a Python function to choose the
# class of every element proxy it makes (lxml.html.HtmlElement; 330,000 calls for the 1,164 qq
# bodies), for methods (drop_tag) that unwrap() below replaces.
_PARSER = etree.HTMLParser(recover=True, remove_comments=False, remove_pis=False, huge_tree=True)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_DOCUMENT = re.compile(r"<(?:html|body|head)[\s>/]", re.I)
# HTML5 void elements that libxml2 (an HTML4 parser) treats as containers: everything after
# an <embed> would become its content and be dropped with it. They are closed explicitly.
_VOID_UNKNOWN_TO_LIBXML2 = re.compile(r"<(embed|source|track|wbr)\b[^>]*>(?!\s*</\1>)", re.I)
_ANY_TAG = re.compile(r"<[a-zA-Z!/?]")
_URL_NOISE = re.compile(r"[\t\n\r]")
_LINE_BREAKS = re.compile(r"\s*\n\s*")


# ------------
# Parsing and serialising


def is_plain_text(html: str) -> bool:
    """True for a body without any tag (plain text, possibly with entities)."""
    return not _ANY_TAG.search(html)


def plain_text_to_html(text: str) -> str:
    """Plain-text body -> one <p> per non-empty line (entities are decoded first)."""
    lines = _LINE_BREAKS.split(htmllib.unescape(text).strip())
    return "".join(f"<p>{htmllib.escape(line, quote=False)}</p>" for line in lines if line)


def parse_body(html: str):
    """The body as an lxml element (its tag is `body`) or None when there is nothing.

    Pitfalls handled: an XML/encoding declaration makes lxml refuse a str, so it is removed;
    a fragment is wrapped in <html><body> so that text before the first tag and several
    top-level elements all end up in one body (libxml2 would otherwise wrap stray text in <p>
    or keep only the first element); a full document keeps only its <body>.
    """
    if not html or not html.strip():
        return None
    html = _XML_DECLARATION.sub("", html, count=1)
    html = _VOID_UNKNOWN_TO_LIBXML2.sub(lambda m: f"{m.group(0)}</{m.group(1)}>", html)
    if not _DOCUMENT.search(html):
        html = "<html><body>" + html + "</body></html>"
    root = etree.fromstring(html, _PARSER)
    if root is None:
        return None
    body = root.find("body")
    if body is None:  # a document with a head only
        return None
    return body


def inner_html(element) -> str:
    """Serialised content of an element (its text and children, not the element itself)."""
    parts = [htmllib.escape(element.text, quote=False)] if element.text else []
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in element)
    return "".join(parts)


def remove_keep_tail(element) -> None:
    """Remove an element (and its content) but keep the text that follows it, unchanged."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def unwrap(element) -> None:
    """Remove an element's tags but keep its text and children in its place (lxml.html's
    HtmlElement.drop_tag, for plain lxml elements)."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if element.text and isinstance(element.tag, str):
        if previous is None:
            parent.text = (parent.text or "") + element.text
        else:
            previous.tail = (previous.tail or "") + element.text
    if element.tail:
        if len(element):
            last = element[-1]
            last.tail = (last.tail or "") + element.tail
        elif previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    index = parent.index(element)
    parent[index:index + 1] = element[:]


def absolute_url(url: str, base_url: str) -> str:
    """`url` resolved against `base_url` (scheme-relative `//` URLs get https without a base).

    Tabs and line breaks inside a URL are dropped (as browsers do) and spaces become %20 so
    that the URL stays one Markdown link destination.
    """
    url = _URL_NOISE.sub("", url).strip()
    if url.startswith("//") and not base_url:
        url = "https:" + url
    if base_url:
        url = urljoin(base_url, url)
    return url.replace(" ", "%20")


# ------------
# The rules, in the order of RULES


def remove_comments(root, base_url: str) -> None:
    """HTML comments and processing instructions. qq bodies carry React `<!-- -->` separators
    in the middle of sentences: the text after the comment is joined to the text before it
    without any added space."""
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        remove_keep_tail(node)


remove_comments.drops_text_of = frozenset()


def remove_scripts(root, base_url: str) -> None:
    """script, style, noscript and template elements, with their content (noscript content
    is what a reader without JavaScript would see: in a lazy-loading page it duplicates the
    real content, typically an <img>)."""
    for element in list(root.iter(*remove_scripts.drops_text_of)):
        remove_keep_tail(element)


remove_scripts.drops_text_of = frozenset({"script", "style", "noscript", "template"})


def remove_active_content(root, base_url: str) -> None:
    """Embedded and interactive content that a Markdown archive cannot hold: frames, plug-ins,
    media players, form controls, svg drawings, and head-only elements found in bodies. A
    <form> itself is unwrapped (its text is kept), only its controls go."""
    for element in list(root.iter(*remove_active_content.drops_text_of)):
        remove_keep_tail(element)
    for form in list(root.iter("form")):
        unwrap(form)


remove_active_content.drops_text_of = frozenset({
    "iframe", "frame", "frameset", "object", "embed", "applet", "param", "video", "audio",
    "source", "track", "canvas", "svg", "math", "input", "button", "select", "option",
    "textarea", "datalist", "output", "meta", "link", "base", "title", "dialog",
})


def remove_event_handlers(root, base_url: str) -> None:
    """Inline event-handler attributes (onclick, onload, onerror ...)."""
    for element in root.iter(etree.Element):
        for name in [n for n in element.attrib if n.lower().startswith("on")]:
            del element.attrib[name]


remove_event_handlers.drops_text_of = frozenset()

_SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript)\s*:", re.I)


def remove_script_links(root, base_url: str) -> None:
    """`javascript:` (and `vbscript:`) links lose their href; their text stays."""
    for element in root.iter("a", "area"):
        href = element.get("href")
        if href is not None and _SCRIPT_URL.match(_URL_NOISE.sub("", href)):
            del element.attrib["href"]


remove_script_links.drops_text_of = frozenset()

LAZY_IMAGE_ATTRIBUTES = ("data-src", "data-original", "data-actualsrc")


def image_source(img) -> str | None:
    """The URL an image shows: a lazy-loading attribute wins over `src` (which is then a
    placeholder such as a data: URI or a 1x1 gif)."""
    for name in LAZY_IMAGE_ATTRIBUTES + ("src",):
        value = img.get(name)
        if value and value.strip():
            return value
    return None


def make_image_urls_absolute(root, base_url: str) -> None:
    """Every <img> gets its real URL (see image_source) as an absolute `src`; the lazy and
    responsive attributes (whose URLs would otherwise stay relative) are removed."""
    for img in root.iter("img"):
        url = image_source(img)
        for name in LAZY_IMAGE_ATTRIBUTES + ("srcset", "data-srcset", "sizes"):
            img.attrib.pop(name, None)
        if url is None:
            img.attrib.pop("src", None)
        elif _SCRIPT_URL.match(url):
            img.attrib.pop("src", None)
        else:
            img.set("src", absolute_url(url, base_url))


make_image_urls_absolute.drops_text_of = frozenset()


def is_placeholder_image_url(url: str) -> bool:
    """A data: URI (an inline placeholder or pixel, never the article's picture)."""
    return url.strip().lower().startswith("data:")


def remove_placeholder_images(root, base_url: str) -> None:
    """Images whose only URL is a data: URI (lazy-loading placeholders without a real URL,
    tracking pixels): not archivable, and not renderable by a Markdown renderer."""
    for img in list(root.iter("img")):
        if is_placeholder_image_url(img.get("src") or ""):
            remove_keep_tail(img)


remove_placeholder_images.drops_text_of = frozenset()


def make_link_urls_absolute(root, base_url: str) -> None:
    """Every link href absolute (relative and `//` URLs resolved against base_url)."""
    for element in root.iter("a", "area"):
        href = element.get("href")
        if href is not None:
            element.set("href", absolute_url(href, base_url))


make_link_urls_absolute.drops_text_of = frozenset()

# Elements that mean something without text: never removed as "empty".
_KEEP_EMPTY = frozenset({"img", "hr", "br", "wbr", "td", "th", "tr", "thead", "tbody", "tfoot", "col", "colgroup", "body"})
_NOT_CONTENT = frozenset({"br", "wbr"})


def remove_empty_wrappers(root, base_url: str) -> None:
    """Elements with no text and no image, recursively (children first). Never drops text: an
    emptied element that held white space, or was a block, leaves one space behind so that
    the words around it are not glued together."""
    for element in reversed(list(root.iter(etree.Element))):
        if element.tag in _KEEP_EMPTY or element.getparent() is None:
            continue
        if element.text and element.text.strip():
            continue
        if any(child.tag not in _NOT_CONTENT or (child.tail and child.tail.strip()) for child in element):
            continue
        had_space = bool(element.text) or any(child.tail for child in element)
        if had_space or element.tag in _BLOCKS:
            element.tail = " " + (element.tail or "")
        remove_keep_tail(element)


remove_empty_wrappers.drops_text_of = frozenset()

_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "main", "nav", "figure",
    "figcaption", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "pre", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "center", "details", "summary",
})

RULES = (
    remove_comments,
    remove_scripts,
    remove_active_content,
    remove_event_handlers,
    remove_script_links,
    make_image_urls_absolute,
    remove_placeholder_images,
    make_link_urls_absolute,
    remove_empty_wrappers,
)

TEXT_DROPPING_TAGS = frozenset().union(*(rule.drops_text_of for rule in RULES))


def clean_body_tree(html: str, base_url: str):
    """The body as an lxml element with every rule of RULES applied; None for no body."""
    if not html or not html.strip():
        return None
    if is_plain_text(html):
        html = plain_text_to_html(html)
    body = parse_body(html)
    if body is None:
        return None
    for rule in RULES:
        rule(body, base_url or "")
    return body


def clean_body_html(html: str, base_url: str) -> str:
    """The body with every rule of RULES applied; "" for an empty body."""
    body = clean_body_tree(html, base_url)
    return inner_html(body).strip() if body is not None else ""

"""Cleaning of an article body's HTML before it becomes Markdown.

`clean_body_html(html, base_url)` parses the body once (fragment, full document or plain
text), applies every rule of RULES in order to the tree and serialises the result. Each rule
is a small function `rule(root, base_url) -> None` that mutates the tree. A rule that deletes
elements *with their text* says so in its `drops_text_of` attribute (a set of tag names);
`TEXT_DROPPING_TAGS` is their union, so that tests can compute which visible text the cleaning
is allowed to remove. No other rule removes visible text (remove_hidden takes out what the page
hides): text nodes are kept as they are (white space is not reflowed) and the text of a removed
element is re-attached to its neighbour.
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
# What an lxml tree cannot hold ("All strings must be XML compatible" when a rule or the
# Markdown conversion sets a text or attribute holding it): C0 controls but tab, LF and CR,
# and U+FFFE/U+FFFF. Raw, they are taken out of the body before parsing; written as numeric
# references (`&#1;`, `&#x0B`, with or without `;`), which libxml2 decodes, out of the tree.
_XML_INCOMPATIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMERIC_REFERENCE = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));?")
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


def _xml_compatible(match: re.Match) -> str:
    # Vertical tab and form feed separate words: a space; the others go.
    return " " if match.group() in "\x0b\x0c" else ""


def xml_compatible(text: str) -> str:
    """`text` without the characters an lxml tree cannot hold (_XML_INCOMPATIBLE)."""
    return _XML_INCOMPATIBLE.sub(_xml_compatible, text) if _XML_INCOMPATIBLE.search(text) else text


_NON_NEGATIVE_INTEGER = re.compile(r"[\t\n\f\r ]*([+-]?)([0-9]+)")


def non_negative_integer(value: str | None, limit: int) -> int | None:
    """`value` read by HTML's rules for parsing a non-negative integer (white space, a sign,
    the ASCII digits up to the first other character), at most `limit`; None when it holds
    none. Thousands of digits are a number above `limit`, not an error (int() refuses them)."""
    match = _NON_NEGATIVE_INTEGER.match(value or "")
    if match is None:
        return None
    digits = match.group(2).lstrip("0")
    if match.group(1) == "-" and digits:
        return None
    return limit if len(digits) > len(str(limit)) else min(int(digits or "0"), limit)


def _is_incompatible_reference(match: re.Match) -> bool:
    decimal = match.group(1) is not None
    # Leading zeros count for nothing (libxml2 reads `&#00011;` as 11); past 0x10FFFF
    # (7 digits) no character: int() is spared a page's thousands of digits, which it refuses.
    digits = (match.group(1) if decimal else match.group(2)).lstrip("0")
    if len(digits) > 7:
        return False
    code = int(digits or "0", 10 if decimal else 16)
    return 0 < code <= 0x10FFFF and _XML_INCOMPATIBLE.match(chr(code)) is not None


def _make_xml_compatible(root) -> None:
    """Take the incompatible characters out of every text, tail and attribute of a tree."""
    for node in root.iter():
        if node.text and _XML_INCOMPATIBLE.search(node.text):
            node.text = xml_compatible(node.text)
        if node.tail and _XML_INCOMPATIBLE.search(node.tail):
            node.tail = xml_compatible(node.tail)
        if isinstance(node.tag, str):
            for name, value in node.items():
                if _XML_INCOMPATIBLE.search(value):
                    node.set(name, xml_compatible(value))


# libxml2 stops parsing at 2048 levels of elements (with huge_tree; 256 without): everything
# after that point, the deep text and all that follows it, would be missing from the tree.
# A body that deep (hostile or broken: nothing readable nests so) is parsed again with the
# tags below FLATTEN_DEPTH levels taken out: their text stays, in order, in the deepest
# element kept. Far below the limit, so that libxml2's own accounting cannot reach it.
FLATTEN_DEPTH = 1000
_TAG_COUNT_FOR_DEPTH = 2000  # fewer tags than this cannot nest 2048 deep
_TOKEN = re.compile(r"""<!--.*?(?:-->|\Z)|<(/?)([a-zA-Z][^\s/>]*)((?:"[^"]*"|'[^']*'|[^'">])*)>""", re.S)
# Their content is raw text (a `<div>` in a script is no tag); their tags are always kept.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"})
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"})
_TABLE_ROOM = 8
_VOID = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr", "image", "img",
    "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid", "param", "source", "track", "wbr",
})


def flatten(html: str, depth: int) -> str:
    """`html` without the start and end tags of the elements nested deeper than `depth`
    (counted as the tags are written: an element stays open until its end tag or its
    parent's); text, comments and every other byte are kept as they are. Linear: each open
    element is pushed and popped once."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    open_count: dict[str, int] = {}
    kept_depth = 0
    pos = copied = 0
    while True:
        match = _TOKEN.search(html, pos)
        if match is None:
            break
        pos = match.end()
        name = (match.group(2) or "").lower()
        if not name:
            continue  # a comment: copied with the text around it
        if match.group(1):  # an end tag
            if not open_count.get(name):
                continue  # closes nothing: libxml2 ignores it too
            while True:
                tag, kept = stack.pop()
                open_count[tag] -= 1
                kept_depth -= kept
                if tag == name:
                    break
            if not kept:
                out.append(html[copied:match.start()])
                copied = pos
            continue
        if name in _RAW_TEXT:
            end = re.compile(rf"</{name}\s*>", re.I).search(html, pos)
            pos = end.end() if end else len(html)
            continue
        if name in _VOID or match.group(3).rstrip().endswith("/"):
            continue
        # A table part needs room for its rows and cells below it: cut off between a table
        # and its cells, the text would stand in the table itself, which no cell holds.
        kept = kept_depth < (depth - _TABLE_ROOM if name in _TABLE_PARTS else depth)
        stack.append((name, kept))
        open_count[name] = open_count.get(name, 0) + 1
        kept_depth += kept
        if not kept:
            out.append(html[copied:match.start()])
            copied = pos
    out.append(html[copied:])
    return "".join(out)


def _too_deep(parser) -> bool:
    return any("depth" in entry.message for entry in parser.error_log)


def _parse_tree(html: str):
    root = etree.fromstring(html, _PARSER)
    if html.count("<") >= _TAG_COUNT_FOR_DEPTH and _too_deep(_PARSER):
        root = etree.fromstring(flatten(html, FLATTEN_DEPTH), _PARSER)
        if _too_deep(_PARSER):  # libxml2 nested deeper than the tags say: text only
            root = etree.fromstring(flatten(html, 2), _PARSER)
    return root


def parse_body(html: str):
    """The body as an lxml element (its tag is `body`) or None when there is nothing.

    Pitfalls handled: an XML/encoding declaration makes lxml refuse a str, so it is removed;
    a fragment is wrapped in <html><body> so that text before the first tag and several
    top-level elements all end up in one body (libxml2 would otherwise wrap stray text in <p>
    or keep only the first element); a full document keeps only its <body>; control
    characters go (xml_compatible), else the first text set on the tree fails; a body nested
    deeper than libxml2 parses is flattened below FLATTEN_DEPTH (flatten) instead of cut off.
    """
    if not html or not html.strip():
        return None
    html = xml_compatible(_XML_DECLARATION.sub("", html, count=1))
    references = "&#" in html and any(map(_is_incompatible_reference, _NUMERIC_REFERENCE.finditer(html)))
    html = _VOID_UNKNOWN_TO_LIBXML2.sub(lambda m: f"{m.group(0)}</{m.group(1)}>", html)
    if not _DOCUMENT.search(html):
        html = "<html><body>" + html + "</body></html>"
    root = _parse_tree(html)
    if root is None:
        return None
    body = root.find("body")
    if body is None:  # a document with a head only
        return None
    if references:
        _make_xml_compatible(body)
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
    HtmlElement.drop_tag, for plain lxml elements). For many elements of one tree, use
    unwrap_all: each unwrap() copies the text it merges into, and thousands of siblings
    unwrapped one by one merge into one ever longer text (quadratic)."""
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
        element.tail = None
    # Each child moves with its own tail; no index() scan of the parent's children.
    for child in list(element):
        element.addprevious(child)
    parent.remove(element)


# Temporary tags of the elements a batch removes or unwraps: upper case, which libxml2's HTML
# parser never leaves in a tag name (and strip_tags compares case-sensitively), so that no
# element of the body is taken along. (Not a namespace: its declaration would stay behind.)
_UNWRAP_TAG = "NEWSARCHIVE-UNWRAP"
_DROP_TAG = "NEWSARCHIVE-DROP"
_DROP, _UNWRAP = "drop", "unwrap"


def unwrap_all(root, elements) -> None:
    """unwrap() every element (all under `root`): the same tree as unwrapping them one by
    one, in time linear in the size of the tree."""
    _batch(root, {element: _UNWRAP for element in elements})


def remove_all_keep_tail(root, elements) -> None:
    """remove_keep_tail() every element (all under `root`), in time linear in the size of the tree."""
    _batch(root, {element: _DROP for element in elements})


def _batch(root, actions: dict) -> None:
    """Remove (_DROP: with its content, not its tail) or unwrap (_UNWRAP) every node of
    `actions` at once. The texts that join are planned first, each read once from the tree as
    it is; lxml's C functions then remove the elements (one walk over `root`, renamed to a
    temporary tag first), and each joined text is set once. (strip_tags alone leaves the
    joined text as thousands of adjacent text nodes, which lxml reads back by repeated
    concatenation.)"""
    actions = {node: action for node, action in actions.items() if node.getparent() is not None}
    if not actions:
        return
    tops = {}
    for node in actions:
        parent = node.getparent()
        if parent not in actions:
            tops[parent] = None
    runs: list = []
    for parent in tops:
        _plan_texts(parent, actions, runs)
    renamed = set()
    for node, action in actions.items():
        if not isinstance(node.tag, str):  # a comment or processing instruction: no content
            node.getparent().remove(node)
        else:
            node.tag = _UNWRAP_TAG if action == _UNWRAP else _DROP_TAG
            renamed.add(node.tag)
    if _DROP_TAG in renamed:
        etree.strip_elements(root, _DROP_TAG, with_tail=False)
    if _UNWRAP_TAG in renamed:
        etree.strip_tags(root, _UNWRAP_TAG)
    for owner, is_tail, pieces in runs:
        value = "".join(pieces) or None
        if is_tail:
            owner.tail = value
        else:
            owner.text = value


def _plan_texts(parent, actions: dict, runs: list) -> None:
    """Append (node, is_tail, pieces) to `runs` for every text of `parent`'s content that the
    actions change: the parent's text or a kept node's tail, with the texts and tails of the
    removed and unwrapped nodes that join it, in document order. Walks the unwrapped
    elements' content without recursion (they may nest deeply)."""
    owner, is_tail, touched = parent, False, False
    pieces = [parent.text] if parent.text else []
    stack = [(iter(parent), None)]
    while stack:
        children, unwrapped = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if unwrapped is not None and unwrapped.tail:
                pieces.append(unwrapped.tail)
            continue
        action = actions.get(node)
        if action is None:  # kept: its tail starts the next text
            if touched:
                runs.append((owner, is_tail, pieces))
            owner, is_tail, touched = node, True, False
            pieces = [node.tail] if node.tail else []
            continue
        touched = True
        if action == _UNWRAP and isinstance(node.tag, str):
            if node.text:
                pieces.append(node.text)
            stack.append((iter(node), node))
        elif node.tail:
            pieces.append(node.tail)
    if touched:
        runs.append((owner, is_tail, pieces))


def absolute_url(url: str | None, base_url: str) -> str:
    """`url` resolved against `base_url` (scheme-relative `//` URLs get https without a base);
    "" for no URL.

    Tabs and line breaks inside a URL are dropped (as browsers do) and spaces become %20 so
    that the URL stays one Markdown link destination.
    """
    url = _URL_NOISE.sub("", url or "").strip()
    if not url:
        return ""
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
    remove_all_keep_tail(root, list(root.iter(etree.Comment, etree.ProcessingInstruction)))


remove_comments.drops_text_of = frozenset()


def remove_scripts(root, base_url: str) -> None:
    """script, style, noscript and template elements, with their content (noscript content
    is what a reader without JavaScript would see: in a lazy-loading page it duplicates the
    real content, typically an <img>)."""
    remove_all_keep_tail(root, list(root.iter(*remove_scripts.drops_text_of)))


remove_scripts.drops_text_of = frozenset({"script", "style", "noscript", "template"})

# A style that hides the element: a `display: none` declaration (not `mso-display`, `--display`).
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*display\s*:\s*none\b", re.I)


def is_hidden(element) -> bool:
    """True for an element the page hides: a `hidden` attribute or a `display: none` style."""
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style) and "none" in style.lower() and _HIDDEN_STYLE.search(style) is not None


def remove_hidden(root, base_url: str) -> None:
    """Elements the page hides (is_hidden), with their content: no reader sees them (an
    e-mail's preview line, a sign-up form's thank-you note, a watermark). Their text is not
    visible text, so no tag is named in `drops_text_of`; the tests' visible text leaves
    hidden elements out the same way."""
    hidden = [element for element in root.iter(etree.Element) if element is not root and is_hidden(element)]
    remove_all_keep_tail(root, hidden)


remove_hidden.drops_text_of = frozenset()


def remove_active_content(root, base_url: str) -> None:
    """Embedded and interactive content that a Markdown archive cannot hold: frames, plug-ins,
    media players, form controls, svg drawings, and head-only elements found in bodies. A
    <form> itself is unwrapped (its text is kept), only its controls go."""
    remove_all_keep_tail(root, list(root.iter(*remove_active_content.drops_text_of)))
    unwrap_all(root, list(root.iter("form")))


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
    remove_all_keep_tail(root, [img for img in root.iter("img") if is_placeholder_image_url(img.get("src") or "")])


remove_placeholder_images.drops_text_of = frozenset()


def make_link_urls_absolute(root, base_url: str) -> None:
    """Every link href absolute (relative and `//` URLs resolved against base_url)."""
    for element in root.iter("a", "area"):
        href = element.get("href")
        if href is not None:
            element.set("href", absolute_url(href, base_url) or base_url)  # href="": the page itself


make_link_urls_absolute.drops_text_of = frozenset()

# Elements that mean something without text: never removed as "empty".
_KEEP_EMPTY = frozenset({"img", "hr", "br", "wbr", "td", "th", "tr", "thead", "tbody", "tfoot", "col", "colgroup", "body"})
_NOT_CONTENT = frozenset({"br", "wbr"})


def remove_empty_wrappers(root, base_url: str) -> None:
    """Elements with no text and no image, recursively (children first). Never drops text: an
    emptied element that held white space, or was a block, leaves one space behind so that
    the words around it are not glued together.

    Decided children first, as if each empty element were removed at once (its tail, with
    that space, joining the text before it); removed together at the end (linear): an
    element is empty when its own text and every child's tail are blank and each child is
    empty itself or a line break, and it had space when any of those strings was not "".
    """
    empty = set()
    for element in reversed(list(root.iter(etree.Element))):
        if element.tag in _KEEP_EMPTY or element.getparent() is None:
            continue
        if element.text and element.text.strip():
            continue
        if any((child.tag not in _NOT_CONTENT and child not in empty) or (child.tail and child.tail.strip())
               for child in element):
            continue
        had_space = bool(element.text) or any(child.tail for child in element)
        if had_space or element.tag in _BLOCKS:
            element.tail = " " + (element.tail or "")
        empty.add(element)
    remove_all_keep_tail(root, empty)


remove_empty_wrappers.drops_text_of = frozenset()

_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "main", "nav", "figure",
    "figcaption", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "pre", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "center", "details", "summary",
})

RULES = (
    remove_comments,
    remove_scripts,
    remove_hidden,
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

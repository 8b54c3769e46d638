"""Clean body HTML -> the Markdown of an archive file (html2text, configured and corrected).

html2text writes the block structure; emphasis is placed by this module, since html2text's
breaks CommonMark's rules around Chinese text, and text is escaped here. Why and how:
docs/markdown.md.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata

import html2text
from lxml import etree

from crawler.html_clean import non_negative_integer, parse_body, remove_all_keep_tail, unwrap_all

# Noncharacters (never in interchanged text) mark emphasis between the tree and the output.
STRONG_OPEN, STRONG_CLOSE, EM_OPEN, EM_CLOSE = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
_MARKERS = {STRONG_OPEN: ("**", STRONG_CLOSE), EM_OPEN: ("*", EM_CLOSE)}
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")
_EMPHASIS_MARKERS = re.compile("[\ufdd0-\ufdd3]")

_STRONG_TAGS = ("strong", "b")
_EM_TAGS = ("em", "i")
_EMPHASIS_TAGS = frozenset(_STRONG_TAGS + _EM_TAGS)

# Block elements html2text does not know (it would run their text into the neighbours').
_AS_DIV = frozenset({
    "section", "article", "header", "footer", "aside", "main", "nav", "figure", "address",
    "center", "details", "summary", "hgroup", "picture",
})
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "tr", "td", "th", "blockquote", "pre", "hr", "figcaption",
}) | _AS_DIV


class _Converter(html2text.HTML2Text):
    """html2text with our escaping instead of its partial one (entity_char=True is the only
    way to make its handle_data skip escape_md_section), fed from an lxml tree.

    html2text is an html.parser.HTMLParser: its `handle(html)` tokenises the HTML in pure
    Python, the largest single cost of an article in the benchmark's profile (a quarter of the
    conversion), although the body is already parsed (by lxml, in C). `convert_tree` instead
    walks the tree and makes the very calls html.parser would make on lxml's serialisation of
    it, so the Markdown is byte for byte the same (tests/test_body_conversion.py compares both
    over every real body):
      - start tags with the attributes in document order; URI attributes (href, src) as the
        serialiser writes them (libxml2 percent-encodes spaces and non-ASCII in them);
      - no end tag, and no content, for the elements the serialiser writes as void;
      - text in the same chunks: html.parser ends a chunk at every `&` and `<`, and the
        serialiser writes `&`, `<` and `>` of the text as entity references, which html.parser
        hands over one by one (handle_entityref); script/style text raw, in one chunk;
      - comments and processing instructions are dropped (html2text ignores them), their
        tails are text.
    One difference, on purpose: an attribute without value (`<ol start>`) is "" here, where
    html.parser gives None, on which html2text's list numbering fails an assertion.
    """

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if data and not self.code and not self.pre:
            data = escape_text(data)
        super().handle_data(data, entity_char=True)

    def convert_tree(self, root, *, include_root: bool = False) -> str:
        """The Markdown of `root`'s content (and of `root` itself with include_root), as
        `handle(serialised html)` would return it."""
        self.start = True  # as handle() does before feeding
        text = self._feed_text
        # lxml's iterwalk walks in C, without recursion (a hostile body may nest deeper than
        # Python's limit); skip_subtree() leaves out a void element's content.
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        for event, node in walker:
            tag = node.tag
            if event == "start":
                if node is root and not include_root:
                    if node.text:
                        text(node.text, tag in _RAW_TEXT_TAGS)
                elif tag is etree.Entity:
                    self.handle_entityref(node.name)
                else:
                    self._start(node)
                    if tag in _VOID_TAGS:
                        walker.skip_subtree()
                    elif node.text:
                        text(node.text, tag in _RAW_TEXT_TAGS)
            elif event == "end":
                if tag is not etree.Entity and tag not in _VOID_TAGS and (node is not root or include_root):
                    self.handle_endtag(tag)
                if node is not root and node.tail:
                    text(node.tail)
            elif node.tail:
                # A comment or processing instruction: html2text ignores them, not their tail.
                text(node.tail)
        return self.optwrap(self.finish())

    def _start(self, element) -> None:
        attrs = element.items()
        if attrs:
            attrs = [(name, _serialised_uri(value) if name in _URI_ATTRIBUTES else value) for name, value in attrs]
        self.handle_starttag(element.tag, attrs)

    def _feed_text(self, text: str, raw: bool = False) -> None:
        if raw or not _TEXT_ENTITIES.search(text):
            self.handle_data(text)
            return
        pos = 0
        for match in _TEXT_ENTITIES.finditer(text):
            if match.start() > pos:
                self.handle_data(text[pos:match.start()])
            self.handle_entityref(_ENTITY_NAMES[match.group()])
            pos = match.end()
        if pos < len(text):
            self.handle_data(text[pos:])


def _serialiser_void_tags() -> frozenset:
    """Tags lxml's HTML serialiser writes without end tag (and without content): libxml2's
    empty elements, read off the serialiser itself from every HTML 4/5 void element name."""
    candidates = ("area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr",
                  "image", "img", "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid",
                  "param", "source", "track", "wbr")
    return frozenset(tag for tag in candidates
                     if not etree.tostring(etree.Element(tag), method="html", encoding="unicode").endswith("</%s>" % tag))


_VOID_TAGS = _serialiser_void_tags()
# Elements whose text the serialiser writes unescaped and html.parser reads as one raw chunk.
_RAW_TEXT_TAGS = frozenset({"script", "style"})
_TEXT_ENTITIES = re.compile("[&<>]")
_ENTITY_NAMES = {"&": "amp", "<": "lt", ">": "gt"}
# Attributes that libxml2 URI-escapes when it serialises them (of those html2text reads).
_URI_ATTRIBUTES = frozenset({"href", "src"})
_SERIALISED_ATTRIBUTE = re.compile(r"""^<a href=(?:"([^"]*)"|'([^']*)')""")


def _serialised_uri(value: str) -> str:
    """A URI attribute's value as html.parser reads it from lxml's serialisation."""
    if value.isascii() and value.isprintable() and " " not in value:
        # libxml2 escapes white space and non-ASCII only (and strips leading white space);
        # what else it escapes (`&`, `"`) html.parser unescapes again.
        return value
    element = etree.Element("a", href=value)
    match = _SERIALISED_ATTRIBUTE.match(etree.tostring(element, method="html", encoding="unicode"))
    if match is None:
        return value
    return htmllib.unescape(match.group(1) if match.group(1) is not None else match.group(2))


def _converter() -> _Converter:
    h = _Converter(bodywidth=0)
    h.unicode_snob = True  # keep unicode characters (no ASCII look-alikes)
    h.inline_links = True
    h.protect_links = False
    h.wrap_links = False
    h.wrap_list_items = False
    h.wrap_tables = False
    h.pad_tables = False
    h.ignore_images = False
    h.images_to_alt = False
    h.images_with_size = False
    h.ignore_emphasis = True  # emphasis is ours (docs/markdown.md)
    h.use_automatic_links = False
    h.skip_internal_links = False
    h.single_line_break = False
    h.escape_snob = False
    h.ul_item_mark = "-"
    h.emphasis_mark = "*"
    return h


# ------------
# Escaping of text that looks like Markdown

# Everywhere: characters that start inline syntax. `<` could open raw HTML or an autolink,
# `&` an entity, `|` a table cell, `[`/`]` a link, `*`/`_` emphasis, backtick code.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<|&])|!$")
# At the start of a text chunk (which may start a line): block syntax. Escaping it where the
# chunk turns out not to start a line is harmless (`\#` renders `#`).
# (An emphasis marker of ours may stand before it: `<b>###</b>` is still `###` at a line start.)
_LINE_START = re.compile(r"^([\s\ufdd0-\ufdd3]*)(?:([#>+=~-])|(\d+)([.)]))")


# Two or more `~`: strikethrough in Hugo's goldmark (one `~` is text there).
_TILDES = re.compile("~{2,}")


def escape_text(text: str) -> str:
    # A chunk ending in "!" may be followed by a link: "![" would make it an image.
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + (m.group(1) or m.group(0)), text)
    if "~~" in text:
        text = _TILDES.sub(lambda m: "\\~" * len(m.group(0)), text)
    return _LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4)), text)


# ------------
# One line of plain text as Markdown (the summary, the closing link's label)

# Escaped wherever they stand: backslash, code, links, raw HTML and autolinks. `*` where the
# text has two runs of it or more (emphasis needs an opening and a closing run: the one `*` of
# `7*24小时` shows as written); `_` only where it can open or close emphasis (a run between two
# letters or digits cannot: `tipranks_others` stays as it is); `~` in runs of two or more
# (strikethrough, a `~~~` fence); `&` where it starts an entity reference; `%` right after `{{`
# (a shortcode call for markdownify, which expands them).
_LINE_INLINE = re.compile(r"[\\`\[\]<]|\*+|_+|~{2,}|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)|(?<=\{\{)%")
_STAR_RUN = re.compile(r"\*+")
# Block syntax at the start of the line: a heading, quote, list item or thematic break.
_LINE_BLOCK = re.compile(r"^(?:#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|-(?=[ \t]*-[ \t]*-[ \t-]*$)|\*(?=\*{2,}[ \t]*$)"
                         r"|(\d{1,9})(?=[.)](?:[ \t]|$)))")


def escape_line(text: str) -> str:
    """Markdown that renders (CommonMark with GFM's strikethrough, as Hugo's goldmark) to
    exactly `text`, one line of plain text; text without any of these characters is returned
    as it is. White space at the ends is kept (the caller strips it)."""

    stars = len(_STAR_RUN.findall(text)) > 1

    def inline(m: re.Match) -> str:
        run = m.group(0)
        if run[0] == "*" and not stars:
            return run
        if run[0] == "_":
            before = text[m.start() - 1] if m.start() else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if before.isalnum() and after.isalnum():
                return run
        return "".join("\\" + c for c in run)

    text = _LINE_INLINE.sub(inline, text)
    text = text.replace("\\<!--more-->", "\\<!-\\-more-->")  # Hugo's summary divider
    start = len(text) - len(text.lstrip())
    # A list number keeps its digits: `1\. x`; any other block marker gets the backslash.
    return text[:start] + _LINE_BLOCK.sub(lambda m: m.group(1) + "\\" if m.group(1) else "\\" + m.group(0),
                                          text[start:], count=1)


# ------------
# What Hugo reads before goldmark does (docs/hugo.md): `{{<` and `{{%` open a shortcode call
# wherever they stand, also in code; the first `<!--more-->` is the summary divider. Hugo's
# own escape is a shortcode comment: `{{</* x */>}}` is read as the text `{{< x >}}`.

_HUGO_OPENER = re.compile(r"\{\{([<%])")
_HUGO_CLOSER = {"<": ">}}", "%": "%}}"}
HUGO_DIVIDER = "<!--more-->"


def protect_from_hugo(markdown: str) -> str:
    """Markdown that Hugo's lexer hands to goldmark as `markdown` itself, with no shortcode
    call and no summary divider (docs/hugo.md); unchanged when it holds neither.

    With a `<!--more-->`, the whole body is one comment whose ends stand in HTML comments;
    else each `{{<`/`{{%` is a comment up to its own closing delimiter (one without is closed
    after the body, hidden). A body holding `<!--more-->` and both comment ends cannot be
    wrapped: its dividers are written `<!-\\-more-->` (exact in text, not in code).
    """
    has_divider = HUGO_DIVIDER in markdown
    if not has_divider and not _HUGO_OPENER.search(markdown):
        return markdown
    if has_divider:
        for kind, closer in _HUGO_CLOSER.items():
            if "*/" + closer not in markdown:
                return f"<!-- {{{{{kind}/* -->\n\n{markdown}\n\n<!-- */{closer} -->"
        markdown = markdown.replace(HUGO_DIVIDER, "<!-\\-more-->")
    out = []
    pos = 0
    for_end = ""
    while True:
        opener = _HUGO_OPENER.search(markdown, pos)
        if opener is None:
            break
        closer = _HUGO_CLOSER[opener.group(1)]
        end = markdown.find(closer, opener.end())
        out.append(markdown[pos:opener.end()] + "/*")
        if end < 0:
            pos = opener.end()
            for_end = f"\n\n<!-- */{closer} -->"
            break
        out.append(markdown[opener.end():end] + "*/" + closer)
        pos = end + len(closer)
    out.append(markdown[pos:])
    return "".join(out) + for_end


# ------------
# Tree rewriting before html2text


def _has_ancestor(element, tags) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _mark(element, open_marker: str, close_marker: str) -> None:
    element.text = open_marker + (element.text or "")
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + close_marker
    else:
        element.text += close_marker


_KEPT_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "start", "colspan"})


# Only http(s) URLs are written (FORMAT.md): a link to anything else (`data:`, `javascript:`,
# `mailto:`, a path left relative) keeps its text and loses its URL, as html_clean does with
# `javascript:` links; an image without an http(s) URL is left out, as html_clean does with
# `javascript:` and `data:` images.
_WEB_URL = re.compile(r"^https?://[^/?#\s]", re.I)


def _prepare(body) -> None:
    # Only the attributes html2text reads: style/class attributes are most of qq's bytes.
    for element in body.iter(etree.Element):
        for name in [n for n in element.attrib if n not in _KEPT_ATTRIBUTES]:
            del element.attrib[name]
    for element in body.iter("a", "area", "img"):
        name = "src" if element.tag == "img" else "href"
        url = element.get(name)
        if url is not None and not _WEB_URL.match(url.strip()):
            del element.attrib[name]
    for element in list(body.iter(*_AS_DIV)):
        element.tag = "div"
    # figcaption: its own paragraph under the image.
    for element in list(body.iter("figcaption")):
        element.tag = "p"
    # Table parts outside any table (broken markup): a browser ignores those tags and shows
    # their text, html2text would write table syntax for them.
    for element in [e for e in body.iter("tr", "td", "th", "thead", "tbody", "tfoot", "caption") if _nearest_table(e) is None]:
        element.tag = "div" if element.tag in ("tr", "caption") else "span"
        if element.tag == "span":
            element.tail = " " + (element.tail or "")
    _unwrap_layout_tables(body)
    # A link inside a link cannot be written in Markdown: the inner one is unwrapped.
    unwrap_all(body, [a for a in body.iter("a") if _has_ancestor(a, ("a",))])
    line_breaks = []
    for link in body.iter("a"):
        # A title is not shown, and html2text writes it unescaped (a `"` in it breaks the
        # link); line breaks inside link text would end the link at a blank line.
        link.attrib.pop("title", None)
        # Link text is inline: blocks inside a link (a list of logos) become inline runs.
        for inner in [d for d in link.iter() if d is not link and d.tag in _BLOCK_TAGS]:
            inner.tag = "span"
            inner.tail = " " + (inner.tail or "")
        for br in link.iter("br"):
            br.tail = " " + (br.tail or "")
            line_breaks.append(br)
    remove_all_keep_tail(body, line_breaks)
    for img in body.iter("img"):
        if '"' in (img.get("title") or "") or ")" in (img.get("title") or ""):
            del img.attrib["title"]
    # html2text writes an abbreviation's title as a `*[abbr]: title` line at the end, which
    # CommonMark shows as text (and an empty one when the title has no value).
    for abbr in body.iter("abbr", "acronym"):
        abbr.attrib.pop("title", None)
    # Decide for every emphasis element before changing any (an unwrapped outer element
    # must still count as the ancestor of the inner ones).
    decisions = [
        (element, _has_ancestor(element, _EMPHASIS_TAGS) or any(d.tag in _BLOCK_TAGS for d in element.iter()))
        for element in body.iter(*_EMPHASIS_TAGS)
    ]
    for element, drop in decisions:
        if drop:
            continue
        if element.tag in _STRONG_TAGS:
            _mark(element, STRONG_OPEN, STRONG_CLOSE)
        else:
            _mark(element, EM_OPEN, EM_CLOSE)
    # All at once (linear): one by one, thousands of siblings merge into one ever longer text.
    unwrap_all(body, [element for element, _drop in decisions])


# ------------
# Emphasis placement after html2text

_WHITESPACE = re.compile(r"\s")
_ESCAPED_EDGE = re.compile(r"^\\[!-/:-@\[-`{-~]")


def _is_punct(char: str) -> bool:
    # CommonMark 0.31 punctuation: ASCII punctuation, Unicode P* and S* categories.
    return unicodedata.category(char)[0] in "PS"


def _can_open(prev: str, nxt: str) -> bool:
    if not nxt or nxt.isspace():
        return False
    return not _is_punct(nxt) or not prev or prev.isspace() or _is_punct(prev)


def _can_close(prev: str, nxt: str) -> bool:
    if not prev or prev.isspace():
        return False
    return not _is_punct(prev) or not nxt or nxt.isspace() or _is_punct(nxt)


_CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SYNTAX_EDGE = set("\\[]()!<>`*_")


def _emphasise(out: list[str], inner: str, mark: str, following: str) -> None:
    """Append `inner` to `out` wrapped in `mark` where CommonMark will render it."""
    stripped = inner.strip()
    last = next((piece for piece in reversed(out) if piece), "")
    if (not stripped or "\n\n" in stripped.replace(" ", "")
            # Emphasis of punctuation alone is invisible; and a run touching another run's
            # marker (`**A***.*`) makes a delimiter run CommonMark cannot split.
            or not any(c.isalnum() for c in stripped)
            or (last.endswith("*") and not last.endswith("\\*") and not inner[:1].isspace())
            or (following.startswith("*") and not inner[-1:].isspace())):
        out.append(inner)
        return
    start = inner.index(stripped[0])
    lead, trail = inner[:start], inner[start + len(stripped):]
    if trail and _CJK.match(following[:1]):
        # White space the source had inside the run, before a CJK character: not meaningful
        # in Chinese, and `** 中` reads like html2text's fault (a).
        trail = ""
    prev = lead[-1:] if lead else last[-1:]
    nxt = trail[:1] if trail else following[:1]
    before, after = "", ""
    if not _can_open(prev, stripped[0]):
        match = _ESCAPED_EDGE.match(stripped)
        edge = match.group(0) if match else stripped[0]
        if edge[0] in _SYNTAX_EDGE and not match:
            out.append(inner)
            return
        rest = stripped[len(edge):]
        before, stripped = edge + rest[: len(rest) - len(rest.lstrip())], rest.lstrip()
    if before and len(stripped) > 1 and _is_punct(stripped[-1]) and stripped[-2:-1] != "\\" and stripped[-1] not in _SYNTAX_EDGE:
        # The opening punctuation went outside: its partner goes too (`“**青禾**”`, not
        # `“**青禾”**`).
        after, stripped = stripped[-1], stripped[:-1].rstrip()
    elif stripped and not _can_close(stripped[-1], nxt):
        edge = stripped[-2:] if len(stripped) >= 2 and stripped[-2] == "\\" else stripped[-1]
        if edge[0] in _SYNTAX_EDGE and len(edge) == 1:
            out.append(inner)
            return
        rest = stripped[: -len(edge)]
        space = rest[len(rest.rstrip()):]
        if _CJK.match(edge):
            space = ""  # `**编辑** ｜` would be a stray space before full-width punctuation
        stripped, after = rest.rstrip(), space + edge
    if not stripped or not _can_open(before[-1:] or prev, stripped[0]) or not _can_close(stripped[-1], after[:1] or nxt):
        out.append(f"{lead}{before}{stripped}{after}{trail}")  # the text, without emphasis
        return
    out.append(f"{lead}{before}{mark}{stripped}{mark}{after}{trail}")


_SPACE_BEFORE_CJK = re.compile("[ \t\u00a0]+(?=[\ufdd0-\ufdd3]*[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")
_TOUCHING_RUNS = re.compile(r"(?<![*\\])\*\*\*\*(?!\*)")
_PAIR = re.compile("([\ufdd0\ufdd2])([^\ufdd0-\ufdd3]*)([\ufdd1\ufdd3])")
_ADJACENT = re.compile("\ufdd1\ufdd0|\ufdd3\ufdd2")


def _place_emphasis(markdown: str) -> str:
    if STRONG_OPEN not in markdown and EM_OPEN not in markdown:
        return markdown
    markdown = _ADJACENT.sub("", markdown)  # <b>a</b><b>b</b> is one run
    out: list[str] = []
    pos = 0
    for match in _PAIR.finditer(markdown):
        if match.start() < pos:
            continue
        out.append(markdown[pos:match.start()])
        pos = match.end()
        # A space between the bold run and a following CJK character is dropped: FORMAT.md
        # wants no stray spaces between Chinese characters and bold text.
        space = _SPACE_BEFORE_CJK.match(markdown, pos)
        if space:
            pos = space.end()
        following = _EMPHASIS_MARKERS.sub("", markdown[pos:pos + 8])
        _emphasise(out, match.group(2), _MARKERS[match.group(1)][0], following)
    out.append(markdown[pos:])
    # Two runs that touch after placement (`**a****b**`, e.g. around an emptied element) are
    # one run: a `****` delimiter run would not render.
    return _TOUCHING_RUNS.sub("", _EMPHASIS_MARKERS.sub("", "".join(out)))


# ------------

_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_TOP_LIST_ITEM = re.compile(r"^  (?:-|\d+\.) ")


def _dedent_lists(markdown: str) -> str:
    """html2text indents top-level list items by two spaces. The archive strips the body, so
    a body starting with a list would lose the indent of its first item only, and the next
    items would then nest under it. Top-level lists (with everything indented inside them)
    are moved two columns left, which CommonMark reads the same way."""
    if "\n  " not in "\n" + markdown:
        return markdown
    lines = markdown.split("\n")
    in_list = previous_blank = False
    for index, line in enumerate(lines):
        if _TOP_LIST_ITEM.match(line):
            in_list = True
        elif in_list and previous_blank and line and not line[0].isspace():
            in_list = False
        if in_list and line.startswith("  "):
            lines[index] = line = line[2:]
        previous_blank = not line.strip()
    return "\n".join(lines)


# A line indented four columns or more, after any quote markers (html2text indents a <dd> so).
_DEEP_INDENT = re.compile(r"^((?:> ?)*)((?: {0,3}\t| {4})[ \t]*)(?=\S)", re.M)
_ITEM_START = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_QUOTE_PREFIX = re.compile(r"(?:> ?)*")


def _unindent_paragraphs(markdown: str) -> str:
    """Outside lists, a line indented four columns or more would start an indented code
    block (showing `![..](..)` as text): its leading white space goes, which changes nothing
    where it continues a paragraph. Runs before the code blocks are put in (no code yet)."""
    if not _DEEP_INDENT.search(markdown):
        return markdown
    lines = markdown.split("\n")
    in_list: dict[str, bool] = {}  # per quote prefix: inside a list?
    previous_blank: dict[str, bool] = {}
    for index, line in enumerate(lines):
        prefix = _QUOTE_PREFIX.match(line).group(0)
        key = prefix.replace(" ", "")
        content = line[len(prefix):]
        if _ITEM_START.match(content):
            in_list[key] = True
        elif in_list.get(key) and previous_blank.get(key) and content and not content[0].isspace():
            in_list[key] = False
        if not in_list.get(key):
            match = _DEEP_INDENT.match(line)
            if match:
                lines[index] = line = match.group(1) + line[match.end():]
        previous_blank[key] = not content.strip()
    return "\n".join(lines)


# At this point html2text's own list items are indented (two spaces or more): a list marker
# at column 0 (or right after a quote's `> `) comes from text split over several elements
# (`<span>01</span><span>.</span>`), which escape_text could not see as a whole.
_FALSE_LIST_ITEM = re.compile(r"^((?:> ?)*)(?:(\d{1,9})([.)])|([-+*]))(?=[ \t]|$)", re.M)


def _escape_false_list_items(markdown: str) -> str:
    def escape(match: re.Match) -> str:
        if match.group(2):
            return f"{match.group(1)}{match.group(2)}\\{match.group(3)}"
        return f"{match.group(1)}\\{match.group(4)}"

    return _FALSE_LIST_ITEM.sub(lambda m: m.group(0) if _is_rule(m) else escape(m), markdown)


# A line starting `: ` right under a line of text is a definition in Hugo's goldmark (its
# definition list extension): text after a <br> can start so.
_FALSE_DEFINITION = re.compile(r"(?<=[^\n])\n((?:> ?)*[ \t]*):(?=[ \t])")


def _is_rule(match: re.Match) -> bool:
    # html2text writes <hr> as "* * *" at column 0.
    line_end = match.string.find("\n", match.start())
    return match.string[match.start(): line_end if line_end >= 0 else None] == "* * *"


# ------------
# Tables. html2text's tables do not render as CommonMark+GFM tables in general (no header row,
# colspans, line breaks in cells), so data tables are written here, as GFM tables, and
# layout tables (holding other tables or block content) are unwrapped into blocks.

_LAYOUT_CONTENT = frozenset({"table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "hr"})
_TABLE_PLACEHOLDER = re.compile("\ufdd4(\\d+)\ufdd5")


def _unwrap_layout_tables(body) -> None:
    columns, groups = [], []
    for table in [t for t in body.iter("table")]:
        if any(d.tag in _LAYOUT_CONTENT for d in table.iter() if d is not table):
            own = [e for e in table.iter("tr", "td", "th", "caption", "thead", "tbody", "tfoot", "colgroup", "col")
                   if _nearest_table(e) is table]
            for element in own:
                if element.tag == "col":
                    columns.append(element)
                elif element.tag in ("thead", "tbody", "tfoot", "colgroup"):
                    groups.append(element)
                else:
                    element.tag = "div"
            table.tag = "div"
    remove_all_keep_tail(body, columns)
    unwrap_all(body, groups)


def _nearest_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


_CELLS = frozenset({"td", "th"})
_TABLE_STRUCTURE = frozenset({"thead", "tbody", "tfoot", "tr", "colgroup", "col"})


def _table_content(table) -> tuple[list, list]:
    """(rows, stray) of a data table, in document order. rows: each row's cells (the cells of
    a <tr>; a run of cells standing in the table or a row group without one is a row, as a
    browser makes it). stray: what stands outside every cell (texts, a caption, any other
    element), strings and elements, which a GFM table has no place for."""
    rows, stray = [], []
    loose_parent = None  # the container of the row of loose cells being gathered
    walker = etree.iterwalk(table, events=("start", "end"))
    for event, node in walker:
        if event == "end":
            if node is loose_parent:
                loose_parent = None
            if node is not table and node.tail:
                stray.append(node.tail)
            continue
        if node is table or node.tag in _TABLE_STRUCTURE:
            if node.text:
                stray.append(node.text)
            if node.tag == "tr":
                cells = [c for c in node if c.tag in _CELLS]
                if cells:
                    rows.append(cells)
            if node is not table:
                loose_parent = None
            continue
        walker.skip_subtree()  # a cell or a stray element: taken whole
        if node.tag not in _CELLS:
            stray.append(node)
        elif node.getparent().tag != "tr":
            if loose_parent is not node.getparent():
                loose_parent = node.getparent()
                rows.append([])
            rows[-1].append(node)
    return rows, stray


def _foster_parent(table, stray: list) -> None:
    """Put what a table holds outside its cells into a block before it, as a browser's foster
    parenting does, and its caption right above it, where a browser shows it: never lost."""
    if not any(not isinstance(piece, str) or piece.strip() for piece in stray):
        return
    block = etree.Element("div")
    last, captions = None, []
    for piece in stray:
        if isinstance(piece, str):
            if last is None:
                block.text = (block.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
        elif piece.tag == "caption":
            piece.tag = "div"
            captions.append(piece)
        else:
            block.append(piece)
            piece.tail = None
            last = piece
    for caption in captions:
        block.append(caption)
        caption.tail = None
    table.addprevious(block)
    block.tail = None


def _cell_markdown(cell) -> str:
    for br in list(cell.iter("br", "p", "div", "li")):
        br.tail = " " + (br.tail or "")
    cell.tag = "div"
    cell.tail = None
    text = _convert(cell, include_root=True)
    return re.sub(r"\s+", " ", text).strip()


# The columns of a cell's span written: past these, empty columns say nothing more, and a
# span up to HTML's 1,000 would make a few bytes of a page into kilobytes of `|  |`.
_SPAN_COLUMNS = 50


def _colspan(cell) -> int:
    """A cell's colspan as a browser reads it: 1 without a number or for 0, at most 1000."""
    return non_negative_integer(cell.get("colspan"), 1000) or 1


def _extract_tables(body) -> list[str]:
    """Replace each remaining (data) table by a placeholder paragraph; return the tables'
    GFM Markdown, in placeholder order."""
    tables = []
    for table in list(body.iter("table")):
        content, stray = _table_content(table)
        _foster_parent(table, stray)
        rows = []
        for cells in content:
            row = []
            for cell in cells:
                row.append(_cell_markdown(cell))
                row.extend([""] * (min(_colspan(cell), _SPAN_COLUMNS) - 1))
            rows.append(row)
        replacement = etree.Element("p")
        if rows:
            width = max(len(row) for row in rows)
            # GFM leaves out the cells of a row past the header's and fills a shorter row
            # with empty ones: only the header is written as wide as the widest row.
            rows[0].extend([""] * (width - len(rows[0])))
            lines = ["| " + " | ".join(row) + " |" for row in rows]
            lines.insert(1, "|" + " --- |" * width)
            replacement.text = f"\ufdd4{len(tables)}\ufdd5"
            tables.append("\n".join(lines))
        replacement.tail = table.tail
        table.getparent().replace(table, replacement)
    return tables


def _extract_preformatted(body, blocks: list[str]) -> None:
    """Replace each <pre> by a placeholder paragraph; append its fenced code block to `blocks`.

    html2text writes <pre> as an indented code block, which the list handling around it can
    shift (a `<pre>` after a list loses its indent and `-----` lines become headings); a
    fenced block keeps the text whatever the indentation."""
    for pre in list(body.iter("pre")):
        if _has_ancestor(pre, ("pre",)):
            continue
        for br in list(pre.iter("br")):
            br.tail = "\n" + (br.tail or "")
        text = "".join(pre.itertext()).strip("\n")
        fence = "`" * max(3, max((len(run) for run in re.findall("`+", text)), default=0) + 1)
        replacement = etree.Element("p")
        replacement.text = f"\ufdd4{len(blocks)}\ufdd5"
        replacement.tail = pre.tail
        blocks.append(f"{fence}\n{text}\n{fence}" if text.strip() else "")
        pre.getparent().replace(pre, replacement)


def _insert_tables(markdown: str, tables: list[str]) -> str:
    def insert(match: re.Match) -> str:
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        prefix = markdown[line_start:match.start()]  # "> " inside a quote
        return tables[int(match.group(1))].replace("\n", "\n" + prefix)

    return _TABLE_PLACEHOLDER.sub(insert, markdown)


# html2text writes a list item whose content is a list as `-     - item` (or `1.  - item`);
# CommonMark reads content indented by five or more columns as a code block.
_LIST_MARKER_GAP = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])) {2,}(?=[-*+]|\d{1,9}[.)] )", re.M)


def _convert(root, *, include_root: bool = False) -> str:
    """html2text + our corrections on a prepared tree."""
    return _corrected(_converter().convert_tree(root, include_root=include_root))


def _corrected(markdown: str) -> str:
    """Our corrections of html2text's output."""
    markdown = _LIST_MARKER_GAP.sub(r"\1 ", markdown)
    markdown = _FALSE_DEFINITION.sub(r"\n\1\\:", markdown)
    return _place_emphasis(_escape_false_list_items(markdown))


def html_to_markdown(clean_html: str) -> str:
    """Markdown of a cleaned body (see crawler.html_clean), stripped; "" for no body."""
    if not clean_html or not clean_html.strip():
        return ""
    body = parse_body(_NONCHARACTERS.sub("", clean_html))
    if body is None:
        return ""
    return body_to_markdown(body)


def has_noncharacters(html: str) -> bool:
    return _NONCHARACTERS.search(html) is not None


def strip_noncharacters(body) -> None:
    """Remove noncharacters from a tree's text and attributes: our emphasis and placeholder
    markers are noncharacters, so any in the source go first. URLs keep them: written out,
    they are percent-encoded (`%EF%B7%90`), as in the serialised HTML html_to_markdown reads."""
    for element in body.iter():
        if element.text and _NONCHARACTERS.search(element.text):
            element.text = _NONCHARACTERS.sub("", element.text)
        if element.tail and _NONCHARACTERS.search(element.tail):
            element.tail = _NONCHARACTERS.sub("", element.tail)
        if isinstance(element.tag, str):
            for name, value in element.items():
                if name not in _URI_ATTRIBUTES and _NONCHARACTERS.search(value):
                    element.set(name, _NONCHARACTERS.sub("", value))


def body_to_markdown(body) -> str:
    """Markdown of a cleaned body element (its tag `body`, as crawler.html_clean leaves it),
    stripped. The element is used up (rewritten for html2text). It must hold no noncharacter
    (has_noncharacters / strip_noncharacters)."""
    _prepare(body)
    tables = _extract_tables(body)
    _extract_preformatted(body, tables)
    markdown = _unindent_paragraphs(_dedent_lists(_convert(body)))
    if tables:
        markdown = _insert_tables(markdown, tables)
    return protect_from_hugo(_MANY_BLANK_LINES.sub("\n\n", markdown).strip())

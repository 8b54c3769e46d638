"""The main text of an article page, without the page's chrome: the generic source's body.

`article_body(html, title)` returns the article's HTML (images, figures, captions, links,
tables kept) or "" when the page has no article text. A Readability-style extraction on one
lxml tree, written for news pages in any language (CJK text weighed by characters): how it
decides, and why each rule, is in docs/extraction.md.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.html_clean import _VOID_UNKNOWN_TO_LIBXML2, _XML_DECLARATION, remove_all_keep_tail

_PARSER = etree.HTMLParser(recover=True, remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)

# Never content: taken out with their text before anything is measured.
JUNK_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "canvas", "svg",
             "button", "input", "select", "textarea", "option", "label", "link", "meta", "dialog", "map",
             "nav", "aside", "head", "title", "frame", "frameset", "audio", "video", "source", "track")
_UNLIKELY_ROLES = frozenset({"menu", "menubar", "complementary", "navigation", "alert", "alertdialog",
                             "dialog", "banner", "contentinfo", "search", "toolbar", "tablist"})


def _word_start(*names: str) -> re.Pattern:
    """Names matched at the start of a word of a class or id (`sidebar-left`, `articleComments`
    once camelCase is split) but not inside one (`photo` holds no `hot`, `NbsNS8` no `sns`)."""
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(names) + ")")


# A class or id naming page chrome (Readability's list, and the usual Chinese site names)...
_UNLIKELY = _word_start(
    "combx", "comment", "community", "disqus", "extra", "foot", "header", "menu", "remark", "rss", "shoutbox",
    "sidebar", "sponsor", "ad-break", "agegate", "pagination", "pager", "popup", "tweet", "twitter", "breadcrumb",
    "crumb", "share", "sharing", "social", "sns", "related", "relate", "recommend", "tuijian", "xgxw", "xgyd",
    "newsletter", "subscribe", "signup", "login", "cookie", "gdpr", "banner", "advert", "outbrain", "taboola",
    "promo", "copyright", "statement", "disclaimer", "hotnews", "hot-news", "ranking", "paihang", "most-?popular",
    "trending", "you-may", "also-like", "guess", "toolbar", "topbar", "masthead", "navbar", "nav(?:igation)?(?![a-z])",
    "signature", "qrcode", "erweima", "download-app", "more-(?:stories|news|articles|posts)", "morestories",
    "stream", "teaser")
# ...unless it also names content (`comment-content` is still a comment: see _COMMENTS).
_MAYBE = re.compile(r"and|article|body|column|content|main|shadow|detail|text|post")
# Comment threads, replies and forum posters' panels: removed whatever else the name says.
_COMMENTS = re.compile(r"(?<![a-z0-9])(?:comments?|cmts?|disqus|replies|reply|respond|pinglun|tie|"
                       r"discuss|discussion|userinfo|user-info|user-details|usercard|postauthor|post-author|"
                       r"postprofile|poster-info|author-info|authorinfo)(?![a-z])")
_CHROME = re.compile(f"{_UNLIKELY.pattern}|{_COMMENTS.pattern}")
_POSITIVE = re.compile(r"article|body|content|entry|hentry|main|page|post|text|blog|story|detail|zhengwen|"
                       r"neirong|artibody|editor|news_txt|rich_media")
_NEGATIVE = re.compile(
    r"combx|comment|com-|contact|foot|footer|footnote|masthead|media|meta|outbrain|promo|related|scroll|shoutbox|"
    r"sidebar|sponsor|shopping|tags|tool|widget|" + _word_start(
        "relate", "recommend", "share", "hot", "rank", "list", "nav", "copyright", "byline", "author", "source",
        "info").pattern)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*display\s*:\s*none", re.I)
_INLINE = frozenset({"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub", "sup", "u",
                     "abbr", "mark", "q", "s", "time", "br"})
# Tags that say their content is the author's (a quoted tweet, a code sample), whatever
# chrome their class names (`twitter-tweet`, `share-code`); comment threads still go.
_QUOTED = frozenset({"blockquote", "pre", "code", "figure"})
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_COMMAS = re.compile(r"[,，、;；]")
_WS = re.compile(r"\s+")
MIN_PARAGRAPH = 25
# Readability's charThreshold: an attempt finding less text is made again with one rule fewer.
RETRY_LENGTH = 250

# "More"/"less" toggles and "read more" links: short elements saying only that.
_TOGGLE = re.compile(
    r"^\W*(?:read more|read less|show more|show less|see more|see less|view more|load more|more|less|expand|"
    r"collapse|continue reading(?: the main story)?|click to expand|展开(?:全文|更多)?|收起(?:全文)?|阅读全文|"
    r"查看全文|查看更多|加载更多|点击展开|点击查看|继续阅读|更多|全文|显示全部)\W*$", re.I)
# Headings that announce a list of other articles ("you may also like").
_TEASER_HEADING = re.compile(
    r"^\W*(?:you (?:may|might) (?:also )?(?:like|enjoy)|related(?: (?:articles?|stories|posts|coverage|content|"
    r"reading|news))?|more (?:from|on|stories|news|like this)|recommended(?: for you)?|read (?:next|more|also)|"
    r"also read|popular(?: now)?|most (?:read|popular|viewed)|trending|what to read next|up next|"
    r"相关(?:阅读|文章|新闻|推荐|链接|报道)?|推荐阅读|延伸阅读|猜你喜欢|热门(?:推荐|文章|新闻)?|热点推荐|"
    r"精彩推荐|为你推荐|更多(?:精彩|阅读|新闻)|大家都在看|热文|排行)\W*$", re.I)
# Images that are advertisements or tracking pixels (by URL, class, id or alt).
_AD_IMAGE = re.compile(
    r"(?:^|[/_.\-?=&\s])(?:ads?|adv|advert|advertisement|advertising|adserver|adimg|banner|sponsor|sponsored|"
    r"promo|doubleclick|googlesyndication|googleadservices|pixel|tracking|tracker|beacon)(?:[/_.\-?=&\s\d]|$)",
    re.I)


def parse(html: str):
    """The page as an lxml tree (its <html> element), or None."""
    if not html or not html.strip():
        return None
    html = _XML_DECLARATION.sub("", html, count=1)
    html = _VOID_UNKNOWN_TO_LIBXML2.sub(lambda m: f"{m.group(0)}</{m.group(1)}>", html)
    try:
        return etree.fromstring(html, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _text(element) -> str:
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def weight(text: str) -> int:
    """Length of a text in characters without white space, each CJK character counted twice
    (a Chinese character says about as much as two or three letters)."""
    return len(_WS.sub("", text)) + len(_CJK.findall(text))


_SHORT = 300  # the longest text kept whole in a measure (a title, a heading, a word like "Advertisement")


class _Measure:
    """What the rules need of an element's text (or of one string), combined from its parts
    (an element's text, then each child's text and tail): its weight (as weight()), characters
    that are not white space, commas, characters, white-space runs, white space at the start
    and at the end; its text with each white-space run as one space while that is short; the
    weight of its links; the characters inside list items, headings and text blocks below it;
    the <p>, <img> and <li> below it."""

    __slots__ = ("weight", "chars", "commas", "raw", "runs", "lead", "trail", "short", "links",
                 "in_items", "in_headings", "in_blocks", "paragraphs", "images", "items")

    def __init__(self, text: str | None = None):
        self.links = self.in_items = self.in_headings = self.in_blocks = 0
        self.paragraphs = self.images = self.items = 0
        if not text:
            self.weight = self.chars = self.commas = self.raw = self.runs = self.lead = self.trail = 0
            self.short = ""
            return
        parts = text.split()
        raw = self.raw = len(text)
        chars = self.chars = sum(map(len, parts))
        self.weight = chars + (0 if text.isascii() else len(_CJK.findall(text)))
        self.commas = len(_COMMAS.findall(text))
        if not chars:
            self.lead = self.trail = raw
            self.runs = 1
            self.short = " "
            return
        lead = self.lead = raw - len(text.lstrip())
        trail = self.trail = raw - len(text.rstrip())
        self.runs = len(parts) - 1 + (lead > 0) + (trail > 0)
        self.short = None
        if chars + self.runs <= _SHORT:
            self.short = (" " if lead else "") + " ".join(parts) + (" " if trail else "")

    def join(self, other: _Measure) -> None:
        """This text followed by `other`'s."""
        if not other.raw:
            return
        if not self.raw:
            self.weight, self.chars, self.commas, self.raw = other.weight, other.chars, other.commas, other.raw
            self.runs, self.lead, self.trail, self.short = other.runs, other.lead, other.trail, other.short
            return
        self.runs += other.runs - (self.trail > 0 and other.lead > 0)
        if not self.chars:
            self.lead += other.lead
        self.trail = other.trail if other.chars else self.trail + other.raw
        if self.short is not None and other.short is not None:
            short = self.short + (other.short[1:] if self.short.endswith(" ") and other.short.startswith(" ")
                                  else other.short)
            self.short = short if len(short) <= _SHORT + 2 else None
        else:
            self.short = None
        self.weight += other.weight
        self.chars += other.chars
        self.commas += other.commas
        self.raw += other.raw

    def length(self) -> int:
        """The length of the text with its white-space runs as one space, trimmed."""
        return self.chars + self.runs - (self.lead > 0) - (self.trail > 0) if self.chars else 0

    def trimmed(self) -> int:
        """The length of the text without the white space at its ends."""
        return self.raw - self.lead - self.trail if self.chars else 0

    def text(self) -> str | None:
        """The text, white space runs as one space and trimmed; None when it is long."""
        return None if self.short is None else self.short.strip()


class _Page:
    """Measures of the elements of one tree (_Measure), each computed once from its children's
    (linear however deep or wide the tree) and kept: a tree that changed is measured anew with
    a new _Page."""

    def __init__(self):
        self.measures: dict = {}
        self.gone: set = set()  # elements measured as removed (their tails stay)

    def measure(self, element) -> _Measure:
        measures = self.measures
        found = measures.get(element)
        if found is not None:
            return found
        stack = [(element, False)]  # children before their parent, without recursion
        while stack:
            node, ready = stack.pop()
            if ready:
                measures[node] = self._combine(node)
            elif node not in measures:
                stack.append((node, True))
                stack.extend((c, False) for c in node
                             if isinstance(c.tag, str) and c not in measures and c not in self.gone)
        return measures[element]

    def _combine(self, element) -> _Measure:
        measures = self.measures
        m = _Measure(element.text)
        for child in element:
            if isinstance(child.tag, str) and child not in self.gone:
                c = measures[child]
                m.join(c)
                tag = child.tag
                m.links += c.links
                m.in_items += c.chars if tag == "li" else c.in_items
                m.in_headings += c.chars if tag in _HEADINGS else c.in_headings
                m.in_blocks += c.chars if tag in _TEXTISH else c.in_blocks
                m.paragraphs += c.paragraphs + (tag == "p")
                m.images += c.images + (tag == "img")
                m.items += c.items + (tag == "li")
            if child.tail:
                m.join(_Measure(child.tail))
        if element.tag == "a":
            # A link to a place in the page (a footnote, a table of contents) weighs less; a
            # bare "#" is a script's button (Readability's rule).
            href = element.get("href") or ""
            m.links += m.weight * (0.3 if len(href) > 1 and href.startswith("#") else 1)
        return m

    def length(self, element) -> int:
        return self.measure(element).weight

    def link_density(self, element) -> float:
        m = self.measure(element)
        return min(1.0, m.links / m.weight) if m.weight else 0.0


def _feature(value: str | None) -> str:
    """A class or id lower-cased, its camelCase words apart (`articleComments` -> `article comments`)."""
    return _CAMEL.sub(r"\1 \2", value).lower() if value else ""


def _features(element) -> str:
    return f"{_feature(element.get('class'))} {_feature(element.get('id'))}".strip()


def class_weight(element) -> int:
    score = 0
    for feature in (_feature(element.get("class")), _feature(element.get("id"))):
        if feature:
            if _NEGATIVE.search(feature):
                score -= 25
            if _POSITIVE.search(feature):
                score += 25
    return score


_MARKED = etree.XPath("descendant::*[@class or @id or @style or @role or @hidden or @aria-hidden]")


def _prune(body, ruthless: bool) -> None:
    """Remove what is never article text: hidden elements, landmark roles of page chrome and,
    when `ruthless`, elements whose class or id names chrome (Readability's unlikely
    candidates) or comment threads."""
    etree.strip_elements(body, *JUNK_TAGS, with_tail=False)
    drop = []
    paragraphs = None
    for element in _MARKED(body):
        if element.get("hidden") is not None:
            drop.append(element)
            continue
        if element.get("aria-hidden") == "true" and "fallback-image" not in (element.get("class") or ""):
            drop.append(element)  # hidden from readers (Readability's rule)
            continue
        style = element.get("style")
        if style and "none" in style and _HIDDEN_STYLE.search(style):
            drop.append(element)
            continue
        role = element.get("role")
        if role and role.lower() in _UNLIKELY_ROLES:
            drop.append(element)
            continue
        if not ruthless or element.tag in ("a", "article", "main"):
            continue
        features = _features(element)
        if len(features) < 2 or not _CHROME.search(features):
            continue
        if not _COMMENTS.search(features) and (_MAYBE.search(features) or element.tag in _QUOTED):
            continue
        # Never the wrapper of the page's text (a body class like "with-comments").
        if paragraphs is None:
            paragraphs = len(body.findall(".//p")) or 1
        inside = len(element.findall(".//p"))
        if inside > 5 and inside >= paragraphs * 0.8:
            continue
        if element.find(".//article") is not None or element.find(".//main") is not None:
            continue
        if _near_ancestor(element, ("table", "code")):
            continue  # a layout table's cells, a code sample's lines (Readability's rule)
        drop.append(element)
    # A <header>/<footer> outside any article or section is the page's banner or contentinfo
    # (their implicit ARIA roles, HTML-AAM), like role="banner".
    sectioned = _inside(body.iter(*_SECTIONING))
    drop += [e for e in body.iter("header", "footer") if e not in sectioned]
    _remove(body, drop)
    # The byline among what is left (Readability never looks inside what it removed).
    byline = _byline(body)
    if byline is not None:
        _remove(body, [byline])


_SECTIONING = ("article", "aside", "main", "nav", "section")
_BYLINE = re.compile(r"byline|author|dateline|writtenby|p-author", re.I)
_BYLINE_CANDIDATES = etree.XPath("descendant::*[@rel='author' or contains(@itemprop, 'author') or @class or @id]")


def _byline(body):
    """The article's byline (Readability's: the first element marked as the author's or named
    byline, author, dateline, with under 100 characters): it is metadata, not text."""
    page = _Page()
    for element in _BYLINE_CANDIDATES(body):
        marked = element.get("rel") == "author" or "author" in (element.get("itemprop") or "") \
            or _BYLINE.search(f"{element.get('class') or ''} {element.get('id') or ''}")
        if marked and 0 < page.measure(element).trimmed() < 100:
            return element
    return None


def _outermost(elements) -> list:
    """The elements that are not inside another of them, in their order. Linear: a walk up
    from each stops at an ancestor an earlier walk passed."""
    elements = list(elements)
    chosen = set(elements)
    inside: dict = {}  # an ancestor walked through: whether it is inside a chosen element
    out = []
    for element in elements:
        path = []
        node = element.getparent()
        while node is not None and node not in chosen and node not in inside:
            path.append(node)
            node = node.getparent()
        found = node is not None and (node in chosen or inside[node])
        for passed in path:
            inside[passed] = found
        if not found:
            out.append(element)
    return out


def _inside(elements) -> set:
    """Every element below one of `elements` (linear: the outermost ones' descendants)."""
    out = set()
    for element in _outermost(elements):
        out.update(element.iterdescendants())
    return out


_BLOCKS = etree.XPath(
    "descendant::*[self::p or self::div or self::table or self::ul or self::ol or self::pre or self::blockquote or "
    "self::img or self::dl or self::section or self::article or self::figure or self::h1 or self::h2 or self::h3 or "
    "self::h4 or self::h5 or self::h6 or self::header or self::footer]")


def _paragraphs(body) -> None:
    """<div>s without block content become <p>s; loose text (and inline runs) between the
    blocks of a <div> become <p>s of their own (Readability's misused divs)."""
    holds_block = set()
    for block in _BLOCKS(body):
        parent = block.getparent()
        while parent is not None and parent not in holds_block:
            holds_block.add(parent)
            parent = parent.getparent()
    divs = list(body.iter("div"))
    for div in divs:
        if div not in holds_block:
            div.tag = "p"
    for div in divs:
        if div.tag != "div":
            continue
        paragraph = None
        if div.text and div.text.strip():
            paragraph = etree.Element("p")
            paragraph.text, div.text = div.text, None
            div.insert(0, paragraph)
        for child in list(div):
            if child is paragraph:
                continue
            if child.tag == "br" or child.tag not in _INLINE or child in holds_block:
                paragraph = None
                if child.tail and child.tail.strip():
                    paragraph = etree.Element("p")
                    paragraph.text, child.tail = child.tail, None
                    child.addnext(paragraph)
                continue
            if paragraph is None:
                paragraph = etree.Element("p")
                child.addprevious(paragraph)
            paragraph.append(child)  # moves with its tail
        for br in [c for c in div if c.tag == "br"]:
            div.remove(br)  # their tails were moved into paragraphs


def _node_score(element, weigh: bool) -> float:
    tag = element.tag
    score = class_weight(element) if weigh else 0
    if tag in ("div", "article", "section", "main"):
        score += 5
    elif tag in ("pre", "td", "blockquote"):
        score += 3
    elif tag in ("address", "ol", "ul", "dl", "dd", "dt", "li", "form"):
        score -= 3
    elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "th", "header", "footer"):
        score -= 5
    return score


def _score(body, page: _Page, weigh: bool) -> dict:
    """Readability's scores: each paragraph of 25+ characters gives 1 + its commas + its
    length / 100 (at most 3) to its parent, half to its grandparent and a sixth to the one
    above; then every score is scaled by 1 - link density."""
    scores: dict = {}
    for element in body.iter("p", "pre", "td", "section", "h2", "h3", "h4", "h5", "h6"):
        parent = element.getparent()
        if parent is None:
            continue
        measure = page.measure(element)
        length = measure.weight
        if length < MIN_PARAGRAPH:
            continue
        value = 1 + measure.commas + min(length / 100, 3)
        for level, divider in enumerate((1, 2, 6, 9, 12)):
            if parent is None or not isinstance(parent.tag, str) or parent.tag == "html":
                break
            if parent not in scores:
                scores[parent] = _node_score(parent, weigh)
            scores[parent] += value / divider
            parent = parent.getparent()
    for element in scores:
        scores[element] *= 1 - page.link_density(element)
    return scores


def _ancestors(element) -> list:
    out = []
    parent = element.getparent()
    while parent is not None and parent.tag not in ("body", "html"):
        out.append(parent)
        parent = parent.getparent()
    return out


def _best(scores: dict, page: _Page):
    """The box of the article: the best-scored candidate, moved up to the ancestor it shares
    with other near-best candidates (an article in several sections), to a parent scoring
    higher, out of a lone-child wrapper, and to the page's <main> when that holds much more
    of the same kind of text (Readability's rules)."""
    if not scores:
        return None
    ranked = sorted(scores, key=scores.get, reverse=True)
    best = ranked[0]
    for element in ranked:  # schema.org's articleBody wins when it is not a link list
        if "articleBody" in (element.get("itemprop") or "").split() and page.link_density(element) <= 0.1:
            return element
    top = scores[best]
    if top > 0:
        near = [set(_ancestors(e)) for e in ranked[1:5] if scores[e] / top >= 0.75]
        if len(near) >= 3:
            for ancestor in _ancestors(best):
                if sum(ancestor in a for a in near) >= 3:
                    best = ancestor
                    break
    last = scores.get(best, 0)
    threshold = last / 3
    for ancestor in _ancestors(best):
        if ancestor not in scores:
            continue
        if scores[ancestor] < threshold:
            break
        if scores[ancestor] > last:
            best = ancestor
            break
        last = scores[ancestor]
    while best.getparent() is not None and best.getparent().tag not in ("body", "html") and len(best.getparent()) == 1:
        best = best.getparent()
    chain = _ancestors(best)
    if not any(e.tag == "article" for e in [best] + chain):
        main = next((e for e in chain if e.tag == "main"), None)
        if main is not None and page.length(main) >= max(500, 2 * page.length(best)) \
                and page.link_density(main) <= 0.2:
            best = main
    return best


def _assemble(best, scores: dict, page: _Page) -> list:
    """The best candidate and the siblings that belong with it (a preamble, content split by
    an ad that was removed)."""
    parent = best.getparent()
    if parent is None:
        return [best]
    threshold = max(10.0, scores.get(best, 0) * 0.2)
    best_class = best.get("class")
    kept = []
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        append = sibling is best
        bonus = scores.get(best, 0) * 0.2 if best_class and sibling.get("class") == best_class else 0
        if not append and sibling in scores and scores[sibling] + bonus >= threshold:
            append = True
        elif not append and sibling.tag == "p":
            text = _text(sibling)
            length = weight(text)
            density = page.link_density(sibling)
            if length > 80 and density < 0.25:
                append = True
            elif 0 < length <= 80 and density == 0 and re.search(r"[.。!?！？](?:\s|$)", text):
                append = True
        if append:
            kept.append(sibling)
    return kept


def _remove(root, elements) -> None:
    """Remove the elements (all below `root`) with their content, not their tails, at once."""
    remove_all_keep_tail(root, _outermost(elements))


def _clean(article, page: _Page, title: str, weigh: bool, conditionally: bool) -> None:
    """Readability's cleaning of the chosen box: top headings that are chrome or the page's
    title, forms, footers, and every table, list or block whose name, links, images or
    shortness say it is not the article's; then teaser lists, toggles, ad images and
    repeated captions. Each step measures the box as the steps before it left it."""
    _remove(article, _title_headings(article, page, _key(title), weigh))
    page = _Page()
    _remove(article, [e for e in article.iter("form", "fieldset")
                      if page.length(e) < 200 or page.link_density(e) > 0.3])
    _remove(article, [e for e in article.iter("footer") if e is not article])  # Readability's rule
    _teasers(article, _Page())
    if conditionally:
        _clean_conditionally(article, weigh)
    _preamble(article)
    _cards(article, _Page())
    _toggles(article, _Page())
    _ad_images(article)
    _repeated_blocks(article)


def _title_headings(article, page: _Page, title_key: str, weigh: bool) -> list:
    """The <h1>/<h2> headings named as chrome (with class weights) or repeating the title.
    A heading's text is read once: an outer heading's in full, one inside another heading
    (which stayed, so it holds no more than part of the title) from its measure."""
    drop = []
    inner = _inside(article.iter("h1", "h2"))
    for heading in article.iter("h1", "h2"):
        if weigh and class_weight(heading) < 0:
            drop.append(heading)
        elif not title_key:
            continue
        elif heading not in inner:
            if _similar_title(_key(_text(heading)), title_key):
                drop.append(heading)
        else:
            text = page.measure(heading).text()
            if text is not None and _similar_title(_key(text), title_key):
                drop.append(heading)
    return drop


def _clean_conditionally(article, weigh: bool) -> None:
    """Readability's conditional cleaning of every table, list and block of the box, inner
    ones first. Those to remove are measured as gone (an outer block is judged on what is left
    in it) and removed together at the end."""
    data_tables = {t for t in article.iter("table") if _data_table(t)}
    context = _Conditional(article, weigh, data_tables)
    for element in reversed(list(article.iter(*_CONDITIONAL_TAGS))):
        if element is not article and _conditionally_remove(element, context):
            context.page.gone.add(element)
    _remove(article, context.page.gone)


_CONDITIONAL_TAGS = ("table", "ul", "div")
_AD_WORDS = re.compile(r"^(?:ad(?:vertising|vertisement)?|pub(?:licité)?|werb(?:ung)?|广告|Реклама|Anuncio)$", re.I)
_LOADING_WORDS = re.compile(r"^(?:loading|正在加载|Загрузка|chargement|cargando)(?:…|\.\.\.)?$", re.I)
_TEXTISH = frozenset({"span", "li", "td", "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul"})


def _data_table(table) -> bool:
    """Readability's test of a table of data (kept), as against one of layout."""
    if table.get("role") == "presentation" or table.get("datatable") == "0":
        return False
    if table.get("summary") or table.get("datatable") is not None:
        return True
    if table.find("caption") is not None and _WS.sub("", _text(table.find("caption"))):
        return True
    if any(table.find(f".//{t}") is not None for t in ("col", "colgroup", "tfoot", "thead", "th")):
        return True
    if table.find(".//table") is not None:
        return False
    rows = columns = 0
    for row in table.iter("tr"):
        rows += _span(row.get("rowspan"))
        columns = max(columns, sum(_span(cell.get("colspan")) for cell in row.iter("td")))
    return rows >= 10 or columns > 4 or rows * columns > 10


def _span(value) -> int:
    """A rowspan or colspan as Readability reads it: its leading number, else 1."""
    number = re.match(r"\s*0*(\d+)", value or "")
    # at most 9 digits read (int() refuses a string of thousands): any such span is large
    return (int(number.group(1)[:9]) if number else 0) or 1


def _near_ancestor(element, tags, levels: int = 4) -> bool:
    """One of the element's `levels` nearest ancestors has one of `tags` (Readability's
    _hasAncestorTag and its default depth)."""
    parent = element.getparent()
    while parent is not None and levels > 0:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
        levels -= 1
    return False


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _Conditional:
    """What the conditional cleaning of one box knows beforehand: its data tables, what is
    inside one or holds one, what is inside code or a figure; its measures (_Page), where
    the blocks already judged as going count as gone."""

    def __init__(self, article, weigh: bool, data_tables: set):
        self.weigh = weigh
        self.data_tables = data_tables
        self.in_data_table = _inside(data_tables)
        self.holds_data_table = _holders(article, data_tables)
        self.in_code = _inside(article.iter("code", "pre"))
        self.in_figure = _inside(article.iter("figure"))
        self.page = _Page()


def _conditionally_remove(element, context: _Conditional) -> bool:
    """Readability's conditional cleaning of one table, list or block of the article: it goes
    when its name is negative, or, holding fewer than ten commas, when its images, list
    items, links, shortness or lack of text blocks say it is not text."""
    tag = element.tag
    if element in context.data_tables or element in context.in_data_table or element in context.in_code \
            or element in context.holds_data_table:
        return False
    weight_ = class_weight(element) if context.weigh else 0
    if weight_ < 0:
        return True
    page = context.page
    measure = page.measure(element)
    if measure.commas >= 10:
        return False
    text = measure.text()
    if text is not None and (_AD_WORDS.match(text) or _LOADING_WORDS.match(text)):
        return True
    length = measure.length()
    chars = measure.chars or 1
    is_list = tag in ("ul", "ol") or measure.in_items / chars > 0.9
    paragraphs = measure.paragraphs
    images = measure.images
    items = measure.items - 100
    density = page.link_density(element)
    figure_child = element in context.in_figure
    remove = (
        (not figure_child and images > 1 and paragraphs / images < 0.5)
        or (not is_list and items > paragraphs)
        or (not is_list and not figure_child and measure.in_headings / chars < 0.9 and length < MIN_PARAGRAPH
            and (images == 0 or images > 2) and density > 0)
        or (not is_list and weight_ < 25 and density > 0.2)
        or (weight_ >= 25 and density > 0.5)
        or (images == 0 and measure.in_blocks == 0)
    )
    if is_list and remove:
        # a simple list of images stays
        children = [c for c in element if c not in page.gone]
        if all(len(child) <= 1 for child in children) and images == measure.items:
            return False
    return remove


def _key(text: str) -> str:
    return _WS.sub("", text or "").lower()


def _similar_title(heading: str, title: str) -> bool:
    if not heading:
        return False
    return heading == title or (len(heading) >= 8 and heading in title) or (len(title) >= 8 and title in heading)


def _teasers(article, page: _Page) -> None:
    """A heading saying "related", "you may also like", "推荐阅读"... goes, with the run of
    link lists and teasers after it."""
    drop = []
    done = set()
    heads: dict = {}  # a wrapper climbed through: the heading's outermost wrapper
    for element in article.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "strong", "span", "header"):
        measure = page.measure(element)
        if measure.raw > 40 or not _TEASER_HEADING.match(_text(element).strip()):
            continue
        # The heading may be wrapped: climb while the wrapper says nothing more (its text
        # without white space is as long, so the same).
        head, path = element, []
        while head not in heads and head.getparent() is not None and head.getparent() is not article and \
                page.measure(head.getparent()).chars == measure.chars:
            path.append(head)
            head = head.getparent()
        head = heads.get(head, head)
        for passed in path:
            heads[passed] = head
        if head in done:
            continue
        done.add(head)
        drop.append(head)
        sibling = head.getnext()
        while sibling is not None and (page.link_density(sibling) > 0.4 or sibling.tag in ("ul", "ol")
                                       or (page.length(sibling) < MIN_PARAGRAPH and sibling.find(".//img") is not None)):
            drop.append(sibling)
            sibling = sibling.getnext()
    _remove(article, drop)


# A breadcrumb trail's words besides its links: "You are here", "当前位置：" and separators.
_CRUMB_TEXT = re.compile(r"^(?:\W|_|you are here|home|当前位置|您的位置|您所在的位置|所在位置|位置)*$", re.I)
# A line of the article's metadata: a date with a label of source, author, views...
_META_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
_META_LABEL = re.compile(r"(?:来源|作者|发布时间|发布日期|时间|日期|浏览|阅读|点击|编辑|责编|稿源)\s*[:：]")
_SENTENCE_END = re.compile(r"[.。!?！？](?:\s|$)|[。！？]")
_PREAMBLE_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "table", "blockquote", "pre")


def _preamble(article) -> None:
    """Before the first paragraph of text, the page's furniture around the headline goes: a
    breadcrumb trail (links and separators only) and a line of metadata (a date with
    "来源："/"作者："/"浏览："...)."""
    drop = []
    containers = _holders(article, article.iter(*_PREAMBLE_BLOCKS, "img"))
    for element in article.iter(*_PREAMBLE_BLOCKS):
        if element is article or element in containers:
            continue  # a container: its blocks come next
        text = _text(element)
        length = weight(text)
        if length >= 150 or (length >= 60 and _SENTENCE_END.search(text) and not _META_LABEL.search(text)):
            break  # the text has begun
        if not length:
            continue
        links = element.findall(".//a")
        if len(links) >= 2:
            rest = text
            for a in links:
                rest = rest.replace(_text(a), "", 1)
            if _CRUMB_TEXT.match(_WS.sub("", rest)):
                drop.append(element)
                continue
        if length < 150 and _META_DATE.search(text) and _META_LABEL.search(text):
            drop.append(element)
    _remove(article, drop)


def _cards(article, page: _Page) -> None:
    """A run of teaser cards goes: three or more sibling blocks of one class, each an image,
    a title and a date (other articles listed, not this one's text), with the heading above
    them when nothing else is left around them."""
    drop = []
    for parent in article.iter():
        groups: dict = {}
        for child in parent:
            if isinstance(child.tag, str) and child.get("class"):
                groups.setdefault(child.get("class"), []).append(child)
        cards = set()
        for group in groups.values():
            if len(group) >= 3 and all(_card(card, page) for card in group):
                cards.update(group)
        if not cards:
            continue
        rest = [c for c in parent if isinstance(c.tag, str) and c not in cards]
        if parent is not article and all(c.tag in _HEADINGS for c in rest):
            drop.append(parent)
        else:
            drop.extend(cards)
    _remove(article, drop)


# A date alone (a card's date line), with its time of day or not.
_DATE_ALONE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")


def _card(element, page: _Page) -> bool:
    """A teaser card: an image, a short title, and an element holding a date alone."""
    measure = page.measure(element)
    if not measure.images or not 0 < measure.chars <= 60:
        return False
    for part in element.iterdescendants():
        text = page.measure(part).text() if isinstance(part.tag, str) else None
        if text and _DATE_ALONE.fullmatch(text):
            return True
    return False


def _toggles(article, page: _Page) -> None:
    drop = []
    for element in article.iter("a", "span", "p", "div", "strong", "em", "i", "b"):
        if len(element) > 2 or page.measure(element).raw > 30 or element.find(".//img") is not None:
            continue
        if _TOGGLE.match(_text(element)):
            drop.append(element)
    _remove(article, drop)


def _tiny(value) -> bool:
    try:
        return int(str(value).strip().rstrip("px") or 99) <= 3
    except ValueError:
        return False


def _ad_images(article) -> None:
    drop = []
    for img in article.iter("img"):
        src = img.get("src") or img.get("data-src") or img.get("data-original") or ""
        features = f"{src} {img.get('class') or ''} {img.get('id') or ''} {img.get('alt') or ''}"
        if _AD_IMAGE.search(features) or _tiny(img.get("width")) or _tiny(img.get("height")):
            target = img
            parent = img.getparent()
            # the link around an ad image goes with it
            if parent is not None and parent.tag == "a" and not _WS.sub("", _text(parent)):
                target = parent
            drop.append(target)
    _remove(article, drop)


_TEXT_BLOCKS = frozenset({"p", "figcaption", "div", "span", "li", "h2", "h3", "h4", "h5", "h6", "blockquote",
                          "dd", "dt", "section", "pre"})


_CAPTION = _word_start("caption", "figcaption", "desc", "credit", "pic", "img", "image", "photo", "tuzhu",
                       "legend", "wp-caption", "media-caption")


def _has_image(element) -> bool:
    return element is not None and isinstance(element.tag, str) and (
        element.tag == "img" or element.find(".//img") is not None)


def _caption_like(element) -> bool:
    """A figure's caption: a <figcaption>, a block inside a <figure>, named as a caption, or
    next to an image."""
    if element.tag == "figcaption" or _CAPTION.search(_features(element)):
        return True
    parent = element.getparent()
    if parent is not None and (parent.tag in ("figure", "figcaption") or _CAPTION.search(_features(parent))):
        return True
    # next to an image, a short line (a paragraph of text beside a picture may repeat an earlier one)
    return weight(_text(element)) <= 150 and (
        _has_image(element.getprevious()) or _has_image(element.getnext()) or _has_image(element))


def _holders(root, elements) -> set:
    """The elements of `root` (itself included) with one of `elements` inside: a walk up from
    each, stopped where an earlier walk passed (linear in the tree)."""
    out = set()
    for element in elements:
        if element is root:
            continue
        parent = element.getparent()
        while parent is not None and parent not in out:
            out.add(parent)
            if parent is root:
                break
            parent = parent.getparent()
    return out


def _repeated_blocks(article) -> None:
    """An image caption repeated word for word (responsive markup, a slideshow's captions
    written out again, the caption under the image and once more below) is kept once: its
    first place, next to its image. Blocks are the innermost text blocks (a <p> and the
    <span> holding all its text are one block); paragraphs of the text itself may repeat."""
    holders = _holders(article, article.iter(*_TEXT_BLOCKS))
    seen = set()
    drop = []
    # In document order, without recursion (a page may nest 2,000 deep).
    stack = [iter(article)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if not isinstance(child.tag, str):
            continue
        if child.tag in _TEXT_BLOCKS and child not in holders:
            key = _key(_text(child))
            if len(key) >= 4 and _caption_like(child):
                if key in seen:
                    drop.append(child)
                else:
                    seen.add(key)
        else:
            stack.append(iter(child))
    _remove(article, drop)


def _xpaths(remove) -> list:
    from parsel.csstranslator import css2xpath

    return [etree.XPath(css2xpath(css)) for css in remove]


# Readability's attempts, each with one rule fewer than the one before: (remove elements named
# as chrome, weigh class names, clean the box's blocks conditionally).
_ATTEMPTS = ((True, True, True), (False, True, True), (False, False, True), (False, False, False))


def article_body(html: str, title: str = "", remove=(), root=None) -> str:
    """The article's HTML, or "" when the page has no article text. `title`: the page's
    headline (a heading repeating it is left out); `remove`: CSS selectors of elements taken
    out first (a site's known ads); `root`: the page already parsed by parse(html), which
    is then changed (another attempt, when one finds too little, parses `html` again).
    Readability's way: an attempt finding under RETRY_LENGTH of text is made again with one
    rule fewer; when none finds enough, the one that found the most serves."""
    removals = _xpaths(remove) if remove else []
    longest, longest_length = None, -1
    for strip, weigh, conditionally in _ATTEMPTS:
        if root is None:
            root = parse(html)
        if root is None:
            return ""
        body = root.find("body")
        if body is None:
            body = root
        root = None
        for xpath in removals:
            _remove(body, [e for e in xpath(body) if isinstance(e, etree._Element) and e is not body])
        _prune(body, strip)
        _paragraphs(body)
        page = _Page()
        scores = _score(body, page, weigh)
        best = _best(scores, page)
        if best is None:
            # Not one paragraph of MIN_PARAGRAPH characters: the page's <article> or <main> when
            # it marks one (a photo post, a short notice), else no article (what lines remain
            # are the page's chrome: a byline, a banner's words).
            article = next(body.iter("main"), None)
            if article is None:
                article = next(body.iter("article"), etree.Element("div"))
        else:
            article = etree.Element("div")
            for part in _assemble(best, scores, page):
                article.append(part)
        _clean(article, page, title, weigh, conditionally)
        text_length = weight(_text(article))
        if text_length > longest_length or (not text_length and longest_length <= 0):
            longest, longest_length = article, text_length
        if text_length >= RETRY_LENGTH:
            break
    if not longest_length and longest.find(".//img") is None:
        return ""
    # without its tail: the page's text after an <article>/<main> is not the article's
    return etree.tostring(longest, method="html", encoding="unicode", with_tail=False)

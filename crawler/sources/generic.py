"""The generic source: discovery of the articles a site file (crawler/sources/site_file.py,
docs/adding-a-source.md) points to, and extraction of an article page, field by field from the
first that serves: the site file's selectors, the feed's values, the page's metadata, the
generic extraction (docs/extraction.md).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from parsel import Selector

from crawler import extract
from crawler.html_clean import (
    LAZY_IMAGE_ATTRIBUTES, absolute_url, inner_html, is_plain_text, parse_body, plain_text_to_html, remove_keep_tail,
)
from crawler.items import Article
from crawler.page_depth import within_depth
from crawler.sources import json_api, pages
from crawler.sources.common import Carried, SourceError, source_time
from crawler.sources.site_file import Discovery, SiteConfig, load_hook
from crawler.sources.site_file import parse_site  # noqa: F401 - read as generic.parse_site
from crawler.timeutil import BEIJING, BadDate, parse_http_date, to_beijing

FIELDS = ("title", "time", "body", "image", "author")
DEFAULT_REMOVE = ("script", "style", "noscript")
EXTRACT = "extract"  # Article.body_fallback of a body found by the generic extraction


# ------------ discovery


@dataclass
class Entry(Carried):
    """One article found by discovery: what the feed, list or API says of it."""

    link: str
    title: str = ""
    published: str = ""  # the feed's time as written, an API's as ISO 8601 (read by `entry_time`)
    image: str = ""
    id: str = ""
    author: str = ""
    summary: str = ""  # the feed's description: the body when the article cannot be had
    body: str | None = None  # the whole body, when the API's list carries it (no article request)
    category: str = ""
    kind: str = ""  # an API's type of the entry (article_url_by_kind)
    guid: str = ""  # a feed's guid (SiteConfig.article_id looks for the id there too)
    block: int = 0  # which [[discovery]] found it (its language and folder)


def _xml(body: bytes | str) -> Selector:
    if isinstance(body, str):
        body = body.encode("utf-8")
    sel = Selector(body=body.lstrip(), type="xml")
    sel.remove_namespaces()
    return sel


def _text(node: Selector, xpath: str) -> str:
    return pages.clean_title("".join(node.xpath(xpath).getall()))


def feed_entries(body: bytes | str, base_url: str = "") -> list[Entry]:
    """Articles of an RSS 2.0 / RSS 1.0 / Atom feed, in feed order (`summary`: the description).
    Raises ValueError when the body is not XML."""
    return [e for e, _item in _feed_pairs(body, base_url) if e.link]


def _feed_pairs(body: bytes | str, base_url: str = "") -> list[tuple[Entry, Selector]]:
    """(entry, its <item>/<entry> element) of every article of a feed, a link or not."""
    sel = _xml(body)
    pairs = []
    for item in sel.xpath("//item"):
        link = _text(item, "./link/text()") or _text(item, "./guid[not(@isPermaLink='false')]/text()")
        image = (item.xpath("./content[@medium='image']/@url | ./thumbnail/@url").get()
                 or item.xpath("./enclosure[starts-with(@type,'image')]/@url").get() or "")
        pairs.append((Entry(link=absolute_url(link, base_url), title=_title(item),
                            published=_text(item, "./pubDate/text()") or _text(item, "./date/text()"),
                            image=image.strip(), guid=_text(item, "./guid/text()"),
                            author=_text(item, "./creator/text()") or _text(item, "./author/text()"),
                            summary=item.xpath("./description/text()").get() or ""), item))
    for item in sel.xpath("//entry"):
        link = (item.xpath("./link[@rel='alternate' or not(@rel)]/@href").get() or "").strip()
        pairs.append((Entry(link=absolute_url(link, base_url), title=_title(item),
                            published=_text(item, "./published/text()") or _text(item, "./updated/text()"),
                            image=(item.xpath("./thumbnail/@url | ./content[@medium='image']/@url").get() or "").strip(),
                            guid=_text(item, "./id/text()"), author=_text(item, "./author/name/text()"),
                            summary=item.xpath("./summary/text()").get() or ""), item))
    return pairs


def _title(item: Selector) -> str:
    # Feeds write a title's entities twice (WordPress: `&amp;#8217;`, or `&#8217;` in CDATA).
    return pages.clean_title(html.unescape(_text(item, "./title//text()")))


def sitemap_entries(body: bytes | str) -> tuple[list[Entry], list[str]]:
    """(articles, child sitemaps) of a sitemap or sitemap index (news: extension read)."""
    sel = _xml(body)
    children = [u.strip() for u in sel.xpath("//sitemap/loc/text()").getall() if u.strip()]
    entries = []
    for url in sel.xpath("//url"):
        link = _text(url, "./loc/text()")
        if link:
            entries.append(Entry(link=link, title=_text(url, "./news/title/text()"),
                                 published=_text(url, "./news/publication_date/text()") or _text(url, "./lastmod/text()"),
                                 image=_text(url, "./image/loc/text()")))
    return entries, children


def list_entries(page, discovery: Discovery, page_url: str = "") -> list[Entry]:
    """The article anchors of a list page (each link once, in page order): each element the
    `links` CSS finds is an anchor or holds one; its title is the text of its `link_title`
    element (`::attr(name)`: that attribute, of the element or inside it), else its own text;
    its time (`published`, as written) that of its `link_time` element."""
    base, nodes = discovery.site_url or page_url, _list_nodes(page, discovery)
    entries = _resolve(((href, title) for href, title, _node in nodes), base)
    if discovery.link_time:
        times: dict[str, str] = {}
        for href, _title, node in nodes:
            link = absolute_url(href, base)
            times[link] = times.get(link) or _link_value(node, discovery.link_time)
        for entry in entries:
            entry.published = times.get(entry.link, "")
    return entries


def _list_nodes(page, discovery: Discovery) -> list[tuple[str | None, str, Selector]]:
    """(href, title, element) of every element the `links` CSS finds, an anchor or not."""
    sel = pages.as_selector(page)
    found = []
    for css in discovery.links:
        for node in sel.css(css):
            if discovery.link_anchor:  # the article's anchor among the element's anchors
                href = node.css(discovery.link_anchor).attrib.get("href")
            else:  # an anchor, an element holding one, or a drop-down's <option value> (hkej's daily paper)
                href = (node.attrib.get("href") or (node.attrib.get("value") if node.root.tag == "option" else None)
                        or node.css("a::attr(href)").get())
            found.append((href, pages.clean_title(_link_title(node, discovery.link_title)), node))
    return found


def _link_title(node: Selector, css: str) -> str:
    if "::attr(" in css:  # `::attr(data-title)`: the attribute's value, of the element or inside it
        return node.css(css).get() or ""
    titled = node.css(css) if css else None
    return "".join((titled[0] if titled else node).css("::text").getall())


def _link_value(node: Selector, css: str) -> str:
    """The value a `link_time` CSS gives inside a list element ("" when it finds nothing)."""
    if "::attr(" in css:
        return (node.css(css).get() or "").strip()
    found = node.css(css)
    return pages.clean_title("".join(found[0].css("::text").getall())) if found else ""


def _fragment(body: bytes, path: str) -> str:
    """The HTML of a list page served inside a JSON answer: the string at `path`."""
    value = json_api.get(json_api.load_answer(body), path)
    if not isinstance(value, str):
        raise SourceError(f"answer has no {path} HTML")
    return value


def _resolve(pairs, base: str) -> list[Entry]:
    entries: dict[str, Entry] = {}
    for href, title in pairs:
        href = (href or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        link = absolute_url(href, base)
        if link not in entries:
            entries[link] = Entry(link=link, title=title)
        elif not entries[link].title:  # a card's image anchor first, its titled anchor after it
            entries[link].title = title
    return list(entries.values())


@dataclass
class Found:
    """What one discovery answer gave: the entries wanted, child sitemaps, and the entries left
    out by the discovery's `skip` rules or for want of a link (stat names: counts)."""

    entries: list
    children: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


def json_entries(payload, discovery: Discovery, tz: dt.tzinfo = BEIJING, page_url: str = "") -> Found:
    """The entries of a JSON list answer (`discovery.entries` the list, `discovery.fields` where
    each value is; `discovery.embedded`: the JSON is the text of that element of an HTML page).
    Raises SourceError when the answer is not JSON or holds no such list."""
    if discovery.embedded:
        payload = embedded_json(payload, discovery.embedded)
    items = json_api.entries_of(json_api.load_answer(payload), discovery.entries)
    fields, found = discovery.fields, Found(entries=[])
    hook = load_hook(discovery.hook) if discovery.hook else None
    for raw in items:
        if not isinstance(raw, dict):
            found.skipped["skipped_type/not_an_object"] += 1
            continue
        rule = json_api.first_rule(discovery.skip, raw)
        if rule is not None:
            found.skipped[json_api.count_name(rule, raw)] += 1
            continue
        published = source_time(json_api.value(raw, fields.get("time"), raw=True), default_tz=tz)
        link = json_api.value(raw, fields.get("link"))
        entry = Entry(
            link=absolute_url(link, discovery.site_url or page_url),
            title=json_api.value(raw, fields.get("title")), published=published.isoformat() if published else "",
            image=json_api.value(raw, fields.get("image")), id=json_api.value(raw, fields.get("id")),
            author=json_api.value(raw, fields.get("author")), summary=json_api.value(raw, fields.get("summary")),
            category=json_api.value(raw, fields.get("category")), kind=json_api.value(raw, fields.get("kind")),
            body=(json_api.html_at(raw, fields["body"]) or "") if "body" in fields else None,
        )
        if hook is not None:
            entry = hook(entry, raw)
            if entry is None:
                found.skipped["skipped_by_hook"] += 1
                continue
        if not entry.link and not entry.id:
            found.skipped["missing_link"] += 1
            continue
        found.entries.append(entry)
    return found


def embedded_json(page: bytes | str, css: str) -> str:
    """The text of the page's first element `css` finds (a `<script>` holding JSON: Next.js's
    `script#__NEXT_DATA__`); SourceError when the page has none."""
    if isinstance(page, (bytes, bytearray)):
        page = bytes(page).decode("utf-8", "replace")
    found = Selector(text=page or "<html></html>", type="html").css(css)
    if not found:
        raise SourceError(f"page has no {css}")
    return "".join(found[0].css("::text").getall())


def discover(discovery: Discovery, body: bytes, page_url: str, page=None, tz: dt.tzinfo = BEIJING) -> Found:
    """The entries one discovery answer gives that the discovery wants (include/exclude), each
    link once; child sitemaps of a sitemap index."""
    base = discovery.site_url or page_url
    if discovery.kind == "list" and discovery.entries:  # the list's HTML inside a JSON answer
        page = _fragment(body, discovery.entries)
    if discovery.kind == "json":
        found = json_entries(body, discovery, tz, page_url)
    elif discovery.kind == "sitemap":
        found = Found(*sitemap_entries(body))
    elif discovery.hook:
        found = _hooked(discovery, page, body, base)
    elif discovery.kind in ("rss", "atom", "feed"):
        found = Found(entries=feed_entries(body, base))
    else:
        found = Found(entries=list_entries(page if page is not None else body.decode("utf-8", "replace"),
                                           discovery, page_url))
    seen, wanted = set(), []
    for entry in found.entries:
        key = entry.link or entry.id
        if key not in seen and (not entry.link or discovery.wants(entry.link)):
            seen.add(key)
            wanted.append(entry)
    found.entries = wanted
    return found


def _hooked(discovery: Discovery, page, body: bytes, base: str) -> Found:
    """The entries of a feed or list page, each passed with its element (a feed's <item>, the
    list's element the `links` CSS found, as a parsel Selector) through the discovery's hook
    `(entry, element) -> entry or None`: it may fill or rewrite values (a link the list hides
    in an attribute, a body the list carries); None leaves the entry out (`skipped_by_hook`)."""
    hook, found = load_hook(discovery.hook), Found(entries=[])
    if discovery.kind == "list":
        pairs = [(Entry(link=absolute_url(href, base) if href and not href.strip().startswith(("#", "javascript:"))
                        else "", title=title,
                        published=_link_value(node, discovery.link_time) if discovery.link_time else ""), node)
                 for href, title, node in _list_nodes(page if page is not None else body.decode("utf-8", "replace"),
                                                      discovery)]
    else:
        pairs = _feed_pairs(body, base)
    for entry, node in pairs:
        entry = hook(entry, node)
        if entry is None:
            found.skipped["skipped_by_hook"] += 1
        elif not entry.link:
            found.skipped["missing_link"] += 1
        else:
            entry.link = absolute_url(entry.link, base)
            found.entries.append(entry)
    return found


def entry_time(value: str, tz: dt.tzinfo = BEIJING) -> dt.datetime | None:
    """A feed's time (RFC 822 of RSS, RFC 3339 of Atom/sitemaps, an API's ISO 8601) in Beijing
    time, or None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_http_date(value)
    except BadDate:
        pass
    return source_time(value, default_tz=tz)

# ------------ article pages


@dataclass
class Extracted:
    article: Article
    fallbacks: list[str] = field(default_factory=list)  # fields the metadata or crawler.extract served
    selector_missed: list[str] = field(default_factory=list)  # configured selectors that found nothing


def _values(sel: Selector, selectors) -> list[str]:
    """Strings the selectors give: `::text`/`::attr()` as written; for plain elements the
    `datetime`/`content`/`src` attribute or the element's text."""
    found = []
    for css in selectors:
        nodes = sel.css(css)
        for node in nodes:
            if "::" in css:
                value = node.get()
            else:
                value = (node.attrib.get("datetime") or node.attrib.get("content") or node.attrib.get("src")
                         or "".join(node.css("::text").getall()))
            value = pages.clean_title(value)
            if value:
                found.append(value)
    return found


def _strptime(value: str, fmt: str, tz: dt.tzinfo) -> dt.datetime | None:
    # The format may match a part of the text (e.g. "来源：C114 2026-03-02 10:15"): try the
    # shortest text that parses, scanning from each position.
    value = re.sub(r"\s+", " ", value).strip()
    for start in range(len(value)):
        for end in range(len(value), start, -1):
            try:
                return to_beijing(dt.datetime.strptime(value[start:end], fmt).replace(tzinfo=tz))
            except ValueError:
                continue
    return None


_DATE_IN_TEXT = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?")


def time_from_values(values, tz: dt.tzinfo, fmt: str = "") -> dt.datetime | None:
    for value in values:
        if fmt:
            found = _strptime(value, fmt, tz)
            if found is not None:
                return found
        found = source_time(value, default_tz=tz)
        if found is None:
            m = _DATE_IN_TEXT.search(value)
            if m:
                found = source_time(re.sub(r"\s+(?=[-/.年月日:：])|(?<=[-/.年月日:：])\s+", "", m.group(0)).replace("：", ":"),
                                    default_tz=tz)
        if found is not None:
            return found
    return None


# Attributes holding one URL (the lazy-loading ones too: crawler.html_clean makes them the src).
_URL_ATTRIBUTES = frozenset(("href", "src", "poster") + LAZY_IMAGE_ATTRIBUTES)


# huge_tree, as every parser of the project: without it libxml2 stops at 256 levels and the
# text below, and all after it, would be missing from the body.
_FRAGMENT_PARSER = lxml.html.HTMLParser(huge_tree=True)


def _absolutize(html: str, base: str) -> str:
    """Image and link URLs of the extracted HTML (one element, as crawler.extract writes it)
    made absolute (the page writes them relative). Attributes only: text that reads
    `src="..."` (escaped markup in a code sample) stays as written."""
    if not base:
        return html
    try:
        root = lxml.html.fragment_fromstring(html, parser=_FRAGMENT_PARSER)
    except (etree.ParserError, ValueError):
        return html
    if any("depth" in entry.message for entry in _FRAGMENT_PARSER.error_log):
        return html  # cut off by libxml2's depth limit: the text matters more than its URLs
    for element in root.iter(etree.Element):
        for name, value in element.items():
            if name in _URL_ATTRIBUTES:
                element.set(name, urljoin(base, value))
    # The parser drops the white space after the element; it is kept as the extractor wrote it.
    return etree.tostring(root, method="html", encoding="unicode", with_tail=False) + html[len(html.rstrip()):]


def extracted_body(html: str, url: str, title: str = "", remove=(), root=None) -> str:
    """The article of the page by the generic extraction (crawler.extract) as HTML, `remove`
    (CSS) taken out first; "" when it finds none (no text, no image). `root`: the page parsed
    by crawler.extract.parse, handed over (it is changed)."""
    body = extract.article_body(html, title, remove, root=root)
    return _absolutize(body, url) if body else ""


def metadata_time(html, tz: dt.tzinfo = BEIJING) -> dt.datetime | None:
    """htmldate's original publication date of the page (`html`: text or lxml tree), with its
    time of day when the page gives one; None when it finds nothing."""
    from htmldate import find_date

    try:
        found = find_date(html, outputformat="%Y-%m-%dT%H:%M:%S", original_date=True, extensive_search=False)
    except Exception:  # noqa: BLE001
        return None
    return source_time(found, default_tz=tz) if found else None


def _jsonld_name(value) -> str:
    """A JSON-LD author (a name, a Person, or a list of them) as one string."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return _jsonld_name(value.get("name"))
    if isinstance(value, list):
        return ", ".join(n for n in (_jsonld_name(v) for v in value) if n)
    return ""


def page_title(sel: Selector, jsonld: list) -> str:
    """The headline the page gives: og:title, twitter:title, JSON-LD headline, first <h1>,
    <title>."""
    title = pages.meta_content(sel, 'meta[property="og:title"]::attr(content)',
                               'meta[name="twitter:title"]::attr(content)')
    if not title:
        title = next((o["headline"] for o in jsonld if isinstance(o.get("headline"), str) and o["headline"].strip()), "")
    if not title:
        title = "".join(sel.xpath("(//h1)[1]//text()").getall()) or "".join(sel.xpath("//title//text()").getall())
    return pages.clean_title(title)


def extract_article(config: SiteConfig, url: str, html: str, entry: Entry | dict | None = None) -> Extracted:
    """The Article of one page of the site (`html` already decoded; `url` the page's URL).
    `published` is None when neither selectors, feed, page metadata nor htmldate give a time
    (the spider then uses the crawl time, counted)."""
    entry = Entry.from_meta(entry)
    # One parse: the metadata is read from the tree first, then the extraction takes it apart.
    root = extract.parse(html)
    if root is not None and (flat := within_depth(html, Selector(root=root, type="html"))) is not html:
        # Nested deeper than libxml2 parses: read flattened (crawler.page_depth), by every
        # attempt of the extraction too, or the deep text and all after it are missing.
        html, root = flat, extract.parse(flat)
    sel = Selector(root=root, type="html") if root is not None else Selector(text="<html></html>", type="html")
    fallbacks, missed = [], []
    jsonld = None

    def objects() -> list:
        nonlocal jsonld
        if jsonld is None:
            jsonld = pages.jsonld_objects(sel)
        return jsonld

    link = entry.link if entry else (pages.meta_content(
        sel, 'link[rel="canonical"]::attr(href)', 'meta[property="og:url"]::attr(content)') or url)

    def text_field(name: str, selectors, *others, page=None) -> str:
        """The first non-empty of: the configured selectors (a miss is noted), the `others`
        (feed/list/page values, callables evaluated in order), `page()` (noted as a
        fallback)."""
        value = ""
        if selectors:
            values = _values(sel, selectors)
            value = values[0] if values else ""
            if not value:
                missed.append(name)
        for other in others:
            if value:
                break
            value = (other() if callable(other) else other) or ""
        if not value and page is not None:
            value = pages.clean_title(page() or "")
            if value:
                fallbacks.append(name)
        return value

    def meta_author() -> str:
        author = pages.meta_content(sel, 'meta[name="author"]::attr(content)',
                                    'meta[property="article:author"]::attr(content)')
        return "" if author.startswith(("http://", "https://")) else author

    def jsonld_author() -> str:
        return next((n for n in (_jsonld_name(o.get("author")) for o in objects()) if n), "")

    title = text_field("title", config.title, entry.title if entry else "", page=lambda: page_title(sel, objects()))

    # time
    published = None
    if config.time:
        published = time_from_values(_values(sel, config.time), config.timezone, config.time_format)
        if published is None:
            missed.append("time")
    if published is None and entry and entry.published:
        published = entry_time(entry.published, config.timezone)
    if published is None:
        candidates = [sel.css(css).get() for css in pages.PUBLISHED_META]
        candidates += [obj.get("datePublished") for obj in objects()]
        published = source_time(*[c.strip() if isinstance(c, str) else c for c in candidates],
                                default_tz=config.timezone)
    if published is None:
        published = metadata_time(html, config.timezone)
        if published is not None:
            fallbacks.append("time")

    image = text_field("image", config.image, entry.image if entry else "", lambda: pages.meta_content(
        sel, 'meta[property="og:image"]::attr(content)', 'meta[name="twitter:image"]::attr(content)'))
    author = text_field("author", config.author, meta_author, page=jsonld_author)

    # body
    body, body_fallback, drop_reason = None, "", ""
    if config.body:
        body = pages.body_container(sel, config.body, DEFAULT_REMOVE + config.remove)
        if not pages.has_text(body):
            if body is not None and not config.extract_fallback:
                drop_reason = "empty_body"  # the container is there, empty: the source gives no text
            else:
                missed.append("body")
            body = None
    if body is None and config.extract_fallback:
        body = extracted_body(html, url, title, config.remove, root=root) or None
        if body is not None:
            body_fallback = EXTRACT
            fallbacks.append("body")

    article = Article(
        id=config.article_id(link), title=title, link=link, published=published, author=author,
        thumbnail=absolute_url(image, link), body_html=body or "", category=config.category,
        folder=config.folder, language=config.language, body_fallback=body_fallback,
        drop_reason="" if body is not None else (drop_reason or "no_body"),
    )
    return Extracted(article=article, fallbacks=fallbacks, selector_missed=missed)


# ------------ articles of a site file that are not read from an HTML page


def clean_fragment(body: str, remove) -> str:
    """An HTML body without the elements `remove` finds (CSS; the text after each is kept); the
    body as given when there is nothing to remove."""
    if not remove or not body.strip():
        return body
    tree = parse_body(body)
    if tree is None:
        return ""
    doomed = [node.root for css in remove for node in Selector(root=tree, type="html").css(css)]
    for element in doomed:
        if element.getparent() is not None:
            remove_keep_tail(element)
    return inner_html(tree)


def summary_body(entry: Entry) -> str:
    """The feed's description as a body (plain text made paragraphs)."""
    text = (entry.summary or "").strip()
    return plain_text_to_html(text) if text and is_plain_text(text) else text


def entry_article(config: SiteConfig, entry: Entry, *, summary: bool = False) -> Article:
    """The Article of a discovery entry alone: an API list that carries the whole article, or
    (`summary`) a feed's description when the article cannot be had (body_fallback "summary")."""
    block = config.discoveries[entry.block]
    body = summary_body(entry) if summary else clean_fragment(entry.body or "", config.remove)
    return Article(
        id=entry.id or config.article_id(entry.link, entry.guid), title=entry.title, link=entry.link,
        published=entry_time(entry.published, config.timezone), author=entry.author,
        thumbnail=absolute_url(entry.image, entry.link), body_html=body,
        category=entry.category or block.category, folder=block.folder, language=block.language,
        body_fallback="summary" if summary else "", drop_reason="" if body.strip() else "empty_body",
    )


def json_article(config: SiteConfig, payload, entry: Entry) -> Article:
    """The Article of a detail answer (`format = "json"`): `root` the article object, `fields`
    where each value is; the entry's values fill what the answer lacks. Raises SourceError
    when the answer holds no such object or no body."""
    answer = json_api.load_answer(payload)
    data = json_api.get(answer, config.root)
    fields = config.fields
    raw_body = json_api.html_at(data, fields["body"])
    if raw_body is None:
        raise SourceError(f"answer has no {config.root + '.' if config.root else ''}{fields['body'].paths[0]}")
    block = config.discoveries[entry.block]
    body = clean_fragment(raw_body, config.remove)
    link = json_api.value(data, fields.get("link")) or entry.link
    published = source_time(json_api.value(data, fields.get("time"), raw=True), default_tz=config.timezone)
    rule = json_api.first_rule(config.drop, data)
    article = Article(
        id=json_api.value(data, fields.get("id")) or entry.id or config.article_id(entry.link, entry.guid),
        title=json_api.value(data, fields.get("title")) or entry.title, link=link,
        published=published or entry_time(entry.published, config.timezone),
        author=json_api.value(data, fields.get("author")) or entry.author,
        thumbnail=absolute_url(json_api.value(data, fields.get("image")) or entry.image, link),
        body_html=body, category=json_api.value(data, fields.get("category")) or entry.category or block.category,
        folder=block.folder, language=block.language, body_fallback="",
        drop_reason=rule.reason if rule is not None else ("" if pages.has_text(body) else "empty_body"),
    )
    if config.hook:
        article = load_hook(config.hook)(article, data, entry)
    return article


def page_article(config: SiteConfig, url: str, html_text: str, entry: Entry) -> Extracted:
    """extract_article for an entry of any discovery: the entry's id, author and category win
    over the page's, the entry's [[discovery]] names language and folder. The site's
    `page_hook` rewrites the page's text first."""
    if config.page_hook:
        html_text = load_hook(config.page_hook)(html_text, entry)
    extracted = extract_article(config, url, html_text, entry)
    article, block = extracted.article, config.discoveries[entry.block]
    article["id"] = entry.id or config.article_id(article["link"], entry.guid)
    if entry.author and not config.author:
        article["author"] = entry.author
        if "author" in extracted.fallbacks:
            extracted.fallbacks.remove("author")
    article["category"] = entry.category or block.category
    article["folder"], article["language"] = block.folder, block.language
    if config.hook:
        extracted.article = load_hook(config.hook)(article, None, entry)
    return extracted

"""The generic source: a site described by a TOML file in GENERIC_SITES_DIR (default `sites/`).

One file per site, `sites/<name>.toml` (read with tomllib)::

    name = "techcrunch"          # optional; the file's stem when absent (must equal it)
    folder = "techcrunch"        # archive folder under <language>/news/
    category = "techcrunch"      # defaults to the folder
    language = "en"              # "zh-CN", "zh-HK" or "en"
    enabled = true               # false: `scrapy crawlall` skips it unless named explicitly
    limit = 20                   # optional: at most N articles per run (-a limit=N wins)
    timezone = "+08:00"          # zone of times written without one (default Beijing)

    [discovery]
    kind = "rss"                 # "rss" | "atom" | "feed" (either) | "sitemap" | "list"
    urls = ["https://techcrunch.com/feed/"]   # or url = "..."
    links = ".loop-card__title > a"           # list only: CSS of the article anchors
    site_url = "https://techcrunch.com"       # base of relative links (default: the page's URL)
    include = "/\\d{4}/\\d{2}/\\d{2}/"        # optional regex a link must match
    exclude = "/video/"                       # optional regex of links skipped

    [article]                    # every selector optional: trafilatura fills in
    title = ["h1.article-hero__title"]        # CSS; text of the element (or ::text/::attr)
    time = ["time[datetime]"]                 # `datetime` attribute, else the element's text
    time_format = "%Y年%m月%d日 %H:%M"        # optional strptime format for visible times
    body = [".entry-content"]                 # first match is the body container
    remove = [".ad-unit", "script", "style"]  # removed from the body (and before trafilatura)
    image = ['meta[property="og:image"]::attr(content)']
    author = ['meta[name="author"]::attr(content)']
    id_pattern = "/(\\d+)\\.html"             # regex on the link; group 1 is the archive id

    [request]
    encoding = "gbk"             # optional: decode pages with this codec (else detected)
    article_url = "{url}"        # template of article requests ({url}, {path}); a mirror
    headers = { Referer = "https://techcrunch.com/" }
    secret_headers = { Cookie = "TECHCRUNCH_COOKIE" }   # header -> NAME of a setting/env var

Secrets are never in the file: `secret_headers` names a setting or environment variable
(empty by default: the header is left out).

Extraction of an article page (`extract_article`), field by field, first that serves:

- title: the `title` selectors; the feed's/list's title; the page's og:title, twitter:title,
  JSON-LD headline, first `<h1>`, `<title>` (counted as a title fallback);
- time: the `time` selectors; the feed's date (RSS pubDate, Atom published/updated, sitemap
  news:publication_date/lastmod); the page's article:published_time/JSON-LD datePublished;
  htmldate's date of the page (counted as a time fallback; date only when the page gives no
  time of day); all converted to Beijing time. The crawl time is the spider's last resort
  (`<site>/time_fallback`);
- body: the first `body` selector with text, minus `remove`; else the generic extraction
  (crawler.extract: the article's text, images, captions, links and tables without the page's
  chrome, docs/extraction.md) of the page minus `remove`: `body_fallback = "extract"` (the run
  report counts `article/body_fallback/extract`);
- image: the `image` selectors; the feed's media/enclosure image; og:image, twitter:image;
- author: the `author` selectors; meta author/article:author; JSON-LD author name (counted).

`Extracted.fallbacks` names the fields the page's own text and metadata served where
selectors or feed did not (title, time, body, author); `selector_missed` those whose
configured selectors found nothing (a layout change to look at). The spider counts them as
`<site>/fallback/<field>` and `<site>/selector_missed/<field>`.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from parsel import Selector

from crawler import extract
from crawler.archive import SEGMENT
from crawler.items import Article
from crawler.sources import pages
from crawler.sources.common import source_time
from crawler.timeutil import BEIJING, BadDate, parse_http_date, to_beijing

KINDS = ("rss", "atom", "feed", "sitemap", "list")
LANGUAGES = ("zh-CN", "zh-HK", "en")
FIELDS = ("title", "time", "body", "image", "author")
DEFAULT_REMOVE = ("script", "style", "noscript")
EXTRACT = "extract"  # Article.body_fallback of a body found by the generic extraction


class ConfigError(ValueError):
    """A site file that cannot be used (TOML error, missing or wrong field)."""


# ------------ configuration


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v for v in value if v.strip())
    raise ConfigError(f"{where} must be a string or a list of strings")


def _zone(value, where: str) -> dt.tzinfo:
    if value in (None, ""):
        return BEIJING
    m = re.fullmatch(r"\s*(?:UTC)?\s*([+-])(\d{1,2}):?(\d{2})?\s*", str(value))
    if str(value).strip().upper() in ("UTC", "Z"):
        return dt.timezone.utc
    if not m:
        raise ConfigError(f"{where} must be an offset like \"+08:00\" or \"UTC\", got {value!r}")
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    return dt.timezone(dt.timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


def _regex(value, where: str):
    if value in (None, ""):
        return None
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise ConfigError(f"{where} is not a valid regular expression: {exc}") from None


@dataclass
class SiteConfig:
    name: str
    folder: str
    category: str
    language: str
    kind: str
    urls: tuple[str, ...]
    path: str = ""
    enabled: bool = True
    limit: int | None = None
    timezone: dt.tzinfo = BEIJING
    links: tuple[str, ...] = ()
    site_url: str = ""
    include: re.Pattern | None = None
    exclude: re.Pattern | None = None
    title: tuple[str, ...] = ()
    time: tuple[str, ...] = ()
    time_format: str = ""
    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    id_pattern: re.Pattern | None = None
    encoding: str = ""
    article_url: str = "{url}"
    headers: dict = field(default_factory=dict)
    secret_headers: dict = field(default_factory=dict)

    def article_id(self, link: str) -> str:
        """The archive id the config finds in the link ("" without id_pattern or no match)."""
        if self.id_pattern is None:
            return ""
        m = self.id_pattern.search(link or "")
        if not m:
            return ""
        return m.group(1) if m.groups() else m.group(0)

    def wants(self, link: str) -> bool:
        if self.include is not None and not self.include.search(link):
            return False
        return not (self.exclude is not None and self.exclude.search(link))


_TOP = {"name", "folder", "category", "language", "enabled", "limit", "timezone", "discovery", "article", "request"}
_DISCOVERY = {"kind", "url", "urls", "links", "site_url", "include", "exclude"}
_ARTICLE = {"title", "time", "time_format", "body", "remove", "image", "author", "id_pattern"}
_REQUEST = {"encoding", "article_url", "headers", "secret_headers"}


def _check_keys(table: dict, allowed: set, where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def parse_site(data: dict, stem: str, path: str = "") -> SiteConfig:
    """A SiteConfig from the parsed TOML of `sites/<stem>.toml`; ConfigError names the problem."""
    where = path or f"{stem}.toml"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: not a table")
    _check_keys(data, _TOP, where)
    name = str(data.get("name") or stem)
    if name != stem:
        raise ConfigError(f"{where}: name {name!r} must be the file's name ({stem!r})")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ConfigError(f"{where}: name {name!r} may hold letters, digits, '-' and '_' only")
    folder = data.get("folder")
    if not folder:
        raise ConfigError(f"{where}: folder is required (letters, digits, '-', '_', '.')")
    if not isinstance(folder, str) or not SEGMENT.fullmatch(folder):
        # One plain segment under <language>/news/: never "..", ".", a hidden name or a path.
        raise ConfigError(f"{where}: folder must be one plain folder name (letters, digits, '-', '_', '.'; "
                          f"not starting with '.' or '-'), got {folder!r}")
    language = str(data.get("language") or "")
    if language not in LANGUAGES:
        raise ConfigError(f"{where}: language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    discovery = data.get("discovery") or {}
    article = data.get("article") or {}
    request = data.get("request") or {}
    for table, keys, label in ((discovery, _DISCOVERY, "discovery"), (article, _ARTICLE, "article"),
                               (request, _REQUEST, "request")):
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{label}] must be a table")
        _check_keys(table, keys, f"{where} [{label}]")
    kind = str(discovery.get("kind") or "")
    if kind not in KINDS:
        raise ConfigError(f"{where}: discovery.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    urls = _strings(discovery.get("urls"), f"{where}: discovery.urls") + _strings(discovery.get("url"), f"{where}: discovery.url")
    if not urls:
        raise ConfigError(f"{where}: discovery.url (or urls) is required")
    links = _strings(discovery.get("links"), f"{where}: discovery.links")
    if kind == "list" and not links:
        raise ConfigError(f"{where}: a list discovery needs discovery.links (CSS of the article anchors)")
    limit = data.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ConfigError(f"{where}: limit must be a positive integer")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: enabled must be true or false")
    headers = request.get("headers") or {}
    secret_headers = request.get("secret_headers") or {}
    for label, table in (("headers", headers), ("secret_headers", secret_headers)):
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ConfigError(f"{where}: request.{label} must be a table of strings")
    for header, setting in secret_headers.items():
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", setting):
            raise ConfigError(f"{where}: request.secret_headers.{header} must name a setting/environment "
                              f"variable (UPPER_CASE), not hold the secret itself")
    encoding = str(request.get("encoding") or "")
    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"{where}: request.encoding {encoding!r} is not a known codec") from None
    article_url = str(request.get("article_url") or "{url}")
    if "{url}" not in article_url and "{path}" not in article_url:
        raise ConfigError(f"{where}: request.article_url must contain {{url}} or {{path}}")
    id_pattern = _regex(article.get("id_pattern"), f"{where}: article.id_pattern")
    return SiteConfig(
        name=name, folder=folder, category=str(data.get("category") or folder), language=language,
        kind=kind, urls=urls, path=path, enabled=enabled, limit=limit,
        timezone=_zone(data.get("timezone"), f"{where}: timezone"),
        links=links, site_url=str(discovery.get("site_url") or ""),
        include=_regex(discovery.get("include"), f"{where}: discovery.include"),
        exclude=_regex(discovery.get("exclude"), f"{where}: discovery.exclude"),
        title=_strings(article.get("title"), f"{where}: article.title"),
        time=_strings(article.get("time"), f"{where}: article.time"),
        time_format=str(article.get("time_format") or ""),
        body=_strings(article.get("body"), f"{where}: article.body"),
        remove=_strings(article.get("remove"), f"{where}: article.remove"),
        image=_strings(article.get("image"), f"{where}: article.image"),
        author=_strings(article.get("author"), f"{where}: article.author"),
        id_pattern=id_pattern, encoding=encoding, article_url=article_url,
        headers=dict(headers), secret_headers=dict(secret_headers),
    )


def load_site_file(path: str | Path) -> SiteConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"site file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_site(data, path.stem, str(path))


def site_files(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []


def load_site(name: str, directory: str | Path) -> SiteConfig:
    path = Path(directory) / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(p.stem for p in site_files(directory)) or "none"
        raise ConfigError(f"no site {name!r} in {directory} (sites there: {known})")
    return load_site_file(path)


def load_sites(directory: str | Path) -> list[SiteConfig]:
    """Every site file of the directory (enabled or not), by name; the first bad file raises."""
    return [load_site_file(path) for path in site_files(directory)]


# ------------ discovery


@dataclass
class Entry:
    """One article found by discovery."""

    link: str
    title: str = ""
    published: str = ""  # the feed's time as written (read by `entry_time`)
    image: str = ""

    def to_meta(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_meta(cls, meta) -> "Entry | None":
        if meta is None or isinstance(meta, Entry):
            return meta
        return cls(**meta) if isinstance(meta, dict) else None


def _xml(body: bytes | str) -> Selector:
    if isinstance(body, str):
        body = body.encode("utf-8")
    sel = Selector(body=body.lstrip(), type="xml")
    sel.remove_namespaces()
    return sel


def _text(node: Selector, xpath: str) -> str:
    return pages.clean_title("".join(node.xpath(xpath).getall()))


def feed_entries(body: bytes | str, base_url: str = "") -> list[Entry]:
    """Articles of an RSS 2.0 / RSS 1.0 / Atom feed, in feed order. Raises ValueError when the
    body is not XML."""
    sel = _xml(body)
    entries = []
    for item in sel.xpath("//item"):
        link = _text(item, "./link/text()") or _text(item, "./guid[not(@isPermaLink='false')]/text()")
        image = (item.xpath("./content[@medium='image']/@url | ./thumbnail/@url").get()
                 or item.xpath("./enclosure[starts-with(@type,'image')]/@url").get() or "")
        entries.append(Entry(link=pages.absolute_url(link, base_url), title=_text(item, "./title//text()"),
                             published=_text(item, "./pubDate/text()") or _text(item, "./date/text()"),
                             image=image.strip()))
    for item in sel.xpath("//entry"):
        link = (item.xpath("./link[@rel='alternate' or not(@rel)]/@href").get() or "").strip()
        entries.append(Entry(link=pages.absolute_url(link, base_url), title=_text(item, "./title//text()"),
                             published=_text(item, "./published/text()") or _text(item, "./updated/text()"),
                             image=(item.xpath("./thumbnail/@url | ./content[@medium='image']/@url").get() or "").strip()))
    return [e for e in entries if e.link]


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


def list_entries(page, config: SiteConfig, page_url: str = "") -> list[Entry]:
    """The article anchors of a list page (each link once, in page order)."""
    sel = pages.as_selector(page)
    pairs = []
    for css in config.links:
        for node in sel.css(css):
            href = node.attrib.get("href") or node.css("a::attr(href)").get()
            pairs.append((href, pages.clean_title("".join(node.css("::text").getall()))))
    return _resolve(pairs, config.site_url or page_url)


def _resolve(pairs, base: str) -> list[Entry]:
    entries, seen = [], set()
    for href, title in pairs:
        href = (href or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        link = pages.absolute_url(href, base)
        if link not in seen:
            seen.add(link)
            entries.append(Entry(link=link, title=title))
    return entries


def discover(config: SiteConfig, body: bytes, page_url: str, page=None) -> tuple[list[Entry], list[str]]:
    """(entries the config wants, child sitemaps) of one discovery response."""
    children: list[str] = []
    if config.kind in ("rss", "atom", "feed"):
        entries = feed_entries(body, config.site_url or page_url)
    elif config.kind == "sitemap":
        entries, children = sitemap_entries(body)
    else:
        entries = list_entries(page if page is not None else body.decode("utf-8", "replace"), config, page_url)
    seen, wanted = set(), []
    for entry in entries:
        if entry.link not in seen and config.wants(entry.link):
            seen.add(entry.link)
            wanted.append(entry)
    return wanted, children


def entry_time(value: str, tz: dt.tzinfo = BEIJING) -> dt.datetime | None:
    """A feed's time (RFC 822 of RSS, RFC 3339 of Atom/sitemaps) in Beijing time, or None."""
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
    fallbacks: list[str] = field(default_factory=list)  # fields trafilatura (htmldate) served
    selector_missed: list[str] = field(default_factory=list)  # configured selectors that found nothing


def decode_page(body: bytes, content_type: bytes | str | None, encoding: str = "") -> str:
    if encoding:
        if encoding.lower().replace("-", "").replace("_", "") in ("gbk", "gb2312", "cp936"):
            encoding = "gb18030"  # their superset: characters outside GB2312 still decode
        return body.decode(encoding, "replace")
    from crawler.sources.qq import decide_encoding

    return body.decode(decide_encoding(body, content_type), "replace")


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


def _absolutize(html: str, base: str) -> str:
    """Image and link URLs of the extracted HTML made absolute (the page writes them relative)."""
    def fix(m):
        return f'{m.group(1)}="{urljoin(base, m.group(2))}"'
    return re.sub(r'\b(src|href)="([^"]*)"', fix, html) if base else html


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
    body, body_fallback = None, ""
    if config.body:
        body = pages.body_container(sel, config.body, DEFAULT_REMOVE + config.remove)
        if not pages.has_text(body):
            missed.append("body")
            body = None
    if body is None:
        body = extracted_body(html, url, title, config.remove, root=root) or None
        if body is not None:
            body_fallback = EXTRACT
            fallbacks.append("body")

    article = Article(
        id=config.article_id(link), title=title, link=link, published=published, author=author,
        thumbnail=pages.absolute_url(image, link), body_html=body or "", category=config.category,
        folder=config.folder, language=config.language, body_fallback=body_fallback,
        drop_reason="no_body" if body is None else "",
    )
    return Extracted(article=article, fallbacks=fallbacks, selector_missed=missed)

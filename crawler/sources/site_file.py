"""The site file: one source defined by `sites/<name>.toml` (format: docs/adding-a-source.md).

`parse_site` turns a file's TOML into a SiteConfig and refuses anything it cannot use with one
line naming the file and the key (ConfigError); `SITE_OVERRIDES` replaces values of a site's
file per run (`{"<site>": {"discovery.url": "..."}}`), checked like the file itself.
"""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from crawler.archive import SEGMENT
from crawler.secret import secret
from crawler.timeutil import BEIJING

KINDS = ("rss", "atom", "feed", "sitemap", "list", "json")
FEED_KINDS = ("rss", "atom", "feed", "sitemap")
LANGUAGES = ("zh-CN", "zh-HK", "en")
FORMATS = ("html", "json")
DISCOVERY_FIELDS = ("id", "link", "title", "time", "image", "author", "summary", "body", "category", "kind")
ARTICLE_FIELDS = ("id", "link", "title", "time", "image", "author", "body", "category")
# The per-site Scrapy settings a site file may set (politeness, and the coverage it can give).
SITE_SETTINGS = ("DOWNLOAD_DELAY", "RANDOMIZE_DOWNLOAD_DELAY", "CONCURRENT_REQUESTS_PER_DOMAIN",
                 "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY",
                 "AUTOTHROTTLE_TARGET_CONCURRENCY", "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "ROBOTSTXT_OBEY",
                 "USER_AGENT", "RUN_MIN_COVERAGE")
SITE_NAME = re.compile(r"[A-Za-z0-9_-]+")
_SECRET_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_HOOK = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")

_TOP = {"name", "folder", "category", "language", "enabled", "enabled_by", "disabled_reason", "limit", "timezone",
        "settings", "discovery", "article", "request"}
_DISCOVERY = {"kind", "name", "url", "urls", "pages", "method", "params", "body", "links", "link_title",
              "link_time", "link_anchor", "site_url", "include", "exclude", "entries", "fields", "skip", "hook", "language", "folder",
              "category", "headers", "embedded"}
_ARTICLE = {"format", "root", "title", "time", "time_format", "body", "remove", "image", "author", "id_pattern",
            "fields", "drop", "fallback", "hook", "page_hook", "extract_fallback", "follow"}
_REQUEST = {"encoding", "article_url", "article_url_by_kind", "article_body", "headers", "secret_headers"}
_RULE = {"field", "equals", "matches", "other_than", "count", "reason"}
_FOLLOW = {"find", "path", "url", "form", "headers"}


class ConfigError(ValueError):
    """A site file that cannot be used (TOML error, missing or wrong field)."""


# ------------ small readers


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
    if str(value).strip().upper() in ("UTC", "Z"):
        return dt.timezone.utc
    m = re.fullmatch(r"\s*(?:UTC)?\s*([+-])(\d{1,2}):?(\d{2})?\s*", str(value))
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


def _table(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    return value


def _check_keys(table: dict, allowed: set, where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def _positive(value, where: str, default=None):
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where} must be a positive integer")
    return value


def _hook(value, where: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _HOOK.fullmatch(value):
        raise ConfigError(f"{where} must name a function as \"package.module:function\", got {value!r}")
    return value


def load_hook(spec: str):
    """The function a hook names ("package.module:function"); ConfigError when it is not there."""
    module, _, name = spec.partition(":")
    try:
        function = getattr(import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"hook {spec!r} cannot be loaded: {exc}") from None
    if not callable(function):
        raise ConfigError(f"hook {spec!r} is not a function")
    return function


def _language(value, where: str, default: str = "") -> str:
    language = str(value or default)
    if language not in LANGUAGES:
        raise ConfigError(f"{where} must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def _folder(value, where: str) -> str:
    if not isinstance(value, str) or not SEGMENT.fullmatch(value):
        # One plain segment under <language>/news/: never "..", ".", a hidden name or a path.
        raise ConfigError(f"{where} must be one plain folder name (letters, digits, '-', '_', '.'; "
                          f"not starting with '.' or '-'), got {value!r}")
    return value


# ------------ JSON fields and rules


@dataclass(frozen=True)
class Field:
    """Where one value is in a JSON object: dotted paths (`a.b.0.c`, list items by number) or
    templates (`https://ex.test/a/{id}`: each `{path}` filled in), the first that gives a value;
    `html`: the value is HTML, read as its text (WordPress's `title.rendered`)."""

    paths: tuple[str, ...]
    html: bool = False


def _field(value, where: str) -> Field:
    html = False
    if isinstance(value, dict):
        _check_keys(value, {"path", "html"}, where)
        html = value.get("html", False)
        if not isinstance(html, bool):
            raise ConfigError(f"{where}.html must be true or false")
        value = value.get("path")
    paths = _strings(value, where)
    if not paths:
        raise ConfigError(f"{where} must name a path (\"a.b.0\") or a template (\"https://…/{{id}}\")")
    for path in paths:
        if path.count("{") != path.count("}"):
            raise ConfigError(f"{where}: unbalanced braces in {path!r}")
    return Field(paths=paths, html=html)


def _fields(value, allowed: tuple, where: str) -> dict[str, Field]:
    table = _table(value, where)
    _check_keys(table, set(allowed), where)
    return {name: _field(spec, f"{where}.{name}") for name, spec in table.items()}


@dataclass(frozen=True)
class Rule:
    """A filter on a JSON object: its `field` equals one of `equals`, matches `matches`, or is
    none of `other_than`. `count` (a skip rule: the stat `<site>/<count>`, `{value}` filled in)
    or `reason` (a drop rule: the article's drop reason)."""

    field: str
    equals: tuple = ()
    matches: re.Pattern | None = None
    other_than: tuple | None = None
    count: str = "skipped"
    reason: str = ""


def _rules(value, where: str, *, drop: bool) -> tuple[Rule, ...]:
    if value is None:
        return ()
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where} must be a table or a list of tables")
    rules = []
    for n, table in enumerate(value):
        at = f"{where}[{n}]"
        _check_keys(table, _RULE - ({"count"} if drop else {"reason"}), at)
        if not isinstance(table.get("field"), str) or not table["field"].strip():
            raise ConfigError(f"{at}: field (a path in the JSON object) is required")
        tests = [k for k in ("equals", "matches", "other_than") if k in table]
        if len(tests) != 1:
            raise ConfigError(f"{at}: give exactly one of equals, matches, other_than")
        equals = table.get("equals")
        other_than = table.get("other_than")
        if other_than is not None and not isinstance(other_than, list):
            raise ConfigError(f"{at}: other_than must be a list")
        reason = str(table.get("reason") or "")
        if drop and not re.fullmatch(r"[a-z][a-z0-9_]*", reason):
            raise ConfigError(f"{at}: reason (the drop reason, e.g. \"paid\") is required")
        rules.append(Rule(
            field=table["field"], reason=reason, count=str(table.get("count") or "skipped"),
            equals=tuple(equals) if isinstance(equals, list) else ((equals,) if "equals" in table else ()),
            matches=_regex(table.get("matches"), f"{at}: matches"),
            other_than=tuple(other_than) if other_than is not None else None,
        ))
    return tuple(rules)


@dataclass(frozen=True)
class Follow:
    """The article's text is a second request away (hibor: the page names the content's key,
    `var ncid = '…'`, and a POST of it answers the content): `find` (a regular expression whose
    group 1 is the key) on the article page, or `path` (a dotted path into a JSON answer: infoq's
    detail names its document's URL), then `url` (`{found}`, and `{url}`, `{path}`, `{id}` of
    the entry; default `{found}`: the key is the URL itself) requested, a form POST of `form`
    when given; its answer is the page the selectors read."""

    find: re.Pattern | None
    url: str
    form: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    path: str = ""


def _follow(value, where: str) -> Follow:
    table = _table(value, where)
    _check_keys(table, _FOLLOW, where)
    find = _regex(table.get("find"), f"{where}.find")
    path = table.get("path") or ""
    if not isinstance(path, str) or bool(path) == (find is not None):
        raise ConfigError(f"{where}: give find (a regular expression) or path (in a JSON answer), one of them")
    if find is not None and find.groups < 1:
        raise ConfigError(f"{where}.find must be a regular expression with a group (the key it finds)")
    url = table.get("url", "{found}")
    if not isinstance(url, str) or "{found}" not in url + repr(table.get("form") or ""):
        raise ConfigError(f"{where}.url must be a URL template; {{found}} (the key) in it or in form")
    for key in ("form", "headers"):
        if not all(isinstance(v, str) for v in _table(table.get(key), f"{where}.{key}").values()):
            raise ConfigError(f"{where}.{key} must be a table of strings")
    return Follow(find=find, url=url, form=dict(table.get("form") or {}), headers=dict(table.get("headers") or {}),
                  path=path)


# ------------ the configuration


@dataclass
class Discovery:
    """One way the site's articles are found (a site file may have several `[[discovery]]`)."""

    kind: str
    urls: tuple[str, ...]
    name: str = ""
    pages: int = 1
    method: str = "GET"
    params: dict = field(default_factory=dict)
    body: dict | None = None
    links: tuple[str, ...] = ()
    link_title: str = ""
    link_time: str = ""
    link_anchor: str = ""
    site_url: str = ""
    include: re.Pattern | None = None
    exclude: re.Pattern | None = None
    entries: str = ""
    fields: dict = field(default_factory=dict)
    skip: tuple = ()
    hook: str = ""
    language: str = ""
    folder: str = ""
    category: str = ""
    headers: dict = field(default_factory=dict)  # this discovery's own request headers
    embedded: str = ""  # json: CSS of the HTML page's element whose text is the JSON (`script#__NEXT_DATA__`)

    def wants(self, link: str) -> bool:
        if self.include is not None and not self.include.search(link):
            return False
        return not (self.exclude is not None and self.exclude.search(link))

    @property
    def paged(self) -> bool:
        return "{page}" in repr((self.urls, self.params, self.body))


@dataclass
class SiteConfig:
    name: str
    folder: str
    category: str
    language: str
    discoveries: tuple = ()
    path: str = ""
    enabled: bool = True  # the file alone: False for `enabled = false` and for `enabled_by`
    enabled_by: str = ""  # the secret whose value enables the site (enabled_in)
    disabled_reason: str = ""
    limit: int | None = None
    timezone: dt.tzinfo = BEIJING
    settings: dict = field(default_factory=dict)
    # the article: an HTML page (selectors) or a JSON answer (fields)
    format: str = "html"
    root: str = ""
    title: tuple[str, ...] = ()
    time: tuple[str, ...] = ()
    time_format: str = ""
    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    id_pattern: tuple = ()
    fields: dict = field(default_factory=dict)
    drop: tuple = ()
    fallback: str = ""
    follow: Follow | None = None
    hook: str = ""
    page_hook: str = ""  # (html, entry) -> html: the page's text rewritten before it is read
    extract_fallback: bool = True  # False: the generic extraction never serves the body
    # requests
    encoding: str = ""
    article_url: str = "{url}"
    article_url_by_kind: dict = field(default_factory=dict)
    article_body: dict | None = None  # the article request is a JSON POST of this ({id}, {url}, {path} filled in)
    headers: dict = field(default_factory=dict)
    secret_headers: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """The discovery kind ("json", "rss" ...; that of the first when there are several)."""
        return self.discoveries[0].kind

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.secret_headers.values()))

    def enabled_in(self, settings) -> bool:
        """Does crawlall run the site unnamed: `enabled`, or its `enabled_by` secret is set (the
        setting, else the environment variable: read as the spider reads it)."""
        return self.enabled or bool(self.enabled_by and secret(settings, self.enabled_by))

    def why_disabled(self) -> str:
        """The disabled_reason on one line, then the secret that would enable the site."""
        return " ".join(self.disabled_reason.split()) + (f" (set {self.enabled_by})" if self.enabled_by else "")

    @property
    def carries_body(self) -> bool:
        """True when every discovery gives the whole article (no article request)."""
        return all("body" in d.fields for d in self.discoveries)

    def article_id(self, link: str, *others: str) -> str:
        """The archive id the id_pattern(s) find in the link, else in `others` (a feed's guid);
        "" without id_pattern or no match."""
        for text in (link, *others):
            for pattern in self.id_pattern:
                m = pattern.search(text or "")
                if m:
                    return m.group(1) if m.groups() else m.group(0)
        return ""


def _discovery(table, where: str, top: dict) -> Discovery:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    _check_keys(table, _DISCOVERY, where)
    kind = str(table.get("kind") or "")
    if kind not in KINDS:
        raise ConfigError(f"{where}.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    urls = _strings(table.get("urls"), f"{where}.urls") + _strings(table.get("url"), f"{where}.url")
    if not urls:
        raise ConfigError(f"{where}.url (or urls) is required")
    links = _strings(table.get("links"), f"{where}.links")
    if kind == "list" and not links:
        raise ConfigError(f"{where}.links is required for kind = \"list\" (CSS of the article anchors)")
    method = str(table.get("method") or ("POST" if table.get("body") is not None else "GET")).upper()
    if method not in ("GET", "POST"):
        raise ConfigError(f"{where}.method must be GET or POST, got {method!r}")
    params, body = _table(table.get("params"), f"{where}.params"), table.get("body")
    if body is not None and (not isinstance(body, dict) or method != "POST"):
        raise ConfigError(f"{where}.body must be a table (the JSON body of a POST)")
    entries = str(table.get("entries") or "")
    fields = _fields(table.get("fields"), DISCOVERY_FIELDS, f"{where}.fields")
    if kind == "json":
        if not fields.get("link") and not fields.get("id"):
            raise ConfigError(f"{where}.fields: a json discovery needs link (or id) of each entry")
    elif fields or (entries and kind != "list") or table.get("skip") is not None or table.get("embedded") is not None:
        raise ConfigError(f"{where}: entries, fields, skip and embedded are for kind = \"json\" "
                          "(entries also for a list served inside a JSON answer)")
    for key in ("link_time", "link_anchor"):
        if table.get(key) and kind != "list":
            raise ConfigError(f"{where}.{key} is for kind = \"list\"")
    embedded = table.get("embedded") or ""
    if not isinstance(embedded, str):
        raise ConfigError(f"{where}.embedded must be the CSS of the page's element holding the JSON")
    headers = table.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ConfigError(f"{where}.headers must be a table of strings")
    found = Discovery(
        kind=kind, urls=urls, name=str(table.get("name") or ""),
        pages=_positive(table.get("pages"), f"{where}.pages", 1), method=method, params=dict(params), body=body,
        links=links, link_title=str(table.get("link_title") or ""), link_time=str(table.get("link_time") or ""),
        link_anchor=str(table.get("link_anchor") or ""),
        site_url=str(table.get("site_url") or ""),
        include=_regex(table.get("include"), f"{where}.include"),
        exclude=_regex(table.get("exclude"), f"{where}.exclude"),
        entries=entries, fields=fields, skip=_rules(table.get("skip"), f"{where}.skip", drop=False),
        hook=_hook(table.get("hook"), f"{where}.hook"),
        language=_language(table.get("language"), f"{where}.language", top["language"]),
        folder=_folder(table.get("folder") or top["folder"], f"{where}.folder"),
        category=str(table.get("category") or top["category"]), headers=dict(headers), embedded=embedded.strip(),
    )
    if found.pages > 1 and not found.paged:
        raise ConfigError(f"{where}.pages = {found.pages} needs {{page}} in url, params or body")
    return found


def parse_site(data: dict, stem: str, path: str = "") -> SiteConfig:
    """A SiteConfig from the parsed TOML of `sites/<stem>.toml`; ConfigError names the problem."""
    where = path or f"{stem}.toml"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: not a table")
    _check_keys(data, _TOP, where)
    name = str(data.get("name") or stem)
    if name != stem:
        raise ConfigError(f"{where}: name {name!r} must be the file's name ({stem!r})")
    if not SITE_NAME.fullmatch(name):
        raise ConfigError(f"{where}: name {name!r} may hold letters, digits, '-' and '_' only")
    if not data.get("folder"):
        raise ConfigError(f"{where}: folder is required (letters, digits, '-', '_', '.')")
    folder = _folder(data.get("folder"), f"{where}: folder")
    language = _language(data.get("language"), f"{where}: language")
    top = {"language": language, "folder": folder, "category": str(data.get("category") or folder)}
    raw = data.get("discovery")
    if raw is None:
        raise ConfigError(f"{where}: discovery.url (a [discovery] table) is required")
    blocks = raw if isinstance(raw, list) else [raw]
    discoveries = tuple(_discovery(t, f"{where}: discovery" if len(blocks) == 1 else f"{where}: discovery[{n}]", top)
                        for n, t in enumerate(blocks))
    if not discoveries:
        raise ConfigError(f"{where}: a [discovery] table is required")
    article = _table(data.get("article"), f"{where}: [article]")
    request = _table(data.get("request"), f"{where}: [request]")
    _check_keys(article, _ARTICLE, f"{where} [article]")
    _check_keys(request, _REQUEST, f"{where} [request]")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: enabled must be true or false")
    by_secret = "enabled_by" in data  # off until that secret is set: checked with the secrets below
    enabled_by = data.get("enabled_by", "")
    if by_secret:
        if "enabled" in data:
            raise ConfigError(f"{where}: give enabled or enabled_by, not both "
                              "(enabled_by: off until its secret is set)")
        enabled = False
    disabled_reason = str(data.get("disabled_reason") or "").strip()
    if not enabled and not disabled_reason:
        raise ConfigError(f"{where}: {'enabled_by' if by_secret else 'enabled = false'} needs disabled_reason "
                          "(why, in one line)")
    if enabled and disabled_reason:
        raise ConfigError(f"{where}: disabled_reason is for enabled = false or enabled_by")
    settings = _table(data.get("settings"), f"{where}: [settings]")
    _check_keys(settings, set(SITE_SETTINGS), f"{where} [settings]")

    headers, secret_headers = request.get("headers") or {}, request.get("secret_headers") or {}
    for label, table in (("headers", headers), ("secret_headers", secret_headers)):
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ConfigError(f"{where}: request.{label} must be a table of strings")
    for header, setting in secret_headers.items():
        if not _SECRET_NAME.fullmatch(setting):
            raise ConfigError(f"{where}: request.secret_headers.{header} must name a setting/environment "
                              f"variable (UPPER_CASE), not hold the secret itself")
    secrets = tuple(secret_headers.values())
    if by_secret and enabled_by not in secrets:
        raise ConfigError(f"{where}: enabled_by must name one of the site's secrets (request.secret_headers: "
                          f"{', '.join(dict.fromkeys(secrets)) or 'none'}), got {enabled_by!r}")
    encoding = str(request.get("encoding") or "")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ConfigError(f"{where}: request.encoding {encoding!r} is not a known codec") from None
    article_url = str(request.get("article_url") or "{url}")
    by_kind = _table(request.get("article_url_by_kind"), f"{where}: request.article_url_by_kind")
    article_body = request.get("article_body")
    if article_body is not None and not isinstance(article_body, dict):
        raise ConfigError(f"{where}: request.article_body must be a table (the JSON body of the article's POST)")
    for label, template in [("article_url", article_url), *((f"article_url_by_kind.{k}", v) for k, v in by_kind.items())]:
        # A POST's body may name the article instead of its URL (one RPC endpoint for all).
        if not isinstance(template, str) or not re.search(r"\{(url|path|id)\}", template + repr(article_body or "")):
            raise ConfigError(f"{where}: request.{label} (or article_body) must contain {{url}}, {{path}} or {{id}}")

    fmt = str(article.get("format") or "html")
    if fmt not in FORMATS:
        raise ConfigError(f"{where}: article.format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    fields = _fields(article.get("fields"), ARTICLE_FIELDS, f"{where}: article.fields")
    if fmt == "json" and "body" not in fields:
        raise ConfigError(f"{where}: article.format = \"json\" needs article.fields.body")
    if fmt == "html" and (fields or article.get("root")):
        raise ConfigError(f"{where}: article.fields and article.root are for format = \"json\"")
    fallback = str(article.get("fallback") or "")
    if fallback not in ("", "summary"):
        raise ConfigError(f"{where}: article.fallback must be \"summary\" (the feed's text), got {fallback!r}")
    if fmt == "json" and article.get("page_hook"):
        raise ConfigError(f"{where}: article.page_hook is for HTML pages (format = \"html\")")
    extract_fallback = article.get("extract_fallback", True)
    if not isinstance(extract_fallback, bool):
        raise ConfigError(f"{where}: article.extract_fallback must be true or false")
    if not extract_fallback and (fmt != "html" or not article.get("body")):
        raise ConfigError(f"{where}: article.extract_fallback = false needs article.body (the selectors that alone serve the body)")
    patterns = tuple(_regex(p, f"{where}: article.id_pattern")
                     for p in _strings(article.get("id_pattern"), f"{where}: article.id_pattern"))
    follow = _follow(article.get("follow"), f"{where}: article.follow") if article.get("follow") is not None else None
    if follow is not None and fmt != "html":
        raise ConfigError(f"{where}: article.follow is for HTML pages (format = \"html\")")
    return SiteConfig(
        name=name, folder=folder, category=top["category"], language=language, discoveries=discoveries,
        path=path, enabled=enabled, enabled_by=enabled_by, disabled_reason=disabled_reason,
        limit=_positive(data.get("limit"), f"{where}: limit"),
        timezone=_zone(data.get("timezone"), f"{where}: timezone"), settings=dict(settings),
        format=fmt, root=str(article.get("root") or ""),
        title=_strings(article.get("title"), f"{where}: article.title"),
        time=_strings(article.get("time"), f"{where}: article.time"),
        time_format=str(article.get("time_format") or ""),
        body=_strings(article.get("body"), f"{where}: article.body"),
        remove=_strings(article.get("remove"), f"{where}: article.remove"),
        image=_strings(article.get("image"), f"{where}: article.image"),
        author=_strings(article.get("author"), f"{where}: article.author"),
        id_pattern=patterns, fields=fields, drop=_rules(article.get("drop"), f"{where}: article.drop", drop=True),
        fallback=fallback, hook=_hook(article.get("hook"), f"{where}: article.hook"),
        page_hook=_hook(article.get("page_hook"), f"{where}: article.page_hook"), extract_fallback=extract_fallback,
        follow=follow,
        encoding=encoding, article_url=article_url, article_url_by_kind=dict(by_kind), article_body=article_body,
        headers=dict(headers), secret_headers=dict(secret_headers),
    )


# ------------ files and overrides


def override(data: dict, overrides: dict, where: str) -> dict:
    """The site's TOML with SITE_OVERRIDES' values set: `{"discovery.url": "..."}` (dotted keys;
    a number picks one of several [[discovery]] tables)."""
    if not overrides:
        return data
    if not isinstance(overrides, dict):
        raise ConfigError(f"SITE_OVERRIDES for {where} must be a table of \"dotted.key\" = value")
    data = copy.deepcopy(data)
    for dotted, value in overrides.items():
        parts = str(dotted).split(".")
        node = data
        for n, part in enumerate(parts[:-1]):
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    raise ConfigError(f"SITE_OVERRIDES {where}: {dotted!r}: no [{part}] in {'.'.join(parts[:n])}")
                node = node[int(part)]
            else:
                if isinstance(node.get(part), list) and not parts[n + 1].isdigit() and len(node[part]) == 1:
                    node = node[part][0]  # "discovery.url" of a site with one [[discovery]]
                    continue
                node = node.setdefault(part, {})
            if not isinstance(node, (dict, list)):
                raise ConfigError(f"SITE_OVERRIDES {where}: {dotted!r}: {part} is not a table")
        if isinstance(node, list):
            raise ConfigError(f"SITE_OVERRIDES {where}: {dotted!r} names a list, not a key")
        node[parts[-1]] = value
    return data


def load_site_file(path: str | Path, overrides: dict | None = None) -> SiteConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"site file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"site file {path} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_site(override(data, (overrides or {}).get(path.stem) or {}, path.stem), path.stem, str(path))


def site_files(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []


def load_site(name: str, directory: str | Path, overrides: dict | None = None) -> SiteConfig:
    path = Path(directory) / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(p.stem for p in site_files(directory)) or "none"
        raise ConfigError(f"no site {name!r} in {directory} (sites there: {known})")
    return load_site_file(path, overrides)


def load_sites(directory: str | Path, overrides: dict | None = None) -> list[SiteConfig]:
    """Every site file of the directory (enabled or not), by name; the first bad file raises."""
    return [load_site_file(path, overrides) for path in site_files(directory)]

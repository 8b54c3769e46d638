"""The spider of every site file: `scrapy crawl <site>` (one spider per file of GENERIC_SITES_DIR,
registered by crawler.spider_loader) or `scrapy crawl generic -a config=path/to/site.toml`.

The running spider takes the site's name, so its stats (`<site>/discovered`, `/requested`,
`/fallback/<field>` ...), log lines and run report section are the site's. The site file's
format, its arguments and stats: docs/adding-a-source.md. A site file that cannot be used is
a usage error (exit status 2) before anything runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import UsageError

from crawler import charset
from crawler.archive import archive_name
from crawler.arguments import LIMIT, Argument, ArgumentError
from crawler.sources import generic, json_api, pages, site_file
from crawler.sources.common import SourceError
from crawler.sources.generic import Entry
from crawler.sources.pages import HTML_ACCEPT
from crawler.sources.site_file import SITE_NAME, ConfigError, SiteConfig
from crawler.spiders.base import SourceSpider
from crawler.timeutil import BEIJING

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
JSON_ACCEPT = "application/json, text/plain, */*"
MAX_CHILD_SITEMAPS = 20

# The arguments of a site's spider (`scrapy crawlall --list-arguments` prints them).
SITE_ARGUMENTS = (
    LIMIT,
    Argument("since", "day", "skip articles published before this day (Beijing time)"),
    Argument("urls", "names", "fetch these article pages instead of discovering them"),
    Argument("url_file", "file", "as urls=, from a file: one URL a line, # starts a comment"),
    Argument("pages", "count", "discovery pages to read ({page} = 1..N; default: the file's pages)"),
    Argument("discovery_url", "names", "discovery URL(s) instead of the file's"),
    Argument("article_url", "template", "template of article requests ({url}, {path}, {id}) instead of the file's"),
)


def site_config(settings, *, site: str = "", path: str = "") -> SiteConfig:
    """The site file (by name in GENERIC_SITES_DIR, or a path) with SITE_OVERRIDES applied."""
    overrides = settings.getdict("SITE_OVERRIDES") if settings is not None else {}
    if path:
        return site_file.load_site_file(path, overrides)
    return site_file.load_site(site, settings.get("GENERIC_SITES_DIR"), overrides)


class GenericSpider(SourceSpider):
    name = "generic"
    SITE = ""  # the site file a site's own spider runs (crawler.spider_loader)
    ARGUMENTS = (
        Argument("site", "text", "the site file <GENERIC_SITES_DIR>/<site>.toml"),
        Argument("config", "text", "a site file anywhere (instead of site=)"),
        *SITE_ARGUMENTS,
    )

    def __init__(self, *args, **kwargs):
        site, config = self.site_choice(kwargs)
        super().__init__(*args, name=site or os.path.splitext(os.path.basename(config))[0], **kwargs)
        self.site, self.config_path = site, config
        day = self.arguments["since"]
        self.since = dt.datetime(day.year, day.month, day.day, tzinfo=BEIJING) if day else None
        self.direct_urls = (self.arguments["urls"] or []) + (self.arguments["url_file"] or [])
        self.config: SiteConfig | None = None

    @classmethod
    def site_choice(cls, values: dict) -> tuple[str, str]:
        """(site, config): exactly one of them given, a site by its plain name."""
        if cls.SITE:
            return cls.SITE, ""
        site, config = (str(values.get(k) or "").strip() for k in ("site", "config"))
        if bool(site) == bool(config):
            raise ArgumentError("generic spider: give the site, e.g. -a site=techcrunch (a file of GENERIC_SITES_DIR), "
                                "or -a config=path/to/site.toml" + (", not both" if site else ""))
        if site and not SITE_NAME.fullmatch(site):
            raise ArgumentError(f"generic spider: site must be the name of a file of GENERIC_SITES_DIR "
                                f"(letters, digits, '-', '_'), got {site!r}")
        return site, config

    @classmethod
    def load_config(cls, values: dict, settings) -> SiteConfig:
        """The site file the spider runs: ArgumentError when there is none (a bad -a value),
        UsageError when it cannot be used (a bad site file or hook: exit status 2)."""
        site, path = cls.site_choice(values)
        sites_dir = settings.get("GENERIC_SITES_DIR")
        if path and not os.path.isfile(path):
            raise ArgumentError(f"generic spider: config {path!r} is no file")
        if site and not os.path.isfile(os.path.join(sites_dir, f"{site}.toml")):
            known = ", ".join(p.stem for p in site_file.site_files(sites_dir)) or "none"
            raise ArgumentError(f"generic spider: no site {site!r} in {sites_dir} (sites there: {known})")
        try:
            config = site_config(settings, site=site, path=path)
            for hook in [config.hook, config.page_hook, *(d.hook for d in config.discoveries)]:
                if hook:
                    site_file.load_hook(hook)
        except ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from None
        return config

    @classmethod
    def check_arguments(cls, values: dict, settings) -> None:
        config = cls.load_config(values, settings)
        name = cls.SITE or "generic"
        if (values.get("urls") or values.get("url_file")) and config.carries_body:
            raise ArgumentError(f"{name} spider: urls=/url_file= do not apply: {config.name}'s articles come "
                                "whole with its discovery (no article page)")

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if not cls.SITE:
            return
        try:
            config = site_config(settings, site=cls.SITE)
        except ConfigError:
            return  # refused with its reason before the crawl (check_arguments)
        if config.settings:
            settings.setdict(config.settings, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(cls.load_config({"site": spider.site, "config": spider.config_path}, crawler.settings))
        if not spider.config.enabled_in(crawler.settings):
            # Named, it runs (as `scrapy crawlall <name>` runs it); said once, so that nobody
            # takes its empty or refused answers for a broken site.
            spider.logger.warning("%s is disabled: %s; it runs because it was named",
                                  spider.name, spider.config.why_disabled())
        return spider

    def configure(self, config: SiteConfig) -> None:
        self.config = config
        self.name = config.name
        self.FOLDER, self.LANGUAGE = config.folder, config.language
        self.SECRETS, self.SECRET_HEADERS = config.secrets, config.secret_headers
        if self.limit is None:
            self.limit = config.limit

    # ------------ requests

    def headers(self, accept: str = HTML_ACCEPT) -> dict:
        return {"Accept": accept, **self.config.headers, **self.secret_headers()}

    def discovery_ok(self, response) -> bool:
        if self.denied(response):
            self.inc("discovery_failed")
            return False
        return True

    def page_ok(self, response) -> bool:
        """False (counted, logged) when the article page was refused or is missing."""
        if self.denied(response):
            return False
        if response.status != 200:
            self.page_error(response.url, f"HTTP {response.status}")
            return False
        return True

    def request(self, url: str, callback, errback, accept: str, statuses, *, method="GET", body=None,
                cb_kwargs=None, headers=None, **meta) -> scrapy.Request:
        # A Cookie among the headers is moved into the jar by crawler.cookie_header.
        headers = {**self.headers(accept), **(headers or {})}
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        return scrapy.Request(url, method=method, body=body, headers=headers, callback=callback, errback=errback,
                              dont_filter=True, cb_kwargs=cb_kwargs or {},
                              meta={"handle_httpstatus_list": statuses, **meta})

    def discovery_requests(self):
        pages_wanted = self.arguments["pages"]
        overrides = self.arguments["discovery_url"]
        for block, discovery in enumerate(self.config.discoveries):
            accept = {"list": HTML_ACCEPT, "json": JSON_ACCEPT}.get(discovery.kind, FEED_ACCEPT)
            count = (pages_wanted or discovery.pages) if discovery.paged else 1
            for page in range(1, count + 1):
                for url in overrides or discovery.urls:
                    body = _fill_page(discovery.body, page) if discovery.body is not None else None
                    yield self.request(
                        _with_params(url.replace("{page}", str(page)), _fill_page(discovery.params, page)),
                        self.parse_discovery, self.discovery_failed, accept, [401, 403], method=discovery.method,
                        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")) if body is not None else None,
                        cb_kwargs={"block": block}, headers=discovery.headers)

    def template(self, entry: Entry) -> str:
        config = self.config
        return self.arguments["article_url"] or config.article_url_by_kind.get(entry.kind) or config.article_url

    def missing(self, entry: Entry) -> str:
        """"missing_id" / "missing_link" when the entry's article URL needs what the entry lacks."""
        if entry.body is not None:
            return ""
        template = self.template(entry) + repr(self.config.article_body or "")
        if "{id}" in template and not entry.id:
            return "missing_id"
        if ("{url}" in template or "{path}" in template) and not entry.link:
            return "missing_link"
        return ""

    def article_request(self, entry: Entry) -> scrapy.Request:
        template, config = self.template(entry), self.config
        url = _fill_entry(template, entry)
        accept = JSON_ACCEPT if config.format == "json" else HTML_ACCEPT
        body = None
        if config.article_body is not None:  # an RPC endpoint: the body names the article
            body = json.dumps(_fill_entry(config.article_body, entry), ensure_ascii=False, separators=(",", ":"))
        return self.request(url, self.parse_article, self.article_failed, accept, [401, 403, 404, 410],
                            method="POST" if body is not None else "GET", body=body,
                            cb_kwargs={"entry": entry.to_meta()})

    async def start(self):
        if self.direct_urls:
            for url in self.direct_urls:
                entry = Entry(link=url, id=self.config.article_id(url))
                if self.wanted(entry, key=entry.id or url):
                    for result in self.follow(entry):
                        yield result
            return
        if self.arguments["pages"] and not any(d.paged for d in self.config.discoveries):
            self.logger.warning("%s: pages=%s does nothing: the discovery URLs have no {page}",
                                self.name, self.arguments["pages"])
        for request in self.discovery_requests():
            yield request

    # ------------ discovery

    def is_known(self, entry) -> bool:
        """Is the entry's article in its folder: by its id's file name, else by its link."""
        if not isinstance(entry, Entry):
            return super().is_known(entry)
        block = self.config.discoveries[entry.block]
        if entry.id:
            name = archive_name(entry.id, "", "", block.language)
            return self.index.contains_name(block.language, block.folder, name)
        return self.index.contains_link(block.language, block.folder, entry.link)

    def too_old(self, entry: Entry) -> bool:
        if self.since is None:
            return False
        published = generic.entry_time(entry.published, self.config.timezone)
        return published is not None and published < self.since

    def parse_discovery(self, response, block: int = 0):
        if not self.discovery_ok(response):
            return
        if response.status != 200:
            self.discovery_error(response.url, f"HTTP {response.status}")
            return
        discovery = self.config.discoveries[block]
        page = None
        if discovery.kind == "list":
            page = charset.decode_page(response.body, response.headers.get(b"Content-Type"), self.config.encoding)
        try:
            found = generic.discover(discovery, response.body, response.url, page, self.config.timezone)
        except (ValueError, SourceError) as exc:
            self.discovery_error(response.url, f"unreadable {discovery.kind}: {exc}")
            return
        for stat, count in found.skipped.items():
            self.inc(stat, count)
        if found.children and response.meta.get("sitemap_depth", 0) == 0:
            for child in found.children[:MAX_CHILD_SITEMAPS]:
                yield self.request(child, self.parse_discovery, self.discovery_failed, FEED_ACCEPT, [401, 403],
                                   cb_kwargs={"block": block}, sitemap_depth=1)
            if not found.entries:
                return
        if not found.entries and not found.skipped:
            self.discovery_error(response.url, f"the {discovery.kind} shows no article "
                                               "(layout changed, or include/exclude too strict?)")
            return
        for entry in found.entries:
            entry.block = block
            entry.id = entry.id or self.config.article_id(entry.link, entry.guid)
            if self.wanted(entry, key=entry.id or entry.link, too_old=self.too_old(entry)):
                yield from self.follow(entry)

    def wanted(self, entry: Entry, **take) -> bool:
        """take() for an entry whose article can be had (else counted missing_id/missing_link);
        with `fallback = "summary"` an entry with a link always can."""
        missing = self.missing(entry)
        if missing and not (self.config.fallback and entry.link):
            self.inc(missing)
            self.logger.warning("%s: %s for an entry (%s); its article cannot be requested",
                                self.name, missing.replace("_", " "), entry.link or entry.title)
            return False
        return self.take(entry, **take)

    def follow(self, entry: Entry):
        """The entry's article: made from the entry when the list carries it (or, with no id for
        the article URL, from its summary), else requested."""
        if entry.body is not None:
            yield self.finish(generic.entry_article(self.config, entry))
        elif self.missing(entry):
            self.inc(self.missing(entry))  # the feed's text is all there is
            yield self.finish(generic.entry_article(self.config, entry, summary=True))
        else:
            yield self.article_request(entry)

    # ------------ articles

    def parse_article(self, response, entry=None):
        entry = Entry.from_meta(entry) or Entry(link=response.url, id=self.config.article_id(response.url))
        if not self.page_ok(response):
            yield from self.unavailable(entry)
            return
        if self.config.format == "json":
            try:
                article = generic.json_article(self.config, response.body, entry)
            except SourceError as exc:
                self.page_error(response.url, str(exc))
                yield from self.unavailable(entry)
                return
            if article["drop_reason"] == "empty_body" and self.config.fallback:
                article = generic.entry_article(self.config, entry, summary=True)
            yield self.finish(article)
            return
        html = charset.decode_page(response.body, response.headers.get(b"Content-Type"), self.config.encoding)
        if self.config.follow is not None and not response.meta.get("followed"):
            yield from self.follow_page(response, html, entry)
            return
        extracted = generic.page_article(self.config, response.url, html, entry)
        for name in extracted.fallbacks:
            self.inc(f"fallback/{name}")
        for name in extracted.selector_missed:
            self.inc(f"selector_missed/{name}")
        article = extracted.article
        if article["drop_reason"] in ("no_body", "empty_body") and self.config.fallback:
            article = generic.entry_article(self.config, entry, summary=True)
        elif article["drop_reason"] == "no_body":
            self.page_error(response.url, "no article body: the body selectors and the generic extraction found none")
        yield self.finish(article)

    def follow_page(self, response, html: str, entry: Entry):
        """The request of the article's text that the page names (`[article] follow`), else the
        page counted as failed."""
        follow = self.config.follow
        found = _followed_key(follow, html)
        if not found:
            self.page_error(response.url, f"the page holds no {follow.path or follow.find.pattern!r} (follow)")
            yield from self.unavailable(entry)
            return
        if follow.url == "{found}":  # the key is the URL (a JSON answer's content_url)
            url = urljoin(response.url, found)
        else:
            url = _fill_entry(follow.url.replace("{found}", quote(found, safe="")), entry)
        headers, body = {"Referer": response.url, **follow.headers}, None
        if follow.form:
            body = urlencode({k: _fill_entry(v.replace("{found}", found), entry) for k, v in follow.form.items()})
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
        yield self.request(url, self.parse_article, self.article_failed, "*/*", [401, 403, 404, 410],
                           method="POST" if body is not None else "GET", body=body, headers=headers,
                           cb_kwargs={"entry": entry.to_meta()}, followed=True)

    def unavailable(self, entry: Entry):
        """The article could not be had: with `fallback = "summary"`, the feed's text serves."""
        if self.config.fallback and entry.link:
            yield self.finish(generic.entry_article(self.config, entry, summary=True))

    def article_failed(self, failure):
        self.page_failed(failure)
        request = getattr(failure, "request", None)
        entry = Entry.from_meta(request.cb_kwargs.get("entry")) if request is not None else None
        if entry is not None:
            yield from self.unavailable(entry)

    def finish(self, article):
        """The source's time, else the crawl time (counted), for an article that makes a file;
        one older than `since` is dropped as too_old."""
        if article.get("drop_reason"):
            return article
        if self.since is not None and article.get("published") is not None and article["published"] < self.since:
            article["drop_reason"] = "too_old"
            return article
        article["published"] = self.published_or_now(article.get("published"), article["link"])
        return article


class SiteSpider(GenericSpider):
    """Base of the spider of one site file (made by crawler.spider_loader, named as the file)."""

    name = ""  # not a spider of its own (Scrapy lists classes with a name only)
    ARGUMENTS = SITE_ARGUMENTS


def site_spider(site: str) -> type[SiteSpider]:
    return type(f"Site_{site.replace('-', '_')}", (SiteSpider,), {"name": site, "SITE": site, "__module__": __name__})


def _followed_key(follow, html: str) -> str:
    """The key `[article] follow` finds in an answer: group 1 of `find`, or the string at `path`
    of a JSON answer ("" when there is none)."""
    if follow.path:
        try:
            value = json_api.get(json_api.load_answer(html), follow.path)
        except (ValueError, SourceError):
            return ""
        return value.strip() if isinstance(value, str) else ""
    m = follow.find.search(html)
    return m.group(1) if m else ""


def _fill_entry(value, entry: Entry):
    """A template (or a table of them, an article request's body) with the entry's {url},
    {path} and {id} filled in."""
    if isinstance(value, dict):
        return {k: _fill_entry(v, entry) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_entry(v, entry) for v in value]
    if not isinstance(value, str):
        return value
    return value.replace("{url}", entry.link).replace("{path}", pages.path_of(entry.link)).replace("{id}", entry.id)


def _fill_page(value, page: int):
    """A params/body table with "{page}" filled in (a value that is exactly "{page}" becomes the
    number)."""
    if isinstance(value, dict):
        return {k: _fill_page(v, page) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_page(v, page) for v in value]
    if value == "{page}":
        return page
    return value.replace("{page}", str(page)) if isinstance(value, str) else value


def _with_params(url: str, params: dict) -> str:
    if not params:
        return url
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode({k: _param(v) for k, v in params.items()})) if q)
    return urlunsplit(parts._replace(query=query))


def _param(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

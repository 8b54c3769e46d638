"""`scrapy crawl generic -a site=<name>`: any site described by `<GENERIC_SITES_DIR>/<name>.toml`.

One spider class runs every configured site (the file format is in crawler/sources/generic.py).
The running spider takes the site's name (`spider.name == "techcrunch"`), so its stats
(`techcrunch/discovered`, `/requested`, `/time_fallback`, `/fallback/<field>` ...), its log
lines and its section of the run report are the site's, exactly as for a fixed spider.

Why one class and not one registered spider per file: Scrapy's spider loader only sees classes
defined in SPIDER_MODULES; per-file classes would need a custom SPIDER_LOADER_CLASS that reads
a directory relative to the working directory at every `scrapy list`, and a broken file would
then break every command. With one class a bad file fails only the run that names it, and
`scrapy crawlall` (crawler/commands/crawlall.py) creates one crawler per enabled site.

Arguments (GenericSpider.ARGUMENTS; `scrapy crawlall --list` prints them):
  site=<name>      the site file `<GENERIC_SITES_DIR>/<name>.toml` (required unless config=)
  config=<path>    a site file anywhere (its stem is the site's name)
  limit=N          at most N articles per run (else the file's `limit`, else no limit)
  url=<url>        discovery URL instead of the file's (comma-separated for several)
  article_url=<t>  template of article requests instead of the file's ({url}, {path})
A missing site is a bad argument (exit status 1); a site file that cannot be used is a usage
error (exit status 2), both found before the crawl starts.

Settings: GENERIC_SITES_DIR (default "sites"); the settings/environment variables the site
file names in `secret_headers` (empty: the header is left out).

Stats (besides those of crawler.sources.common.SourceSpider): `<site>/fallback/<field>` for
each field trafilatura served (title, time, body, image, author), `<site>/selector_missed/<field>`
for configured selectors that found nothing; the body fallback is also `body_fallback =
"trafilatura"` on the item (run report: `article/body_fallback/trafilatura`).
"""

from __future__ import annotations

import os
import re

import scrapy
from scrapy.exceptions import UsageError

from crawler.arguments import LIMIT, Argument, ArgumentError
from crawler.sources import generic, pages
from crawler.sources.pages import HTML_ACCEPT

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
MAX_CHILD_SITEMAPS = 20
SITE_NAME = re.compile(r"[A-Za-z0-9_-]+")


class GenericSpider(pages.PageSourceSpider):
    name = "generic"
    ARGUMENTS = (
        Argument("site", "text", "the site file <GENERIC_SITES_DIR>/<site>.toml"),
        Argument("config", "text", "a site file anywhere (instead of site=)"),
        LIMIT,
        Argument("url", "names", "discovery URL(s) instead of the file's"),
        Argument("article_url", "template", "template of article requests ({url}, {path}) instead of the file's"),
    )

    def __init__(self, *args, **kwargs):
        site, config = self.site_choice(kwargs)
        site_name = site or os.path.splitext(os.path.basename(config))[0]
        super().__init__(*args, name=site_name, **kwargs)
        self.site = site
        self.config_path = config
        self.url_override = self.arguments["url"] or []
        self.article_url_override = self.arguments["article_url"] or ""
        self.config: generic.SiteConfig | None = None

    @staticmethod
    def site_choice(values: dict) -> tuple[str, str]:
        """(site, config): exactly one of them given, a site by its plain name."""
        site, config = (str(values.get(k) or "").strip() for k in ("site", "config"))
        if bool(site) == bool(config):
            raise ArgumentError("generic spider: give the site, e.g. -a site=techcrunch (a file of GENERIC_SITES_DIR), "
                                "or -a config=path/to/site.toml" + (", not both" if site else ""))
        if site and not SITE_NAME.fullmatch(site):
            raise ArgumentError(f"generic spider: site must be the name of a file of GENERIC_SITES_DIR "
                                f"(letters, digits, '-', '_'), got {site!r}")
        return site, config

    @classmethod
    def site_config(cls, values: dict, sites_dir: str) -> generic.SiteConfig:
        """The site file the arguments name: ArgumentError when there is none (a bad -a value),
        UsageError when it cannot be used (a bad site file: exit status 2, before anything runs)."""
        site, config_path = cls.site_choice(values)
        if config_path and not os.path.isfile(config_path):
            raise ArgumentError(f"generic spider: config {config_path!r} is no file")
        if site and not os.path.isfile(os.path.join(sites_dir, f"{site}.toml")):
            known = ", ".join(p.stem for p in generic.site_files(sites_dir)) or "none"
            raise ArgumentError(f"generic spider: no site {site!r} in {sites_dir} (sites there: {known})")
        try:
            return generic.load_site_file(config_path) if config_path else generic.load_site(site, sites_dir)
        except generic.ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from None

    @classmethod
    def check_arguments(cls, values: dict, settings) -> None:
        cls.site_config(values, settings.get("GENERIC_SITES_DIR"))

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings.get("GENERIC_SITES_DIR"))
        return spider

    def configure(self, sites_dir: str) -> None:
        config = self.site_config({"site": self.site, "config": self.config_path}, sites_dir)
        self.config = config
        self.name = config.name
        self.FOLDER = config.folder
        self.LANGUAGE = config.language
        self.SECRETS = tuple(config.secret_headers.values())
        if self.limit is None:
            self.limit = config.limit

    # ------------ requests

    def headers(self, accept: str = HTML_ACCEPT) -> dict:
        headers = {"Accept": accept, **self.config.headers}
        for header, setting in self.config.secret_headers.items():
            value = self.setting(setting)
            if value:
                headers[header] = value
        return headers

    def request(self, url: str, callback, errback, accept: str, statuses, **meta) -> scrapy.Request:
        # A Cookie among the headers is moved into the jar by crawler.cookie_header.
        return scrapy.Request(url, headers=self.headers(accept), callback=callback, errback=errback,
                              dont_filter=True, meta={"handle_httpstatus_list": statuses, **meta})

    def discovery_request(self, url: str, callback, accept: str = HTML_ACCEPT, **meta) -> scrapy.Request:
        return self.request(url, callback, self.discovery_failed, accept, [401, 403], **meta)

    def is_known(self, key) -> bool:
        # An article with an id (id_pattern) is known by its file name, else by its link.
        if isinstance(key, str) and key.startswith(("http://", "https://")):
            article_id = self.config.article_id(key)
            if article_id:
                return super().is_known(article_id)
        return super().is_known(key)

    def article_request(self, link: str, callback, **meta) -> scrapy.Request:
        template = self.article_url_override or self.config.article_url
        url = template.format(url=link, path=pages.path_of(link))
        return self.request(url, callback, self.page_failed, HTML_ACCEPT, [401, 403, 404, 410], **meta)

    async def start(self):
        accept = HTML_ACCEPT if self.config.kind == "list" else FEED_ACCEPT
        for url in self.url_override or self.config.urls:
            yield self.discovery_request(url, self.parse_discovery, accept=accept)

    # ------------ discovery

    def parse_discovery(self, response):
        if not self.discovery_ok(response):
            return
        if response.status != 200:
            self.discovery_error(response.url, f"HTTP {response.status}")
            return
        page = None
        if self.config.kind == "list":
            page = generic.decode_page(response.body, response.headers.get(b"Content-Type"), self.config.encoding)
        try:
            entries, children = generic.discover(self.config, response.body, response.url, page)
        except ValueError as exc:
            self.discovery_error(response.url, f"unreadable {self.config.kind}: {exc}")
            return
        if children and response.meta.get("sitemap_depth", 0) == 0:
            for child in children[:MAX_CHILD_SITEMAPS]:
                yield self.discovery_request(child, self.parse_discovery, accept=FEED_ACCEPT, sitemap_depth=1)
            if not entries:
                return
        if not entries:
            self.discovery_error(response.url, f"the {self.config.kind} shows no article link "
                                               "(layout changed, or include/exclude too strict?)")
            return
        for entry in entries:
            if self.take(entry.link):
                yield self.article_request(entry.link, self.parse_article, list_entry=entry.to_meta())

    # ------------ articles

    def parse_article(self, response):
        if not self.page_ok(response):
            return
        html = generic.decode_page(response.body, response.headers.get(b"Content-Type"), self.config.encoding)
        extracted = generic.extract_article(self.config, response.url, html, response.meta.get("list_entry"))
        for name in extracted.fallbacks:
            self.inc(f"fallback/{name}")
        for name in extracted.selector_missed:
            self.inc(f"selector_missed/{name}")
        article = extracted.article
        if article["drop_reason"] == "no_body":
            self.page_error(response.url, "no article body: the body selectors and trafilatura found none")
        yield self.finish(article)

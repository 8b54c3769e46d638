"""Scrapy settings of the news archive crawler.

Every value a user may change is a setting (override with `-s NAME=VALUE` or, for the few
secrets and device ids, environment variables of the same name: crawler/secret.py); see README.md.
"""

from pathlib import Path as _Path

from crawler import drops as _drops

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# Also one spider per site file of GENERIC_SITES_DIR, named as the file (`scrapy crawl sina`).
SPIDER_LOADER_CLASS = "crawler.spider_loader.SiteSpiderLoader"
COMMANDS_MODULE = "crawler.commands"

# Where the archive lives: <ARCHIVE_DIR>/<language>/news/<folder>/<name>.md
ARCHIVE_DIR = "output"
# Drop reasons that last (crawler/drops.py: removed, paid): such articles are remembered in the
# folder's hidden `.dropped.tsv` and not requested again by later runs (empty bodies are
# retried: qq serves them for a while).
ARCHIVE_REMEMBER_DROPS = _drops.remembered()

ITEM_PIPELINES = {
    "pipelines.validate.ValidateArticle": 100,
    # One file per article even when its versions are in the pipelines at once (crawler.claims).
    "pipelines.claim.ClaimArticle": 150,
    "pipelines.body.BodyToMarkdown": 200,  # clean, then Markdown (crawler.body)
    "pipelines.summary.Summarize": 400,
    "pipelines.archive.ArchiveWriter": 500,
}
# Processes that clean and convert the bodies while the crawl goes on (crawler/workers.py):
# "auto" = one per core beyond the crawl's own, at most 2 (none on a single core); 0 = in
# the crawl's own thread; a number. Started with the first article, not for an empty night.
BODY_WORKERS = "auto"
# Seconds one body's conversion may run in a worker process; past it the worker is killed and
# replaced and the article dropped as `convert_timeout` (0: no limit). In the crawl's own
# thread (BODY_WORKERS=0, or workers given up) nothing can interrupt it: there is no limit.
BODY_CONVERT_TIMEOUT = 60

EXTENSIONS = {
    "crawler.extensions.DropCounter": 0,
    "crawler.lock.ArchiveLock": -100,  # first: the archive lock (issue 4, block at the end)
}

# One short line per dropped item (reason and link) instead of Scrapy's dump of the item.
LOG_FORMATTER = "crawler.logformatter.ArticleLogFormatter"

# Politeness: a User-Agent naming the project, robots.txt, AutoThrottle, per-domain limit.
USER_AGENT = "newsarchive (+https://github.com/newsarchive/newsarchive; Scrapy news archive crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 3
# Beyond this a response is refused (a news page is far smaller).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

LOG_LEVEL = "INFO"
# No remote control: an unattended nightly job listens on no port. Scrapy has two, both on by
# default and both running any Python code sent to them inside the crawl: the telnet console
# (127.0.0.1:6023+) and RemoteControl (Scrapy 2.19: an HTTP server on a random local port
# whose token is written to a job file in the user's profile). Turn one on for a debugging
# session with -s TELNETCONSOLE_ENABLED=True or -s REMOTE_CONTROL_ENABLED=True.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# ------------
# qq (crawler/spiders/qq.py). Spider arguments override: -a channels=a,b -a pages=N -a hot=1.
# QQ_DEVICE_ID, QQ_QIMEI36 and QQ_COOKIE are read from these settings or, when empty, from
# the environment variables of the same names; they are never written in code.
QQ_FEED_URL = "https://i.news.qq.com/web_feed/getPCList"
QQ_CHANNELS = ["news_news_finance"]  # others seen in public code: docs/qq.md
QQ_PAGES = 1  # flush_num 1..QQ_PAGES per channel
QQ_ITEM_COUNT = 12
QQ_HOT_ENABLED = False
QQ_HOT_URL = "https://r.inews.qq.com/gw/event/hot_ranking_list?page_size=50"
QQ_REFERER = "https://news.qq.com/"
# Feed entries pointing to other hosts are not fetched (counted as qq/offsite); the hosts of
# QQ_FEED_URL / QQ_HOT_URL are allowed too, so a mirror or a test server serves its own pages.
QQ_ARTICLE_DOMAINS = ["qq.com"]
QQ_DEVICE_ID = ""
QQ_QIMEI36 = ""
QQ_COOKIE = ""

# --- Record/replay, run report, exit status (crawler/fixtures.py, crawler/report.py) ------
# FIXTURES_RECORD = "fixtures/qq/<name>"  records every request and response of the crawl;
# FIXTURES_REPLAY = "fixtures/qq/<name>"  replays it with no network (a miss: exit status 5).
FIXTURES_RECORD = None
FIXTURES_REPLAY = None
DOWNLOADER_MIDDLEWARES = {
    "crawler.failed_downloads.FailedDownloads": 10,
    # A spider's Cookie header (QQ_COOKIE ...) goes into the jar: see the module.
    "crawler.cookie_header.CookieHeaderToJar": 690,
    "crawler.fixtures.FixturesMiddleware": 950,
}
EXTENSIONS["crawler.report.RunReport"] = 1000
# Path of the JSON run report written at the end of a run (None: no file).
RUN_REPORT = None
# More errors than this (counted from the events, not log lines: crawler.report.ERROR_KINDS): exit 1.
RUN_MAX_ERRORS = 0
# Drop reasons that do not count as an extraction failure (exit 3) when nothing is written:
# the article's own state (crawler/drops.py: removed, paid, empty_body, too_old, duplicate).
RUN_HEALTHY_DROP_REASONS = _drops.healthy()

# ------------
# Nightly operation (issue 4): the archive lock (crawler/lock.py) and field coverage
# (crawler/report.py). Exit statuses 7 (locked) and 8 (coverage): docs/exit-statuses.md.
# A second run on the same ARCHIVE_DIR while one runs logs one line and exits with status 7.
ARCHIVE_LOCK = True
ARCHIVE_LOCK_FILE = ".newsarchive.lock"  # hidden: Hugo ignores dotfiles
# Least share of the written articles with a non-empty field (the body's share also counts
# the articles dropped for an empty body); below it the run exits with status 8.
# Every source has bodies; thumbnail and author thresholds are set per spider where the source
# gives them (qq: QqSpider.custom_settings), since many sources have neither.
RUN_MIN_COVERAGE = {"body": 0.9}
# Coverage is judged only when at least this many articles were written (or, for the body,
# written or dropped for an empty body): a run that finds little or nothing new is healthy.
RUN_COVERAGE_MIN_ITEMS = 5
# Wait as long as a 429/503's Retry-After asks (at most RETRY_AFTER_MAX seconds) before the
# retry: Scrapy's RetryMiddleware re-sends at once (crawler/retry_after.py).
DOWNLOADER_MIDDLEWARES["crawler.retry_after.RetryAfter"] = 560
RETRY_AFTER_MAX = 120

# ------------
# Generic source and `scrapy crawlall` (crawler/sources/generic.py, crawler/spiders/generic.py,
# crawler/commands/crawlall.py).
# Directory of the site files (<name>.toml): each is a source, `scrapy crawl <name>`, also run by
# `scrapy crawlall`: the checkout's `sites/` wherever the command is run from (scripts/crawl
# runs in the user's directory); a relative path given with -s is relative to the working directory.
GENERIC_SITES_DIR = str(_Path(__file__).resolve().parent.parent / "sites")
# Values of site files replaced for a run, by site and dotted key (checked as the file is):
# {"sina": {"discovery.url": "http://127.0.0.1:8000/roll?page={page}", "request.article_url": "http://127.0.0.1:8000{path}"}}
# (docs/adding-a-source.md). Each site's defaults live in its file only.
SITE_OVERRIDES = {}
# Sources `scrapy crawlall` runs: [] = every spider of the project that is a source (not
# `generic`) plus every site file with `enabled = true`; else these names
# (spiders or sites; a named site runs even with `enabled = false`).
CRAWLALL_SPIDERS = []
# Sources never run by `scrapy crawlall` (wins over CRAWLALL_SPIDERS).
CRAWLALL_DISABLED = []
# Settings for one source only: {"qq": {"QQ_PAGES": 3}, "techcrunch": {"DOWNLOAD_DELAY": 2}}.
CRAWLALL_SOURCE_SETTINGS = {}

# ------------
# Run history and alerts (crawler/run_history.py, crawler/alerts.py, `scrapy runs`; docs/runs.md).
# Every run's JSON report is kept as one new file per run and source in this folder; a
# relative path is inside ARCHIVE_DIR (a hidden folder: Hugo publishes none); "" keeps none.
RUN_HISTORY_DIR = ".newsarchive-runs"
# A Slack-compatible incoming webhook (JSON {"text": ...}) posted once for every run whose exit
# status is not 0. A secret: empty here, read from the environment variable of the same name.
RUN_ALERT_WEBHOOK = ""
# Seconds the post may take; the run's close waits for it at most this long (plus one).
RUN_ALERT_TIMEOUT = 10
# The run's last error lines into its stats (LastErrors, ErrorLines: beside the engine, they
# see what is final); history and alerts after RunReport (they get the finished report).
EXTENSIONS["crawler.run_history.LastErrors"] = 900
EXTENSIONS["crawler.run_history.RunHistory"] = 1100
EXTENSIONS["crawler.alerts.RunAlerts"] = 1110
DOWNLOADER_MIDDLEWARES["crawler.run_history.ErrorLines"] = 5

# ------------
# Kept images, opt-in (pipelines/images.py, crawler/images.py, docs/images.md). With
# IMAGES_STORE set (the Hugo site's static/ folder, or an s3://, gs:// or ftp:// URI of Scrapy's
# FilesPipeline), every new article's thumbnail and body images are downloaded once into
# <IMAGES_STORE>/images/<sha1 of the URL><extension>, and the file points at IMAGES_URL_PREFIX
# + that path (a site path, or the http(s) URL the store is published at). Unset: the stage is
# off and the files are the archive's format byte for byte.
IMAGES_STORE = None
IMAGES_URL_PREFIX = "/"
# A larger image is not kept (its URL stays): the download is cancelled at this size.
IMAGES_MAX_BYTES = 10 * 1024 * 1024
# After the body and summary, before the writer: a file is written once its images are settled.
ITEM_PIPELINES["pipelines.images.KeepImages"] = 450
# Inside RetryMiddleware (550): an image request's final failure is the images stage's count.
DOWNLOADER_MIDDLEWARES["crawler.images.ImageDownloads"] = 540
# An image host's redirect (http -> https, a CDN) is followed (Scrapy's media pipelines don't).
MEDIA_ALLOW_REDIRECTS = True

# ------------
# Several processes or machines on one crawl (crawler/distributed.py, docs/distributed.md).
# redis://host:6379/0 makes the crawl distributed through scrapy-redis (the `redis` extra);
# empty: one process, as always. Read from this setting only (-s REDIS_URL=...), not from the
# environment: many programs set a REDIS_URL variable, and a crawl must not join a shared
# queue by accident (None, not "": empty-string settings are the secrets read from the
# environment, and the nightly workflow passes each of those).
REDIS_URL = None
# The Redis password (a secret: empty here, read from the environment variable of the same
# name; a password written into REDIS_URL works too, but shows in the process list).
REDIS_PASSWORD = ""
# Seconds without a heartbeat after which the other processes of a distributed run count a
# process as dead (killed): they stop waiting for it; what it had taken and not written is
# requested by the next run.
REDIS_MEMBER_TIMEOUT = 30
# Add-ons (Scrapy's ADDONS): RedisAddon changes nothing unless REDIS_URL is set.
ADDONS = {"crawler.distributed.RedisAddon": 0}

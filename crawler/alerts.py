"""Alerts: one message to a Slack-compatible webhook for every run that is not healthy.

`RunAlerts` (EXTENSIONS) posts `{"text": ...}` to RUN_ALERT_WEBHOOK (empty: the environment
variable of that name; neither: off) when the run report is ready with a non-zero exit
status. The post runs in a thread of its own, bounded by RUN_ALERT_TIMEOUT; the run's close
waits for it at most that long and the reactor never does (after a second SIGTERM stopped the
reactor, the command's own thread posts, bounded the same). A post that fails is one WARNING
line: it never changes the run's status, which is decided before, nor its report. Why not
spidermon's actions: docs/runs.md.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.secret import secret
from crawler.signals import run_report_ready

logger = logging.getLogger(__name__)

MAX_TEXT = 3000  # Slack shows about 4,000 characters of a message before cutting it
USER_AGENT = "newsarchive-alerts"


def webhook_url(settings) -> str:
    return secret(settings, "RUN_ALERT_WEBHOOK")


def _slack_escape(text: str) -> str:
    # Slack reads <...> as links and mentions (<!channel>): hostile text is escaped as it asks.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _count(value) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def alert_text(report: dict, host: str | None = None) -> str:
    """The message: source and status, the one line the command prints, the counts."""
    source = str(report.get("spider", "?"))
    status = report.get("exit_status") or {}
    code, name = status.get("code"), status.get("name", "")
    line = f"{source}: exit status {code} ({name}): " + "; ".join(str(r) for r in status.get("reasons") or [])
    dropped = report.get("dropped") if isinstance(report.get("dropped"), dict) else {}
    dropped_total = sum(_count(n) for n in dropped.values())
    by_reason = ", ".join(f"{reason} {_count(n)}" for reason, n in sorted(dropped.items()))
    errors = report.get("errors") if isinstance(report.get("errors"), dict) else {}
    counts = (f"discovered {_count(report.get('discovered'))}, requested {_count(report.get('requested'))}, "
              f"written {_count(report.get('written'))}, dropped {dropped_total}"
              + (f" ({by_reason})" if by_reason else "")
              + f", errors {_count(errors.get('counted'))}")
    started = f"started {report.get('start_time', '?')}, {report.get('duration_seconds', '?')} s"
    head = f"newsarchive run not healthy: {source}, exit status {code} ({name})"
    where = f" on {host}" if host else ""
    text = "\n".join([head + where, line, counts, started])
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT - 1] + "…"
    return _slack_escape(text)


def post_json(url: str, payload: dict, timeout: float) -> str:
    """POST `payload` as JSON; returns "" when the server answered 2xx, else what went wrong."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            response.read(64 * 1024)
            return ""
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return f"{type(reason).__name__}: {reason}" if not isinstance(reason, str) else reason


def webhook_problem(url: str) -> str:
    """Why `url` cannot be posted to ("" when it can). A webhook that is no URL fails like one
    that does not answer (a WARNING; the run's status is its own). The URL itself is a secret:
    never logged."""
    parts = urlsplit(url)
    return "" if parts.scheme in ("http", "https") and parts.netloc else "RUN_ALERT_WEBHOOK is not an http(s) URL"


def send_alert(settings, report: dict) -> str | None:
    """Post the alert of `report` now, in this thread (a run without a crawler: one that never
    started); None when no alert is due, "" when posted, else what went wrong (logged)."""
    url = webhook_url(settings)
    if not url or not (report.get("exit_status") or {}).get("code"):
        return None
    outcome = webhook_problem(url) or post_json(url, {"text": alert_text(report, socket.gethostname())},
                                                settings.getfloat("RUN_ALERT_TIMEOUT"))
    if outcome:
        logger.warning("Run alert not posted: %s", outcome)
    else:
        logger.info("Run alert posted")
    return outcome


class RunAlerts:
    """Posts one alert per unhealthy run (see the module docstring)."""

    def __init__(self, crawler, url: str, timeout: float):
        self.crawler = crawler
        self.url = url
        self.timeout = timeout
        self.problem = webhook_problem(url)
        self.pending = None  # the Deferred of a post under way

    @classmethod
    def from_crawler(cls, crawler):
        url = webhook_url(crawler.settings)
        if not url:
            raise NotConfigured  # no message: Scrapy would log one at WARNING
        ext = cls(crawler, url, crawler.settings.getfloat("RUN_ALERT_TIMEOUT"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.report_ready, signal=run_report_ready)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        if self.problem:
            logger.warning("%s: no alert can be posted", self.problem, extra={"spider": spider})

    def report_ready(self, report, spider=None):
        status = report.get("exit_status") or {}
        if not status.get("code"):
            return
        if self.problem:
            self.crawler.stats.inc_value("run_alert/failed")
            logger.warning("Run alert not posted: %s", self.problem, extra={"spider": spider})
            return
        payload = {"text": alert_text(report, socket.gethostname())}
        from twisted.internet import reactor

        if not reactor.running:
            # The report of a run whose reactor a second SIGTERM stopped (RunReport.finish_unclosed):
            # no loop is left to wait for a thread, so the post is made here, within its timeout.
            self._outcome(post_json(self.url, payload, self.timeout), spider)
            return
        self.pending = self._post_in_thread(payload, spider)

    def _outcome(self, outcome: str, spider) -> None:
        stats = self.crawler.stats
        if outcome:
            stats.inc_value("run_alert/failed")
            logger.warning("Run alert not posted: %s", outcome, extra={"spider": spider})
        else:
            stats.inc_value("run_alert/posted")
            logger.info("Run alert posted", extra={"spider": spider})

    def _post_in_thread(self, payload: dict, spider):
        from twisted.internet import defer, reactor

        done = defer.Deferred()

        def settle(outcome: str) -> None:
            if not done.called:
                done.callback(outcome)

        def work() -> None:
            outcome = post_json(self.url, payload, self.timeout)
            reactor.callFromThread(settle, outcome)

        # A daemon thread: a post that hangs past the deadline cannot keep the process alive.
        threading.Thread(target=work, name="run-alert", daemon=True).start()
        timer = reactor.callLater(self.timeout + 1, settle, f"no answer within {self.timeout:g} s")

        def report_outcome(outcome: str) -> None:
            if timer.active():
                timer.cancel()
            self._outcome(outcome, spider)

        done.addCallback(report_outcome)
        return done

    async def spider_closed(self, spider, reason):
        # After RunReport's handler (a later extension): the post started there is awaited.
        if self.pending is not None:
            await maybe_deferred_to_future(self.pending)

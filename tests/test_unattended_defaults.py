"""Defaults for an unattended nightly job: no remote control listening, a short `crawlall -h`.

Scrapy has two remote controls, both on by default: the telnet console and (2.19) the
RemoteControl HTTP server. The project's settings turn both off; a fresh interpreter builds a
Crawler from them the way `scrapy crawl` does and lists the extensions Scrapy enabled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.cli import run_scrapy

ROOT = Path(__file__).resolve().parents[1]
TELNET = "scrapy.extensions.telnet.TelnetConsole"
REMOTE = "scrapy.extensions.remote_control.RemoteControl"

ENABLED_EXTENSIONS = """
import json, sys
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor

settings = get_project_settings()
for pair in sys.argv[1:]:
    name, value = pair.split("=", 1)
    settings.set(name, value, priority="cmdline")
install_reactor(settings["TWISTED_REACTOR"])
crawler = Crawler(Spider, settings)
crawler._apply_settings()
print(json.dumps([f"{type(m).__module__}.{type(m).__name__}" for m in crawler.extensions.middlewares]))
"""


def enabled_extensions(*settings: str) -> list[str]:
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-c", ENABLED_EXTENSIONS, *settings], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_telnet_console_nor_remote_control_by_default():
    enabled = enabled_extensions()
    assert "crawler.report.RunReport" in enabled  # the project's settings were read
    assert TELNET not in enabled and REMOTE not in enabled
    # Either one can still be turned on for a debugging session (and would be seen here).
    assert {TELNET, REMOTE} <= set(enabled_extensions("TELNETCONSOLE_ENABLED=True", "REMOTE_CONTROL_ENABLED=True"))


def test_crawlall_help_is_short_and_names_its_options_and_the_docs():
    result = run_scrapy("crawlall", "-h")
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout
    description = text.split("Options\n=======")[0].split("[source ...]", 1)[1].strip()
    assert 0 < len(description.splitlines()) <= 8, description
    for word in ("CRAWLALL_SPIDERS", "CRAWLALL_DISABLED", "CRAWLALL_SOURCE_SETTINGS", "RUN_REPORT",
                 "docs/crawlall.md"):
        assert word in description, word
    for internal in ("SourceLogCount", "LogCount", "crawler.report", "PRECEDENCE", "CrawlerProcess", "build_report"):
        assert internal not in text, internal
    for option in ("--list", "-a NAME=VALUE", "-s NAME=VALUE"):
        assert option in text, option
    assert (ROOT / "docs" / "crawlall.md").is_file()

"""docs/sources.md against the sources themselves: every language/folder pair `scrapy crawlall
--list` prints has its row, every row names a listed pair, and each row's discovery kind,
enabled state and secrets are the source's, so the table cannot drift silently."""

from __future__ import annotations

import re
from pathlib import Path

from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.sources.site_file import load_sites
from crawler.spider_loader import SiteSpiderLoader
from tests.support.cli import run_scrapy

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "sources.md"
ROW = re.compile(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*`([^`]+/[^`]+)`\s*\|")
# the table's columns, as its header names them
SOURCE, PAIR, FILES, DISCOVERY, BODY, TIME, SECRET, ENABLED, REAL_ITEMS = range(9)


def doc_rows(text: str) -> dict[tuple[str, str], list[str]]:
    """(source, language/folder) -> the row's cells, for every row of the table."""
    rows = {}
    for line in text.splitlines():
        if ROW.match(line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == REAL_ITEMS + 1, f"a row of {len(cells)} cells: {line}"
            key = (cells[SOURCE].strip("`"), cells[PAIR].strip("`"))
            assert key not in rows, f"two rows for {key}"
            rows[key] = cells
    return rows


def listed() -> dict[tuple[str, str], tuple[str, str]]:
    """(source, language/folder) -> (kind, enabled or the reason), as `crawlall --list` prints it
    with no secret set (a source with `enabled_by` would otherwise be on)."""
    unset = {c.enabled_by: "" for c in load_sites(ROOT / "sites") if c.enabled_by}
    result = run_scrapy("crawlall", "--list", env=unset)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = {}
    for line in result.stdout.splitlines():
        name, kind, pair, state = line.split("\t")
        lines[(name, pair)] = (kind, state)
    return lines


def secrets_of(name: str) -> set[str]:
    """The setting/environment names the source sends secrets from."""
    configs = {c.name: c for c in load_sites(ROOT / "sites")}
    if name in configs:
        return set(configs[name].secrets)
    settings = Settings()
    settings.setmodule(project_settings)
    return set(SiteSpiderLoader.from_settings(settings).load(name).SECRETS)


def test_every_listed_pair_has_its_row_and_every_row_a_source():
    rows, sources = doc_rows(DOC.read_text(encoding="utf-8")), listed()
    assert sorted(set(sources) - set(rows)) == [], "pairs without a row in docs/sources.md"
    assert sorted(set(rows) - set(sources)) == [], "rows of docs/sources.md naming no listed source"
    for key, (kind, state) in sources.items():
        cells = rows[key]
        assert re.match(rf"`{re.escape(kind)}`", cells[DISCOVERY]), (key, kind, cells[DISCOVERY])
        assert (cells[ENABLED] == "enabled") == (state == "enabled"), (key, state, cells[ENABLED])
        if state != "enabled":
            assert cells[ENABLED].startswith("disabled"), (key, cells[ENABLED])


def test_every_row_names_the_sources_secrets():
    for (name, pair), cells in doc_rows(DOC.read_text(encoding="utf-8")).items():
        named = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[SECRET]))
        assert named == secrets_of(name), (name, pair, cells[SECRET])
        required = cells[SECRET].endswith("required")
        assert required == (cells[ENABLED] != "enabled"), (name, pair, cells[SECRET], cells[ENABLED])

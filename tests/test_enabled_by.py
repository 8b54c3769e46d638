"""`enabled_by` in a site file: a source held back only by a secret is off until that secret is
set (the setting, else the environment variable), then `scrapy crawlall` runs it unnamed, with
no change to the file; `--list` says which variable to set; named, it runs and warns once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.sources import site_file
from tests.support.cli import run_scrapy
from tests.support.crawls import archive_files

ROOT = Path(__file__).resolve().parents[1]
QUIET = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0")
BASE = {"folder": "demo", "language": "en", "discovery": {"kind": "rss", "url": "http://127.0.0.1:9/feed"},
        "request": {"secret_headers": {"Cookie": "DEMO_COOKIE", "X-Token": "DEMO_TOKEN"}}}

# An invented site off until LOCKED_TEST_COOKIE is set.
LOCKED = ('folder = "locked"\nlanguage = "en"\nenabled_by = "LOCKED_TEST_COOKIE"\n'
          'disabled_reason = "invented: the test  server wants a session"\n'
          '[discovery]\nkind = "rss"\nurl = "http://127.0.0.1:9/f"\n'
          '[request]\nsecret_headers = { Cookie = "LOCKED_TEST_COOKIE" }\n')

# The site files whose only obstacle is a secret, and that secret (read from their reasons);
# fx168 also wants a secret but was stopped over copyright: plain enabled = false.
BY_SECRET = {
    "tradingview": "TRADINGVIEW_COOKIE", "seekalpha": "SEEKALPHA_COOKIE",
    "businessstandard": "BUSINESSSTANDARD_COOKIE", "hibor": "HIBOR_COOKIE", "mingpao": "MINGPAO_COOKIE",
    "lieyun": "LIEYUN_COOKIE", "stockinvest": "STOCKINVEST_COOKIE", "etf": "ETF_COOKIE",
    "digitalcommerce360": "DIGITALCOMMERCE360_ALGOLIA_KEY",
}
UNSET = {name: "" for name in [*BY_SECRET.values(), "FX168_PCC", "LOCKED_TEST_COOKIE"]}


def parse(**changes) -> site_file.SiteConfig:
    return site_file.parse_site({**BASE, **changes}, "demo")


def sites_dir(tmp_path: Path, *real: str, extra: dict | None = None) -> Path:
    directory = tmp_path / "sites"
    directory.mkdir()
    for name in real:
        shutil.copy(ROOT / "sites" / f"{name}.toml", directory / f"{name}.toml")
    for name, text in (extra or {}).items():
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


# ------------ the key


@pytest.mark.parametrize("changes, message", [
    ({"enabled_by": "OTHER_COOKIE", "disabled_reason": "x"},
     "demo.toml: enabled_by must name one of the site's secrets (request.secret_headers: DEMO_COOKIE, DEMO_TOKEN), "
     "got 'OTHER_COOKIE'"),
    ({"enabled_by": "", "disabled_reason": "x"}, "enabled_by must name one of the site's secrets"),
    ({"enabled_by": "DEMO_COOKIE"}, "demo.toml: enabled_by needs disabled_reason (why, in one line)"),
    ({"enabled_by": "DEMO_COOKIE", "enabled": False, "disabled_reason": "x"},
     "give enabled or enabled_by, not both"),
    ({"enabled_by": "DEMO_COOKIE", "enabled": True, "disabled_reason": "x"}, "give enabled or enabled_by, not both"),
])
def test_enabled_by_must_name_a_secret_of_the_site_and_give_a_reason(changes, message):
    with pytest.raises(site_file.ConfigError) as refused:
        parse(**changes)
    assert message in str(refused.value)


def test_enabled_exactly_when_the_setting_or_else_the_environment_variable_is_set(monkeypatch):
    config = parse(enabled_by="DEMO_TOKEN", disabled_reason="needs  a token")
    assert (config.enabled, config.enabled_by) == (False, "DEMO_TOKEN")
    assert config.why_disabled() == "needs a token (set DEMO_TOKEN)"
    monkeypatch.delenv("DEMO_TOKEN", raising=False)
    assert not config.enabled_in(Settings()) and not config.enabled_in(Settings({"DEMO_TOKEN": ""}))
    assert config.enabled_in(Settings({"DEMO_TOKEN": "t0ken"}))
    assert not config.enabled_in(Settings({"DEMO_COOKIE": "c"}))  # another secret of the site
    monkeypatch.setenv("DEMO_TOKEN", "from-env")
    assert config.enabled_in(Settings()) and config.enabled_in(Settings({"DEMO_TOKEN": ""}))
    plain = parse(enabled=False, disabled_reason="stopped")
    assert not plain.enabled_in(Settings()) and plain.why_disabled() == "stopped"


# ------------ scrapy crawlall --list


def test_list_says_which_variable_to_set_and_enables_the_source_once_it_is_set(tmp_path):
    sites = sites_dir(tmp_path, "c114", extra={"locked": LOCKED})
    args = ("crawlall", "--list", "-s", f"GENERIC_SITES_DIR={sites}")
    off = "locked\trss\ten/locked\tdisabled: invented: the test server wants a session (set LOCKED_TEST_COOKIE)\n"
    on = "locked\trss\ten/locked\tenabled\n"
    head = "qq\tjson\tzh-CN/qq\tenabled\nc114\tlist\tzh-CN/c114\tenabled\n"
    for extra, env, state in [
        ((), UNSET, off),
        ((), {**UNSET, "LOCKED_TEST_COOKIE": "session=abc"}, on),  # the environment variable
        (("-s", "LOCKED_TEST_COOKIE=session=abc"), UNSET, on),  # the setting
        (("-s", "CRAWLALL_DISABLED=locked"), {**UNSET, "LOCKED_TEST_COOKIE": "x"},
         "locked\trss\ten/locked\tdisabled: CRAWLALL_DISABLED\n"),
    ]:
        result = run_scrapy(*args, *extra, env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout == head + state, (extra, env)


def test_the_site_files_held_back_by_a_secret_start_when_it_is_set():
    """Every site file whose only obstacle is a secret turns enabled with that variable in the
    environment, and no other does (fx168: plain enabled = false)."""
    def states(env):
        result = run_scrapy("crawlall", "--list", env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        return {line.split("\t")[0]: line.split("\t")[3] for line in result.stdout.splitlines()}

    before = states(UNSET)
    for name, variable in BY_SECRET.items():
        assert before[name].startswith("disabled: ") and before[name].endswith(f" (set {variable})"), before[name]
    assert before["fx168"].startswith("disabled: ") and "(set " not in before["fx168"]
    after = states({**UNSET, **{v: "invented-secret" for v in [*BY_SECRET.values(), "FX168_PCC"]}})
    assert sorted(name for name, state in after.items() if state != before[name]) == sorted(BY_SECRET)
    assert all(after[name] == "enabled" for name in BY_SECRET) and after["fx168"] == before["fx168"]


# ------------ the offline nightly job


def test_crawlall_runs_the_source_only_once_its_variable_is_set(tmp_path, capsys):
    """`scrapy crawlall -s FIXTURES_REPLAY=fixtures` over real site files (c114 enabled,
    tradingview enabled_by TRADINGVIEW_COOKIE, fx168 enabled = false): tradingview's replayed
    crawl runs only with TRADINGVIEW_COOKIE in the environment; fx168 never, FX168_PCC or not."""
    sites = sites_dir(tmp_path, "c114", "tradingview", "fx168")
    expected = {name: archive_files(ROOT / "fixtures" / name / "nightly" / "expected") for name in ("c114", "tradingview")}

    def night(label: str, env: dict):
        archive, path = tmp_path / label, tmp_path / f"{label}.json"
        result = run_scrapy("crawlall", "-s", "FIXTURES_REPLAY=fixtures", "-s", f"GENERIC_SITES_DIR={sites}",
                            "-s", "CRAWLALL_DISABLED=qq", "-s", f"ARCHIVE_DIR={archive}", "-s", f"RUN_REPORT={path}",
                            *QUIET, env={**UNSET, **env})
        assert path.is_file(), result.stderr[-3000:]
        combined = json.loads(path.read_text(encoding="utf-8"))
        assert result.returncode == 0 and combined["exit_status"]["code"] == 0, combined["exit_status"]
        return combined, archive_files(archive)

    without, files = night("without", {"FX168_PCC": "invented-pcc"})
    assert list(without["sources"]) == ["c114"] and without["totals"]["written"] == 3
    assert files == expected["c114"]

    with_it, files = night("with", {"TRADINGVIEW_COOKIE": "sessionid=invented", "FX168_PCC": "invented-pcc"})
    assert list(with_it["sources"]) == ["c114", "tradingview"]
    assert with_it["sources"]["tradingview"]["written"] == len(expected["tradingview"]) == 3
    assert files == {**expected["c114"], **expected["tradingview"]}
    with capsys.disabled():
        print(f"\nenabled_by: without the variable {without['summary']}; with it {with_it['summary']}")


# ------------ scrapy crawl <name>


def test_crawl_of_a_disabled_source_runs_when_named_and_warns_once(tmp_path):
    replay = str(ROOT / "fixtures" / "tradingview" / "nightly")

    def crawl(label: str, env: dict):
        path = tmp_path / f"{label}.json"
        result = run_scrapy("crawl", "tradingview", "-s", f"FIXTURES_REPLAY={replay}", "-s",
                            f"ARCHIVE_DIR={tmp_path / label}", "-s", f"RUN_REPORT={path}", *QUIET, env={**UNSET, **env})
        assert result.returncode == 0, result.stderr[-3000:]
        assert json.loads(path.read_text(encoding="utf-8"))["written"] == 3
        return [line for line in result.stderr.splitlines() if "tradingview is disabled" in line]

    warned = crawl("off", {})
    assert len(warned) == 1 and warned[0].endswith(" (set TRADINGVIEW_COOKIE); it runs because it was named"), warned
    assert "WARNING" in warned[0]
    assert crawl("on", {"TRADINGVIEW_COOKIE": "sessionid=invented"}) == []

"""The nightly workflow's own steps (scripts/nightly-publish, scripts/crawl) run for real.

A Hugo site of our own lives in a local bare git repository; each test checks it out the way
actions/checkout does (a shallow clone), runs the script that .github/workflows/nightly.yml runs
with a replayed crawl of fixtures/qq/nightly (real Scrapy, real hugo, real git), and looks at
what reached the bare repository. Expected articles are the fixture's own `expected/` files and
counts from its hand-written crawl.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
import uuid
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from tests.support.hugo import require_hugo

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "qq" / "nightly"
CRAWL = json.loads((FIXTURE / "crawl.json").read_text(encoding="utf-8"))
REPLAY = ("qq", "-s", f"FIXTURES_REPLAY={FIXTURE}", *CRAWL["args"], "-s", "BODY_WORKERS=0")
EXPECTED = {p.name: p.read_bytes() for p in (FIXTURE / "expected" / "zh-CN" / "news" / "qq").glob("*.md")}
QQ_DIR = "content/zh-CN/news/qq"
RUNS_DIR = "content/.newsarchive-runs"  # RUN_HISTORY_DIR's default, inside ARCHIVE_DIR
RUN_FILE = re.compile(rf"^{re.escape(RUNS_DIR)}/\d{{8}}T\d{{6}}Z_qq_\d+\.json$")  # crawler/run_history.py
EXIT_BUILD, EXIT_PUSH = 10, 11  # scripts/nightly-publish's own statuses (docs/nightly.md)

HUGO = require_hugo()

SITE = ROOT / "examples" / "site"  # the README's example site


@pytest.fixture
def env(tmp_path):
    """The environment of every git and script call: no global or system git configuration of
    the machine (identity, hooks, signing), the venv used as it is (no install)."""
    config = tmp_path / "gitconfig"
    config.write_text("", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "SCRAPY_"))}
    environment.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1", NEWSARCHIVE_NO_INSTALL="1",
                       HUGO=HUGO)
    return environment


def git(env, cwd, *args, check=True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr}")
    return result.stdout


def commit_as(env, cwd, message):
    git(env, cwd, "-c", "user.name=editor", "-c", "user.email=editor@example.invalid", "commit", "-q", "-m", message)


def site_repository(tmp_path, env) -> Path:
    """A bare repository holding a small Hugo site with no article yet."""
    bare = tmp_path / "site.git"
    git(env, tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp_path / "seed"
    shutil.copytree(SITE, seed)
    git(env, seed, "init", "-q", "-b", "main")
    git(env, seed, "add", ".")
    commit_as(env, seed, "site")
    git(env, seed, "push", "-q", str(bare), "main")
    return bare


def checkout(env, bare, dest, depth=True) -> Path:
    git(env, dest.parent, "clone", "-q", *(["--depth", "1"] if depth else []), bare.as_uri(), str(dest))
    return dest


def nightly(env, site, logs, *options) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / "nightly-publish"), "--logs", str(logs), *options, str(site), *REPLAY],
                          cwd=site.parent, env=env, capture_output=True, text=True, timeout=300)


def head(env, repo) -> str:
    return git(env, repo, "rev-parse", "main").strip()


def tree(env, repo, rev="main") -> set[str]:
    return set(git(env, repo, "ls-tree", "-r", "--name-only", rev).splitlines())


def show(env, repo, path, rev="main") -> bytes:
    return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=repo, env=env, capture_output=True,
                          check=True).stdout


def ledger_lines(env, repo, rev="main") -> set[str]:
    return set(show(env, repo, f"{QQ_DIR}/.dropped.tsv", rev).decode().splitlines())


def committed(env, repo, rev="main") -> list[tuple[str, str]]:
    """(status, path) of every file the commit `rev` changed."""
    lines = git(env, repo, "show", "--name-status", "--format=", rev).splitlines()
    return sorted(tuple(line.split("\t", 1)) for line in lines if line)


def run_files(changes) -> list[str]:
    return [path for status, path in changes if path.startswith(f"{RUNS_DIR}/")]


def test_new_articles_ledger_and_run_history_committed_and_pushed_counted_as_articles(tmp_path, env):
    bare = site_repository(tmp_path, env)
    before = head(env, bare)
    site = checkout(env, bare, tmp_path / "site")
    result = nightly(env, site, tmp_path / "logs")
    assert result.returncode == 0, result.stderr[-3000:]

    written = CRAWL["first_replay"]["written"]
    assert len(EXPECTED) == written == 6
    assert head(env, bare) != before and git(env, bare, "rev-parse", "main^").strip() == before
    changes = committed(env, bare)
    (history,) = run_files(changes)  # one source crawled: one run history file
    assert RUN_FILE.match(history), history
    assert changes == sorted([("A", f"{QQ_DIR}/{name}") for name in EXPECTED]
                             + [("A", f"{QQ_DIR}/.dropped.tsv"), ("A", history)])
    message = git(env, bare, "log", "-1", "--format=%B", "main")
    subject = message.split("\n", 1)[0]
    # The subject counts the articles only, not the ledger or the run history.
    assert re.fullmatch(rf"nightly \d{{4}}-\d\d-\d\d: {written} new articles", subject), subject
    assert "\nruns: 1\n" in message + "\n"
    for name, data in EXPECTED.items():
        assert show(env, bare, f"{QQ_DIR}/{name}") == data, name
    assert len(ledger_lines(env, bare)) == sum(CRAWL["first_replay"]["dropped"].values())
    report = json.loads((tmp_path / "logs" / "run-report.json").read_text(encoding="utf-8"))
    assert report["totals"]["written"] == written and report["exit_status"]["code"] == 0
    kept = json.loads(show(env, bare, history))
    assert (kept["spider"], kept["written"], kept["exit_status"]) == ("qq", written, report["sources"]["qq"]["exit_status"])

    # The next night finds nothing new: its commit holds its run history file alone, counted
    # as no article; nothing is left staged.
    pushed = head(env, bare)
    again = nightly(env, site, tmp_path / "logs2")
    assert again.returncode == 0, again.stderr[-3000:]
    assert git(env, bare, "rev-parse", "main^").strip() == pushed
    (second,) = run_files(committed(env, bare))
    assert committed(env, bare) == [("A", second)] and second != history and RUN_FILE.match(second)
    assert re.fullmatch(r"nightly \d{4}-\d\d-\d\d: 0 new articles", git(env, bare, "log", "-1", "--format=%s", "main").strip())
    assert json.loads(show(env, bare, second))["written"] == 0
    assert git(env, site, "rev-parse", "HEAD").strip() == head(env, bare)
    assert git(env, site, "diff", "--cached", "--name-only") == ""


def test_a_push_in_between_is_rebased_on_and_the_push_retried(tmp_path, env):
    bare = site_repository(tmp_path, env)
    site = checkout(env, bare, tmp_path / "site")  # the night's checkout, taken first

    # While the night crawls, someone else pushes: an article of another folder and a line in
    # the very ledger the crawl will append to.
    other = checkout(env, bare, tmp_path / "other", depth=False)
    note = "content/zh-CN/news/notes/editor-note.zh-CN.md"
    (other / note).parent.mkdir(parents=True)
    (other / note).write_text("---\ntitle: 编者按\ndate: 2025-03-10T08:00:00+08:00\n---\n\n正文。\n", encoding="utf-8")
    (other / QQ_DIR).mkdir(parents=True)
    theirs = "20250301OTHER0\thttps://new.qq.com/rain/a/20250301OTHER000\tremoved"
    (other / QQ_DIR / ".dropped.tsv").write_text(theirs + "\n", encoding="utf-8")
    git(env, other, "add", ".")
    commit_as(env, other, "an editor's note")
    git(env, other, "push", "-q", "origin", "main")
    theirs_commit = head(env, bare)

    result = nightly(env, site, tmp_path / "logs")
    assert result.returncode == 0, result.stderr[-3000:]
    # Linear history: the night's commit on top of the other push, nothing of it lost.
    assert git(env, bare, "rev-parse", "main^").strip() == theirs_commit
    assert git(env, bare, "rev-list", "--count", "--merges", "main").strip() == "0"
    files = tree(env, bare)
    assert note in files and {f"{QQ_DIR}/{name}" for name in EXPECTED} <= files
    ledger = ledger_lines(env, bare)
    assert theirs in ledger and len(ledger) == 1 + sum(CRAWL["first_replay"]["dropped"].values())


def test_a_site_that_does_not_build_commits_and_pushes_nothing(tmp_path, env):
    bare = site_repository(tmp_path, env)
    before = head(env, bare)
    site = checkout(env, bare, tmp_path / "site")
    # An article file Hugo cannot render (a shortcode the site does not have).
    broken = site / QQ_DIR / "20250309BROKE.zh-CN.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("---\ntitle: 坏\n---\n\n{{< no-such-shortcode >}}\n", encoding="utf-8")

    result = nightly(env, site, tmp_path / "logs")
    assert result.returncode == EXIT_BUILD, result.stderr[-3000:]
    assert head(env, bare) == before
    assert git(env, site, "rev-parse", "HEAD").strip() == before
    assert git(env, site, "diff", "--cached", "--name-only") == ""
    # The crawl did run: its files are in the working tree to be looked at, uncommitted.
    assert all((site / QQ_DIR / name).exists() for name in EXPECTED)


def test_a_push_that_keeps_failing_is_tried_a_bounded_number_of_times(tmp_path, env):
    bare = site_repository(tmp_path, env)
    before = head(env, bare)
    tries = tmp_path / "tries"
    hook = bare / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho push >> '{tries}'\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    site = checkout(env, bare, tmp_path / "site")

    result = nightly(env, site, tmp_path / "logs", "--push-attempts", "3")
    assert result.returncode == EXIT_PUSH, result.stderr[-3000:]
    assert tries.read_text(encoding="utf-8").splitlines() == ["push"] * 3
    assert head(env, bare) == before
    # The night's commit is kept in the checkout for a later push.
    assert git(env, site, "rev-parse", "HEAD^").strip() == before
    assert {f"{QQ_DIR}/{name}" for name in EXPECTED} <= tree(env, site, "HEAD")


def test_a_site_without_a_remote_gets_the_commit_only(tmp_path, env):
    site = tmp_path / "mysite"  # the README's first try: the example site in a fresh repository
    shutil.copytree(SITE, site)
    git(env, site, "init", "-q", "-b", "main")
    git(env, site, "add", ".")
    commit_as(env, site, "site")
    result = nightly(env, site, tmp_path / "logs")
    assert result.returncode == 0, result.stderr[-3000:]
    assert git(env, site, "rev-list", "--count", "HEAD").strip() == "2"
    assert {f"{QQ_DIR}/{name}" for name in EXPECTED} <= tree(env, site, "HEAD")
    assert git(env, site, "status", "--porcelain", "--untracked-files=all", "--", QQ_DIR) == ""


def test_crawl_script_takes_relative_paths_from_where_the_user_stands(tmp_path, env):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    token = uuid.uuid4().hex[:8]  # names that cannot clash with anything in the checkout
    relative, report_name, log_name = f"archive-{token}", f"report-{token}.json", f"crawl-{token}.log"
    crawl = str(ROOT / "scripts" / "crawl")
    try:
        result = subprocess.run([crawl, *REPLAY, "-s", f"ARCHIVE_DIR={relative}", "-s", f"RUN_REPORT={report_name}",
                                 "-s", f"LOG_FILE={log_name}"],
                                cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        assert not (ROOT / relative).exists()  # nothing written into the checkout
        written = {p.name: p.read_bytes() for p in (elsewhere / relative / "zh-CN" / "news" / "qq").glob("*.md")}
        assert written == EXPECTED
        assert not (ROOT / report_name).exists() and (elsewhere / log_name).is_file()
        report = json.loads((elsewhere / report_name).read_text(encoding="utf-8"))
        assert report["command"] == "crawlall" and report["totals"]["written"] == len(EXPECTED)

        # The site files of the checkout are found from anywhere (crawlall's sources).
        listed = subprocess.run([crawl, "--list"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
        assert listed.returncode == 0, listed.stderr[-3000:]
        names = {line.split("\t")[0] for line in listed.stdout.splitlines()}
        enabled = {p.stem for p in (ROOT / "sites").glob("*.toml")
                   if tomllib.loads(p.read_text(encoding="utf-8")).get("enabled", True)}
        assert enabled and enabled <= names and "qq" in names
    finally:  # what a wrong resolution would have left in the checkout
        shutil.rmtree(ROOT / relative, ignore_errors=True)
        for name in (report_name, log_name):
            (ROOT / name).unlink(missing_ok=True)


# ------------ the workflow file and the pinned versions


def workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "nightly.yml").read_text(encoding="utf-8"))


def secret_names() -> set[str]:
    """Every secret a source reads: the settings that are empty strings in crawler/settings.py
    (read from the environment when empty) and the variables sites/*.toml name."""
    import crawler.settings as settings

    names = {name for name, value in vars(settings).items() if name.isupper() and value == ""}
    for path in (ROOT / "sites").glob("*.toml"):
        names |= set(tomllib.loads(path.read_text(encoding="utf-8")).get("request", {}).get("secret_headers", {}).values())
    return names


def test_workflow_runs_the_script_with_every_secret_one_night_at_a_time():
    flow = workflow()
    assert flow["concurrency"]["cancel-in-progress"] is False and flow["concurrency"]["group"]
    steps = [step for job in flow["jobs"].values() for step in job["steps"]]
    publish = [s for s in steps if "scripts/nightly-publish" in s.get("run", "")]
    assert len(publish) == 1
    names = secret_names()
    assert {"QQ_COOKIE", "JINWUCJ_TOKEN", "WALLSTREETCN_DEVICE_ID", "THEHILL_COOKIE"} <= names
    assert {name: publish[0]["env"].get(name) for name in names} == {n: f"${{{{ secrets.{n} }}}}" for n in names}
    site = [s for s in steps if s.get("with", {}).get("repository") == "${{ vars.SITE_REPOSITORY }}"]
    assert len(site) == 1 and site[0]["with"]["token"] == "${{ secrets.SITE_TOKEN }}"
    assert publish[0]["run"].split()[-1] == site[0]["with"]["path"]  # the script works on that checkout
    installs = [s for s in steps if "scripts/install" in s.get("run", "")]
    assert installs and steps.index(installs[0]) < steps.index(publish[0])


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: not a pin: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_constraints_pin_every_distribution_the_project_installs():
    """Everything `pip install -c constraints.txt -e .[all extras]` brings in is pinned, at the
    version this environment runs where it is installed (CI installs from the file; a dependency
    added without `scripts/refresh-constraints` fails here)."""
    from importlib import metadata

    pins = _pins()
    seen, todo, missing = set(), [("newsarchive", frozenset(metadata.metadata("newsarchive").get_all("Provides-Extra") or []))], []
    while todo:
        name, extras = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:  # an extra not installed here (bench without .[bench])
            if key not in pins:
                missing.append(f"{name} (not installed here, not in constraints.txt)")
            continue
        if key != "newsarchive" and pins.get(key) != dist.version:
            missing.append(f"{name}=={dist.version} (constraints.txt: {pins.get(key)})")
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (extras or {""})):
                todo.append((req.name, frozenset(req.extras)))
    assert not missing, "not pinned as installed (run scripts/refresh-constraints): " + ", ".join(sorted(set(missing)))

"""Field coverage monitoring (crawler/report.py): shares in the run report, exit status 8."""

from __future__ import annotations

from crawler.report import (EXIT_COVERAGE, EXIT_DISCOVERY, EXIT_EXTRACTION, EXIT_OK, coverage_failures, coverage_of,
                            decide_exit)
from tests.support.qq_site import QqSite, archive_articles, load_report, run_qq
from tests.support.server import TestServer

THRESHOLDS = {"body": 0.9, "thumbnail": 0.5, "author": 0.5}


def stats(written, body=None, thumbnail=None, author=None, **extra):
    s = {"coverage/written": written, "coverage/body": written if body is None else body,
         "coverage/thumbnail": written if thumbnail is None else thumbnail,
         "coverage/author": written if author is None else author, "archive/written": written}
    s.update(extra)
    return s


def test_one_line_naming_the_field_and_the_figure():
    decision = decide_exit(stats(10, thumbnail=3), "qq", min_coverage=THRESHOLDS, coverage_min_items=5)
    assert decision.code == EXIT_COVERAGE == 8
    assert decision.reasons == ["coverage: thumbnail in 3 of 10 written articles (30%), below RUN_MIN_COVERAGE 50%"]


def test_every_failing_field_is_named():
    decision = decide_exit(stats(8, author=1, thumbnail=2), "qq", min_coverage=THRESHOLDS, coverage_min_items=5)
    assert [r.split(" in ")[0] for r in decision.reasons] == ["coverage: thumbnail", "coverage: author"]


def test_at_the_threshold_is_healthy():
    assert decide_exit(stats(10, body=9, thumbnail=5, author=5), "qq", min_coverage=THRESHOLDS).code == EXIT_OK


def test_below_min_items_is_not_judged():
    assert decide_exit(stats(4, thumbnail=0, author=0), "qq", min_coverage=THRESHOLDS, coverage_min_items=5).code == EXIT_OK
    assert coverage_failures(stats(0), THRESHOLDS, 5) == []


def test_nothing_new_is_healthy_discovery_failure_is_not():
    assert decide_exit({"qq/discovered": 12, "qq/skipped_known": 12}, "qq", min_coverage=THRESHOLDS).code == EXIT_OK
    assert decide_exit({"qq/discovery_failed": 2}, "qq", min_coverage=THRESHOLDS).code == EXIT_DISCOVERY


def test_empty_bodies_count_against_the_body():
    # A layout change: every page parses, no body anywhere, nothing written.
    s = {"qq/requested": 8, "article/dropped/empty_body": 8}
    decision = decide_exit(s, "qq", min_coverage=THRESHOLDS)
    assert decision.code == EXIT_COVERAGE
    assert decision.reasons == ["coverage: body in 0 of 8 articles (0 written, 8 dropped for an empty or missing "
                                "body) (0%), below RUN_MIN_COVERAGE 90%"]
    # A missing body with nothing written is an extraction failure (3), said once.
    d3 = decide_exit({"qq/requested": 8, "article/dropped/no_body": 8}, "qq", min_coverage=THRESHOLDS)
    assert d3.code == EXIT_EXTRACTION and len(d3.reasons) == 1


def test_coverage_of():
    cov = coverage_of(stats(4, thumbnail=1, **{"coverage/body_fallback": 2, "article/dropped/empty_body": 1}))
    assert cov["fields"]["thumbnail"] == {"count": 1, "of": 4, "share": 0.25}
    assert cov["fields"]["body"] == {"count": 4, "of": 5, "share": 0.8}
    assert cov["body_fallbacks"] == 2 and cov["empty_body_drops"] == 1


def _site(server: TestServer, no_thumb: int, origin: int = 0):
    site = QqSite(server)
    arts = []
    for n in range(6):
        kwargs = {}
        if n < origin:  # body only in originContent (the fallback)
            kwargs = dict(container=False, origin_text="<p>只在原始内容里的正文。</p>")
        arts.append(site.article(f"M{n}", thumbnail="" if n < no_thumb else None, **kwargs))
    site.feed("c1", [a.entry() for a in arts])
    return arts


def test_real_crawl_below_threshold_exits_8_then_nothing_new_exits_0(tmp_path):
    archive = tmp_path / "archive"
    with TestServer() as server:
        _site(server, no_thumb=4, origin=2)
        first = run_qq(server, archive, "c1", "RUN_COVERAGE_MIN_ITEMS=5", report=tmp_path / "r1.json")
        again = run_qq(server, archive, "c1", "RUN_COVERAGE_MIN_ITEMS=5", report=tmp_path / "r2.json")
    assert first.returncode == 8, first.stderr[-3000:]
    report = load_report(tmp_path / "r1.json")
    assert report["exit_status"] == {"code": 8, "name": "coverage", "reasons": [
        "coverage: thumbnail in 2 of 6 written articles (33.3%), below RUN_MIN_COVERAGE 50%"]}
    cov = report["coverage"]
    assert cov["written"] == 6 and cov["judged"] is True
    assert cov["fields"]["thumbnail"]["share"] == round(2 / 6, 4)
    assert cov["fields"]["body"]["share"] == 1.0 and cov["fields"]["author"]["share"] == 1.0
    assert cov["body_fallbacks"] == 2
    assert len(archive_articles(archive)) == 6
    # Nothing new: healthy, whatever the coverage of earlier runs.
    assert again.returncode == 0, again.stderr[-3000:]
    assert load_report(tmp_path / "r2.json")["coverage"]["judged"] is False


def test_real_crawl_thresholds_are_settings(tmp_path):
    with TestServer() as server:
        _site(server, no_thumb=4)
        result = run_qq(server, tmp_path / "archive", "c1", "RUN_COVERAGE_MIN_ITEMS=5",
                        'RUN_MIN_COVERAGE={"body": 0.9, "thumbnail": 0.3, "author": 0.5}')
    assert result.returncode == 0, result.stderr[-3000:]

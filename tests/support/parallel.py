"""The suite in two processes (pytest-xdist: scripts/test runs `-n 2 --dist loadfile`).

- A test file is one unit of work, run whole by one worker, so a module's fixture (a crawl that
  several tests read) runs once. test_body_conversion and test_text_fidelity are one unit: the
  second reads the conversions the first made (tests/support/conversions.py).
- A worker's own output is not shown: what a test prints within `capsys.disabled()` (its
  figures) travels with its report and is printed once every test ran, before pytest's summary.
Without xdist (`-n 0`, a plain `python -m pytest`) nothing here changes anything.
"""

from __future__ import annotations

import contextlib
import io
import os

import pytest

# test file -> the file whose unit of work it joins
SAME_WORKER = {"tests/test_text_fidelity.py": "tests/test_body_conversion.py"}
FIGURES = "figures"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return SAME_WORKER.get(scope, scope)

    return Scheduling(config, log)


class _KeptFigures:
    """capsys, but what is printed within disabled() is kept with the test's report."""

    def __init__(self, capsys, item):
        self._capsys, self._item = capsys, item

    def __getattr__(self, name):
        return getattr(self._capsys, name)

    @contextlib.contextmanager
    def disabled(self):
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                yield
        finally:
            self._item.user_properties.append((FIGURES, printed.getvalue()))


@pytest.fixture
def capsys(capsys, request):
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return capsys
    return _KeptFigures(capsys, request.node)


def pytest_terminal_summary(terminalreporter):
    kept = sorted((report.nodeid, value) for reports in terminalreporter.stats.values() for report in reports
                  if getattr(report, "when", None) == "call"
                  for name, value in getattr(report, "user_properties", ()) if name == FIGURES)
    if not kept:
        return
    terminalreporter.section("figures the tests printed")
    for nodeid, text in kept:
        terminalreporter.write_line(f"{nodeid}:{text.rstrip()}")

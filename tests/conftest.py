import sys
from pathlib import Path

# The checkout root on sys.path so tests import `crawler`, `pipelines` and `tests.support`
# the same way whether or not the project is installed.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The suite in two processes under scripts/test (pytest-xdist): tests/support/parallel.py.
from tests.support.parallel import capsys, pytest_terminal_summary, pytest_xdist_make_scheduler  # noqa: E402,F401

# Sourced by scripts/test and scripts/crawl: make .venv (once) and install the project into it
# with the extras named by $1 (none for the crawl, "test" for the tests).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
extras="${1:-}"
spec="."
[ -n "$extras" ] && spec=".[$extras]"
# Reinstall only when pyproject.toml changed since the last install of these extras.
stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${extras:-none}"
if [ ! -e "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet -e "$spec"
  touch "$stamp"
fi

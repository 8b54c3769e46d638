# Sourced by scripts/install, scripts/crawl and scripts/test: make .venv (once) and install the
# project into it with the extras named by $1 (none for the crawl, "test" for the tests), at
# the versions of constraints.txt. The caller's working directory is left alone, so relative
# paths in its arguments stay relative to where the user stands.
# NEWSARCHIVE_NO_INSTALL=1 uses .venv as it is (an offline machine; a job that installed in a
# step of its own).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
if [ "${NEWSARCHIVE_NO_INSTALL:-}" = 1 ]; then
  [ -x "$VENV/bin/python" ] || { echo "NEWSARCHIVE_NO_INSTALL=1 but $VENV does not exist: run scripts/install" >&2; exit 1; }
else
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  extras="${1:-}"
  spec="$ROOT"
  [ -n "$extras" ] && spec="$ROOT[$extras]"
  # Reinstall only when pyproject.toml or constraints.txt changed since the last install of
  # these extras; an install with extras also serves a run that needs none.
  hash="$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha1sum | cut -c1-12)"
  stamp="$VENV/.installed-$hash-${extras:-none}"
  if [ ! -e "$stamp" ] && ! { [ -z "$extras" ] && compgen -G "$VENV/.installed-$hash-*" >/dev/null; }; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install --quiet -c "$ROOT/constraints.txt" -e "$spec"
    touch "$stamp"
  fi
fi

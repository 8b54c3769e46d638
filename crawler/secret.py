"""How every component reads a secret (a token, cookie, device id, webhook URL or password):
the setting first, or when that is empty the environment variable of the same name; never a
value in code. A module of its own, importing nothing of the project, so that the spiders, the
site files, alerts and distributed runs all read secrets the same way without an import cycle.
(Not `secrets.py`: distributed.py and run_history.py import the standard library's `secrets`.)
"""

from __future__ import annotations

import os


def secret(settings, name: str) -> str:
    """A secret's value: the setting (None: no settings), or when that is empty the environment
    variable of the same name; "" when neither is set."""
    value = settings.get(name) if settings is not None else None
    return value or os.environ.get(name, "")

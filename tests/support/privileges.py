"""Running a child process as root without root's way around file permissions, so that a test
of a read-only archive or report path means the same for root (CI containers) and others."""

from __future__ import annotations

import ctypes
import os


def drop_dac_override() -> None:
    """In the child: root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH after exec, so that file
    permissions apply to it as to anyone (PR_CAPBSET_DROP)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def unprivileged():
    """The `preexec_fn` that makes a child subject to file permissions: drop_dac_override as
    root, None for anyone else (already subject to them)."""
    return drop_dac_override if os.geteuid() == 0 else None

"""The `hugo` binary for the tests that build a site (.ci/run installs Debian's package)."""

from __future__ import annotations

import os
import shutil

import pytest


def require_hugo() -> str:
    """Path of `hugo`; without it the calling test module is skipped, or fails under CI=true.
    Call it at module level."""
    hugo = shutil.which("hugo")
    if hugo is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("hugo is not installed, and CI=true: .ci/run installs Debian's hugo package", pytrace=False)
        pytest.skip("hugo is not installed (apt-get install hugo; .ci/run installs it)", allow_module_level=True)
    return hugo

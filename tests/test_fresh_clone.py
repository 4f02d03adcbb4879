"""The suite runs in a fresh clone: its data is in tests/data, and nothing outside is read or installed."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# ../shared (or the setting that points at it), and any package installer.
OUTSIDE = re.compile(r"ALIGNER_SHARED_DIR|ALIGNER_EVAL_DIR|[\"'/]shared[\"'/]|parents\[2\]|apt-get|dpkg |pip install\b(?! torch| '\.)")


def test_no_test_reads_shared_data_or_installs_packages():
    offenders = []
    for path in sorted(TESTS.glob("*.py")):
        if path.name == Path(__file__).name:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []


def test_the_shipped_data_has_its_provenance_and_licences():
    data = TESTS / "data"
    readme = (data / "README.md").read_text(encoding="utf-8")
    for path in sorted(p for p in data.rglob("*") if p.is_file() and p.name != "README.md"):
        assert path.relative_to(data).as_posix().split("/")[-1] in readme or "LICENSE" in path.name, path
    assert (data / "flores" / "LICENSE-CC-BY-SA-4.0.txt").is_file()
    assert (data / "tmx" / "LICENSE-GPL-3.0.txt").is_file()
    lines = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (data / "flores" / "dev").iterdir()}
    assert lines == {"eng_Latn.dev": 250, "tgl_Latn.dev": 250, "npi_Deva.dev": 250}

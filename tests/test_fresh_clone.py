"""The suite runs in a fresh clone: its data is in tests/data, and nothing outside is read or installed."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
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
    assert (data / "tico19" / "LICENSE-CC0.md").is_file()
    assert (data / "textberg" / "LICENSE-GPL-2.0.txt").is_file()
    lines = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (data / "flores" / "dev").iterdir()}
    assert lines == {"eng_Latn.dev": 250, "tgl_Latn.dev": 250, "npi_Deva.dev": 250, "metadata_dev.tsv": 251}


def _ignores_itself(folder: Path) -> bool:
    own = folder / ".gitignore"
    return own.is_file() and "*" in own.read_text(encoding="utf-8").split()


def _tree_files() -> list[Path]:
    """The checkout's files, without .git (a folder, or a file in a git worktree), what .gitignore
    leaves out (venvs, builds) and tool caches that ignore themselves (a .gitignore of ``*``)."""
    ignored = [line.strip().strip("/") for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    out = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d != ".git" and not any(fnmatch.fnmatch(d, p) for p in ignored)
                         and not _ignores_itself(Path(folder) / d))
        out += [Path(folder) / f for f in sorted(files)
                if f != ".git" and not any(fnmatch.fnmatch(f, p) for p in ignored)]
    return out


def test_no_file_holds_an_absolute_path_of_the_machine_it_was_made_on():
    # written in two parts so that this file does not hold them itself
    machine = [("/" + "work/").encode(), ("/" + "root/").encode()]
    files = _tree_files()
    assert any(f.name == "pyproject.toml" for f in files) and any(f.suffix == ".py" for f in files)
    offenders = [f"{f.relative_to(ROOT)}: {m.decode()}" for f in files for m in machine if m in f.read_bytes()]
    assert offenders == []

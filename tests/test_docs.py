"""The user guide and docs/ name only what exists: links, files, modules, commands and their options.

A README that names a flag the CLI lacks, or a link into a section that moved, is a broken promise
to the user; these checks catch it when the code or the docs change.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

import pytest

from aligner.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.S | re.M)
REPO_PATH = re.compile(r"(?<![\w./-])((?:scripts|tests|aligner|tmx)/[\w./-]*\.py)\b")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
# Options of other programs that the docs quote (dask's worker, Slurm's sbatch, pip).
FOREIGN_FLAGS = {"--nworkers", "--nthreads", "--array"}


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


def _code(text: str) -> list[str]:
    """Every command-like piece of a document: lines of fenced blocks and inline code spans."""
    pieces = [line for block in FENCE.findall(text) for line in block.splitlines()]
    pieces += CODE_SPAN.findall(FENCE.sub("", text))
    return pieces


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


def _all_cli_options(parser: argparse.ArgumentParser) -> set[str]:
    found = _options(parser)
    for sub in _subparsers(parser).values():
        found |= _all_cli_options(sub)
    return found


def _script_options() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "scripts").rglob("*.py"):
        found |= set(re.findall(r"[\"'](--[a-z][a-z0-9-]*)", path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves(doc):
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (doc.parent / file_part).resolve() if file_part else doc
        if not dest.exists():
            broken.append(f"{target}: no file {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest}")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no heading with anchor #{anchor} in {dest.name}")
    assert broken == [], f"{doc.name}: fix these links"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_file_named_exists(doc):
    text = doc.read_text(encoding="utf-8")
    missing = sorted({p for p in REPO_PATH.findall(text) if "<" not in p and not (ROOT / p).exists()})
    assert missing == [], f"{doc.name} names files that do not exist"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_command_line_uses_real_options(doc):
    """`aligner SUB ... --flag` must be an option of SUB; `python scripts/X.py --flag` one of X."""
    parser = build_parser()
    wrong = []
    for piece in _code(doc.read_text(encoding="utf-8")):
        piece = piece.split(" # ")[0]
        for m in re.finditer(r"\baligner ((?:[a-z]+ ?)+)(.*)", piece):
            words, rest = m.group(1).split(), m.group(2)
            sub, used = parser, []
            while words and words[0] in _subparsers(sub):
                sub = _subparsers(sub)[words[0]]
                used.append(words.pop(0))
            if not used:
                continue
            for flag in FLAG.findall(" ".join(words) + " " + rest):
                if flag not in _options(sub):
                    wrong.append(f"aligner {' '.join(used)} has no {flag}: {piece.strip()}")
        for m in re.finditer(r"python (scripts/[\w/]+\.py)(.*)", piece):
            script = ROOT / m.group(1)
            if not script.exists():
                wrong.append(f"no {m.group(1)}")
                continue
            source = script.read_text(encoding="utf-8")
            for flag in FLAG.findall(m.group(2)):
                if f'"{flag}"' not in source and f"'{flag}'" not in source:
                    wrong.append(f"{m.group(1)} has no {flag}")
    assert wrong == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_flag_named_exists_somewhere(doc):
    known = _all_cli_options(build_parser()) | _script_options() | FOREIGN_FLAGS
    text = doc.read_text(encoding="utf-8")
    unknown = sorted({f for piece in _code(text) for f in FLAG.findall(piece)} - known)
    assert unknown == [], f"{doc.name} names options no command or script has"


def test_the_layout_names_every_module():
    layout = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    missing = []
    for package in ("aligner", "tmx"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            parent = rel.parent.name + "/"
            if path.name not in layout or parent not in layout:
                missing.append(str(rel))
    assert missing == [], "add a line for each new module to the tree in docs/layout.md"


def test_the_readme_opens_with_install_then_first_run():
    first_block = FENCE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert first_block is not None
    commands = [line.split("#")[0].split() for line in first_block.group(1).splitlines()]
    assert commands == [["pip", "install", "."], ["aligner", "run"]]


def test_the_readme_keeps_the_test_command_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]' && python -m pytest -q" in readme
    assert "python -m pytest -q" in ci

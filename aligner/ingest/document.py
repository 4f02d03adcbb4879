"""Documents from files, texts and manifests: decode, clean by kind, detect the language, segment."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from aligner.errors import ConfigError, InputError
from aligner.ingest.blocks import line_spans
from aligner.ingest.decode import read_source
from aligner.ingest.registry import KINDS, clean, sniff_kind, source_kind
from aligner.langid import check_code, detect
from aligner.segment import segment_cleaned
from aligner.types import Document, Sentence


def guess_kind(source: str, path: str = "") -> str:
    """The kind named in the file name (``x.en.pdf.txt``), else from the layout, else text."""
    parts = Path(path).name.lower().split(".")
    for kind in KINDS:
        if kind in parts[1:]:
            return kind
    return sniff_kind(source)


def document_from_text(
    text: str, *, lang: str | None = None, kind: str | None = "text", name: str = "text"
) -> Document:
    """Clean and segment a decoded text; spans point into ``text``."""
    kind = kind or guess_kind(text)
    cleaned = clean(text, kind)
    if lang is None:
        lang = detect(" ".join(b.text for b in cleaned.blocks[:200]))
    units = segment_cleaned(cleaned, lang)
    return Document(name, lang, kind, tuple(u.sentence for u in units), text)


def read_document(
    path: str | Path, *, lang: str | None = None, kind: str | None = None, name: str | None = None
) -> Document:
    """Read, decode, clean per kind (guessed when None), detect the language when None, segment."""
    p = Path(path)
    source = read_source(p)
    if kind is not None:
        source_kind(kind)  # an unknown kind is an error even before the file is looked at further
    kind = kind or guess_kind(source, str(p))
    return document_from_text(source, lang=lang, kind=kind, name=name or p.stem)


def read_presplit(path: str | Path, *, lang: str | None = None, name: str | None = None) -> Document:
    """One sentence per line, as given: no cleaning, no splitting; empty lines skipped."""
    p = Path(path)
    source = read_source(p)
    spans: list[tuple[int, int]] = []
    for a, e, _ in line_spans(source):
        line = source[a:e]
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        spans.append((a + lead, a + len(line.rstrip())))
    if lang is None:
        lang = detect(" ".join(source[a:b] for a, b in spans[:500]))
    sentences = tuple(
        Sentence(unicodedata.normalize("NFC", source[a:b]), lang, a, b, "sentence") for a, b in spans
    )
    return Document(name or p.stem, lang, "text", sentences, source)


def read_manifest(path: str | Path) -> list[Document]:
    """The documents a corpus manifest lists, paths relative to the manifest."""
    p = Path(path)
    try:
        manifest = json.loads(read_source(p))
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    entries = manifest.get("documents") if isinstance(manifest, dict) else None
    if not isinstance(entries, list):
        raise InputError(f'{p}: expected {{"documents": [{{"file": ..., "lang": ..., "kind": ...}}]}}')
    docs = []
    for entry in entries:
        if not isinstance(entry, dict) or "file" not in entry:
            raise InputError(f"{p}: every document needs a \"file\" entry, got {entry!r}")
        file = p.parent / entry["file"]
        lang = entry.get("lang")
        if lang is not None:
            try:
                lang = check_code(str(lang))
            except ConfigError as exc:
                raise InputError(f"{p}: {entry['file']}: {exc}") from None
        docs.append(read_document(file, lang=lang, kind=entry.get("kind"), name=file.stem))
    return docs


DEFAULT_MANIFEST = Path("corpus") / "manifest.json"  # aligner run, from the project folder


def read_inputs(files: Sequence[str], langs: Sequence[str] | None = None,
                manifest: str | os.PathLike | None = None) -> tuple[list[Document], list[Path]]:
    """The documents of a run (``files``, else the manifest's) and every file they came from.

    The paths let the run refuse an output folder that holds one of its inputs.
    """
    if files:
        if manifest:
            raise InputError("give documents or --manifest, not both")
        if langs and len(langs) != len(files):
            raise InputError(f"--lang got {len(langs)} codes for {len(files)} documents")
        docs = [read_document(d, lang=langs[k] if langs else None) for k, d in enumerate(files)]
        return docs, [Path(d) for d in files]
    if langs:
        raise InputError("--lang applies to documents given on the command line")
    path = Path(manifest) if manifest else DEFAULT_MANIFEST
    if not path.is_file():
        raise InputError(f"{path}: no such manifest; run from the project folder, "
                         "pass --manifest FILE, or name the documents to align")
    docs = read_manifest(path)
    paths = [path]
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("documents", [])
        paths += [path.parent / e["file"] for e in entries if isinstance(e, dict) and "file" in e]
    except (OSError, ValueError, AttributeError):
        pass  # read_manifest has already refused a manifest it cannot read
    return docs, paths


def read_documents(files: Sequence[str | Path], langs: Sequence[str] | None = None, *,
                   presplit: bool = False) -> list[Document]:
    """Several documents, one language code per file when ``langs`` is given; every file is
    checked to exist before the first is read, so a typo in the last costs no work."""
    for f in files:
        path = Path(f)
        if not path.exists():
            raise InputError(f"{f}: no such file")
        if not path.is_file():
            raise InputError(f"{f}: not a regular file")
    if langs is not None and len(langs) != len(files):
        raise InputError(f"--lang got {len(langs)} codes for {len(files)} files; give one per file")
    read = read_presplit if presplit else read_document
    return [read(f, lang=langs[k] if langs else None) for k, f in enumerate(files)]


def presplit_lines(path: str | Path) -> list[str]:
    """Every line of the file, NFC, trailing CR/space kept out, so row i is line i (``aligner embed``)."""
    source = read_source(path)
    lines = source.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [unicodedata.normalize("NFC", ln.rstrip("\r").strip()) for ln in lines]

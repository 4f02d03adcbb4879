"""``aligner gaps A B [C]``: what each version has that the others lack.

Output goes where the reader is: a coloured diff on a terminal, plain text
when piped (so pagers and logs get no escape codes), or JSON / HTML on
request. Files written with ``-o`` appear atomically, never half-written.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console

from aligner.cli.render_gaps import render
from aligner.errors import InputError
from aligner.gaps import GapReport, build_report, language_name, report_to_json
from aligner.types import Alignment, Document

__all__ = ["render", "register", "write_report", "format_report"]

FORMATS = ("auto", "text", "json", "html")
MIN_WIDTH, MAX_WIDTH = 40, 200


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "gaps",
        help="show side by side which content only one version has",
        description=(
            "Align 2 or 3 documents in different languages and show them side by side: "
            "aligned sentences quietly, content found in one version only highlighted, "
            "and how much of each document has a counterpart in each other one."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="2 or 3 documents, one per language")
    p.add_argument(
        "--lang",
        nargs="+",
        metavar="CODE",
        help="language of each file, in order (default: detected)",
    )
    p.add_argument(
        "--presplit",
        action="store_true",
        help="the files hold one sentence per line already; do not segment them",
    )
    p.add_argument("--collapse", action="store_true", help="fold runs of aligned rows to a count")
    p.add_argument("--format", choices=FORMATS, default="auto", help="output format (default: auto)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--width",
        type=int,
        metavar="N",
        help=f"text width ({MIN_WIDTH}-{MAX_WIDTH}; default: the terminal's, or 100 for files)",
    )
    p.add_argument("--encoder", default=None, help="sentence encoder (default: e5-small)")
    p.set_defaults(func=handler)


def _check_files(files: Sequence[str], langs: Sequence[str] | None) -> None:
    if not 2 <= len(files) <= 3:
        raise InputError(f"aligner gaps takes 2 or 3 files, got {len(files)}")
    for f in files:
        path = Path(f)
        if not path.exists():
            raise InputError(f"{f}: no such file")
        if not path.is_file():
            raise InputError(f"{f}: not a regular file")
    if langs is not None and len(langs) != len(files):
        raise InputError(f"--lang got {len(langs)} codes for {len(files)} files; give one per file")


def _check_documents(documents: Sequence[Document]) -> None:
    for doc in documents:
        if not doc.sentences:
            raise InputError(f"{doc.name}: no sentences found; is the file empty?")
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.lang in seen:
            raise InputError(
                f"{seen[doc.lang]} and {doc.name} are in the same language, "
                f"{language_name(doc.lang)} ({doc.lang}); the gap diff compares one document "
                "per language (use --lang if the detected language is wrong)"
            )
        seen[doc.lang] = doc.name


def load_documents(
    files: Sequence[str], langs: Sequence[str] | None, *, presplit: bool
) -> list[Document]:
    _check_files(files, langs)
    from aligner.ingest import read_document, read_presplit

    from aligner.langid import detect

    documents = []
    for k, f in enumerate(files):
        lang = langs[k] if langs else None
        doc = read_presplit(f, lang=lang) if presplit else read_document(f, lang=lang)
        if doc.sentences:
            _check_language(f, doc, given=lang, detected=detect(" ".join(doc.texts[:500])))
        documents.append(doc)
    _check_documents(documents)
    return documents


def _check_language(path: str, doc: Document, *, given: str | None, detected: str) -> None:
    """Refuse a language we cannot tell, or a --lang the text clearly contradicts."""
    if given is None and doc.lang == "und":
        raise InputError(f"{path}: cannot tell which language this is; give it with --lang")
    if given is not None and detected not in ("und", given):
        raise InputError(
            f"{path}: --lang says {language_name(given)} ({given}) but the text looks like "
            f"{language_name(detected)} ({detected}); check the order of the --lang codes"
        )


ProgressFn = Callable[[str, int, int], None]


def align_documents(
    documents: Sequence[Document],
    *,
    encoder: str | None = None,
    progress: ProgressFn | None = None,
) -> dict[tuple[int, int], Alignment]:
    """Embed each document once and align every pair (i < j).

    ``progress(step, done, total)`` reports embedding per document and each pair aligned.
    """
    from aligner.align import align
    from aligner.embed import embed, get_encoder

    enc = get_encoder(encoder) if encoder else get_encoder()

    def embed_texts(texts: list[str]):
        return embed(texts, enc)

    vectors = []
    for doc in documents:
        step = f"embedding {doc.name}"
        vectors.append(
            embed(doc.texts, enc, progress=(lambda d, t, s=step: progress(s, d, t)) if progress else None)
        )
    pairs = [(i, j) for i in range(len(documents)) for j in range(i + 1, len(documents))]
    out: dict[tuple[int, int], Alignment] = {}
    for n, (i, j) in enumerate(pairs):
        if progress:
            progress("aligning", n, len(pairs))
        out[(i, j)] = align(
            documents[i].texts,
            documents[j].texts,
            embed=embed_texts,
            src_vecs=vectors[i],
            tgt_vecs=vectors[j],
            src_lang=documents[i].lang,
            tgt_lang=documents[j].lang,
        )
    if progress:
        progress("aligning", len(pairs), len(pairs))
    return out


def _width(requested: int | None, default: int) -> int:
    width = requested or default
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise InputError(f"--width must be between {MIN_WIDTH} and {MAX_WIDTH}, got {width}")
    return width


def format_report(
    report: GapReport, fmt: str, *, width: int = 100, collapse: bool = False
) -> str:
    """The report as text, JSON or HTML, with no terminal codes."""
    if fmt == "json":
        return json.dumps(report_to_json(report), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    buf = io.StringIO()
    if fmt == "html":
        console = Console(file=buf, record=True, width=width, force_terminal=True, color_system="truecolor")
        render(report, console, collapse=collapse)
        return console.export_html(inline_styles=True)
    if fmt == "text":
        console = Console(file=buf, width=width, force_terminal=False, no_color=True)
        render(report, console, collapse=collapse)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _check_output(output: str | None) -> None:
    if output is not None and not Path(output).parent.is_dir():
        raise InputError(f"{output}: the folder {Path(output).parent} does not exist; create it first")


def _atomic_write(path: Path, text: str) -> None:
    _check_output(str(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write there ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write there ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    report: GapReport,
    *,
    fmt: str = "auto",
    output: str | None = None,
    collapse: bool = False,
    width: int | None = None,
    console: Console | None = None,
) -> None:
    """Send the report where it belongs; ``auto`` picks by file suffix or by the terminal."""
    if output is not None:
        if fmt == "auto":
            suffix = Path(output).suffix.lower()
            fmt = {".json": "json", ".html": "html", ".htm": "html"}.get(suffix, "text")
        _atomic_write(Path(output), format_report(report, fmt, width=_width(width, 100), collapse=collapse))
        return
    if fmt == "auto":
        console = console or Console(width=width)
        if console.is_terminal:
            render(report, console, collapse=collapse)
            return
        fmt = "text"
    sys.stdout.write(format_report(report, fmt, width=_width(width, _stdout_width()), collapse=collapse))
    sys.stdout.flush()


def _stdout_width() -> int:
    """The terminal's width, else $COLUMNS, else 100 (wide enough for two columns in a pager)."""
    if sys.stdout.isatty():
        return max(MIN_WIDTH, min(MAX_WIDTH, Console().width))
    columns = os.environ.get("COLUMNS", "")
    return max(MIN_WIDTH, min(MAX_WIDTH, int(columns))) if columns.isdigit() else 100


def _align_with_progress(documents: Sequence[Document], encoder: str | None) -> dict:
    """Progress bars on stderr when it is a terminal; silence otherwise."""
    err = Console(stderr=True)
    if not err.is_terminal:
        return align_documents(documents, encoder=encoder)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=err, transient=True,
    ) as bar:
        tasks: dict[str, object] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done if total else 1, total=max(total, 1))

        return align_documents(documents, encoder=encoder, progress=progress)


def handler(args: argparse.Namespace) -> int:
    if args.width is not None:
        _width(args.width, 0)
    _check_output(args.output)
    documents = load_documents(args.files, args.lang, presplit=args.presplit)
    report = build_report(documents, _align_with_progress(documents, args.encoder))
    write_report(
        report, fmt=args.format, output=args.output, collapse=args.collapse, width=args.width
    )
    return 0

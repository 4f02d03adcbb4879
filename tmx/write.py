"""Streaming TMX 1.4b writer and the bridge from alignments to translation units.

The writer serialises TUs itself, in chunks, rather than through lxml
elements: building ten lxml elements per TU made a million TUs take over a
minute. Every string goes through one escaping path, and the tests parse and
DTD-validate what it writes.

Policy for what does not fit the file (documented in the README, counted in
WriteStats): a TU without a ``<tuv>`` for every declared language is skipped,
because OmegaT would otherwise fill the missing target with another
language's text; segments in undeclared languages are dropped from their TU.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tmx.errors import TmxError
from tmx.langcodes import Preset, convert, to_bcp47
from tmx.model import TranslationUnit, WriteStats
from tmx.text import clean_segment, remove_illegal

ALL_LANGS = "*all*"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
_NEEDS_ESCAPE = re.compile("[&<>\"\x00-\x1f\ufffe\uffff\ud800-\udfff]")


def creation_date(epoch: int | None = None) -> str:
    """TMX date (YYYYMMDDThhmmssZ): ``epoch``, else SOURCE_DATE_EPOCH, else now."""
    if epoch is None:
        env = os.environ.get("SOURCE_DATE_EPOCH")
        if env is not None:
            try:
                epoch = int(env)
            except ValueError:
                raise TmxError(f"SOURCE_DATE_EPOCH={env!r} is not an integer number of seconds") from None
    stamp = time.gmtime(epoch if epoch is not None else time.time())
    return time.strftime("%Y%m%dT%H%M%SZ", stamp)


@contextmanager
def _open_target(path_or_file: str | os.PathLike[str] | IO[bytes]) -> Iterator[IO[bytes]]:
    """A binary sink; for a path, a temp file renamed over the target only on success.

    The same rename as ``aligner.atomic``, kept here because this package stands alone.
    """
    if hasattr(path_or_file, "write"):
        yield path_or_file  # type: ignore[misc]
        return
    target = Path(path_or_file)
    if not target.parent.is_dir():
        raise TmxError(f"{target.parent}: the output folder does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # the usual mode, not mkstemp's 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tmx(
    path_or_file: str | os.PathLike[str] | IO[bytes],
    tus: Iterable[TranslationUnit],
    *,
    srclang: str,
    langs: Sequence[str],
    tool: tuple[str, str],
    lang_codes: Preset = "bcp47",
    min_score: float | None = None,
    creationdate: str | None = None,
    adminlang: str = "en",
    on_warning: Callable[[str], None] | None = None,
    header_props: Sequence[tuple[str, str]] = (),
) -> WriteStats:
    """Write a TMX 1.4b file that OmegaT, Trados and translate-toolkit load.

    ``tool`` is the (name, version) of the program writing the file, for the header's
    ``creationtool``/``creationtoolversion`` and ``o-tmf``.
    ``header_props`` become ``<prop>``s of the header (the aligner names its configuration there).

    ``langs`` declares the file's languages (BCP-47); ``<tuv>``s are written in
    that order so the source comes first where tools read "first = source".
    ``srclang`` is one of ``langs`` or ``*all*`` (multilingual). TUs whose
    ``x-score`` is below ``min_score`` are left out; TUs without a score are kept.
    """
    declared = [to_bcp47(lang) for lang in langs]
    if len(declared) < 2 or len(set(declared)) != len(declared):
        raise TmxError(f"a TMX needs two or more distinct languages, got {list(langs)}")
    if srclang == ALL_LANGS:
        header_src = ALL_LANGS
    else:
        src = to_bcp47(srclang)
        if src not in declared:
            raise TmxError(f"srclang {srclang} is not among the file's languages {declared}")
        header_src = convert(src, lang_codes)
    out_codes = {lang: convert(lang, lang_codes) for lang in declared}
    if len(set(out_codes.values())) != len(out_codes):
        raise TmxError(f"languages {declared} collapse to the same code under --lang-codes {lang_codes}")
    header = {
        "creationtool": tool[0],
        "creationtoolversion": tool[1],
        "segtype": "sentence",
        "o-tmf": tool[0],
        "adminlang": adminlang,
        "srclang": header_src,
        "datatype": "plaintext",
        "creationdate": creationdate or creation_date(),
    }
    counts = dict(written=0, skipped_min_score=0, skipped_missing_lang=0, skipped_empty=0,
                  dropped_tuvs=0, illegal_chars_removed=0, trimmed_segments=0)
    canon_cache: dict[str, str] = {lang: lang for lang in declared}

    def canon(lang: str) -> str:
        code = canon_cache.get(lang)
        if code is None:
            code = canon_cache[lang] = to_bcp47(lang)
        return code

    def esc(value: str, attr: bool = False) -> str:
        if _NEEDS_ESCAPE.search(value) is None:
            return value
        cleaned, n = remove_illegal(value)
        counts["illegal_chars_removed"] += n
        return _escape(cleaned, attr)

    with _open_target(path_or_file) as sink:
        sink.write(b"<?xml version='1.0' encoding='UTF-8'?>\n" + DOCTYPE.encode() + b'\n<tmx version="1.4">\n  <header')
        sink.write("".join(f' {k}="{esc(v, True)}"' for k, v in header.items()).encode("utf-8"))
        if header_props:
            sink.write(b">\n" + "".join(f'    <prop type="{esc(k, True)}">{esc(v)}</prop>\n'
                                          for k, v in header_props).encode("utf-8") + b"  </header>\n  <body>\n")
        else:
            sink.write(b"/>\n  <body>\n")
        buf: list[str] = []
        for tu in tus:
            if min_score is not None:
                score = tu.score
                if score is not None and score < min_score:
                    counts["skipped_min_score"] += 1
                    continue
            by_lang: dict[str, str] = {}
            removed = 0
            trimmed = 0
            for lang, text in tu.segs:
                code = canon(lang)
                if code not in out_codes:
                    counts["dropped_tuvs"] += 1
                    continue
                if code in by_lang:
                    raise TmxError(f"TU {tu.tuid!r} has two segments in {code}; a <tu> holds one per language")
                cleaned, n, was_trimmed = clean_segment(text)
                removed += n
                trimmed += was_trimmed
                by_lang[code] = cleaned
            counts["illegal_chars_removed"] += removed
            if len(by_lang) != len(declared):
                counts["skipped_missing_lang"] += 1
                continue
            if not all(by_lang.values()):
                counts["skipped_empty"] += 1
                continue
            counts["trimmed_segments"] += trimmed
            buf.append(f'    <tu tuid="{esc(tu.tuid, True)}">\n' if tu.tuid else "    <tu>\n")
            for type_, value in tu.props:
                buf.append(f'      <prop type="{esc(type_, True)}">{esc(value)}</prop>\n')
            if tu.note:
                buf.append(f"      <note>{esc(tu.note)}</note>\n")
            inner = {canon(lang): props for lang, props in tu.tuv_props}
            for lang in declared:
                props_xml = "".join(f'<prop type="{esc(t, True)}">{esc(v)}</prop>' for t, v in inner.get(lang, ()))
                buf.append(f'      <tuv xml:lang="{out_codes[lang]}">{props_xml}<seg>{_escape(by_lang[lang], False)}</seg></tuv>\n')
            buf.append("    </tu>\n")
            counts["written"] += 1
            if len(buf) > 4096:
                sink.write("".join(buf).encode("utf-8"))
                buf.clear()
        buf.append("  </body>\n</tmx>\n")
        sink.write("".join(buf).encode("utf-8"))
    stats = WriteStats(**counts)
    if on_warning is not None:
        if stats.illegal_chars_removed:
            on_warning(f"removed {stats.illegal_chars_removed} XML-illegal character(s) from the TMX text")
        if stats.skipped_missing_lang:
            on_warning(f"skipped {stats.skipped_missing_lang} TU(s) lacking a segment for one of {declared}")
        if stats.skipped_empty:
            on_warning(f"skipped {stats.skipped_empty} TU(s) with an empty segment")
    return stats


def _escape(text: str, attr: bool) -> str:
    """XML-escape already-legal text; CR/TAB/LF in attributes survive attribute normalisation."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attr:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def _tuid(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:20]


def _join(texts: Iterable[str], lang: str) -> str:
    sep = "" if lang.split("-")[0] in {"zh", "ja", "th"} else " "
    return sep.join(t.strip() for t in texts)


def alignment_tus(alignment: Any, src_doc: Any, tgt_doc: Any, *, src_lang: str, tgt_lang: str) -> Iterator[TranslationUnit]:
    """One TU per non-gap bead, with the evidence a reviewer needs as props.

    The tuid hashes document names, sentence positions and texts, so re-running
    an alignment gives the same ids, and a changed sentence gives a new one.
    Positions are 0-based sentence indices into each Document.
    """
    src = to_bcp47(src_lang)
    tgt = to_bcp47(tgt_lang)
    if src == tgt:
        raise TmxError(f"source and target language are both {src}; a TMX pairs two languages")
    for bead in alignment.beads:
        if bead.is_gap:
            continue
        src_text = _join((src_doc.sentences[i].text for i in bead.src), src)
        tgt_text = _join((tgt_doc.sentences[i].text for i in bead.tgt), tgt)
        src_pos = ",".join(str(i) for i in bead.src)
        tgt_pos = ",".join(str(i) for i in bead.tgt)
        yield TranslationUnit(
            tuid=_tuid(src_doc.name, tgt_doc.name, src_pos, tgt_pos, src_text, tgt_text),
            segs=((src, src_text), (tgt, tgt_text)),
            props=(
                ("x-score", f"{bead.score:.4f}"),
                ("x-bead", bead.shape),
                (f"x-document-{src}", src_doc.name),
                (f"x-document-{tgt}", tgt_doc.name),
                (f"x-position-{src}", src_pos),
                (f"x-position-{tgt}", tgt_pos),
            ),
        )


def write_alignment_tmx(
    path_or_file: str | os.PathLike[str] | IO[bytes],
    alignment: Any,
    src_doc: Any,
    tgt_doc: Any,
    *,
    tool: tuple[str, str],
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    lang_codes: Preset = "bcp47",
    min_score: float | None = None,
    on_warning: Callable[[str], None] | None = None,
    header_props: Sequence[tuple[str, str]] = (),
) -> WriteStats:
    """The bilingual TMX of one aligned pair (``aligner align --format tmx``).

    Languages default to the documents' own ``lang``.
    """
    src = src_lang or src_doc.lang
    tgt = tgt_lang or tgt_doc.lang
    return write_tmx(
        path_or_file,
        alignment_tus(alignment, src_doc, tgt_doc, src_lang=src, tgt_lang=tgt),
        srclang=src,
        langs=[src, tgt],
        tool=tool,
        lang_codes=lang_codes,
        min_score=min_score,
        on_warning=on_warning,
        header_props=header_props,
    )


def multilingual_tus(triples: Iterable[Any], documents: Sequence[Any]) -> Iterator[TranslationUnit]:
    """One TU per triple (``members``: sentence indices per document, ``score``).

    Props mirror the bilingual TUs so a reviewer can trace every segment back.
    """
    langs = [to_bcp47(d.lang) for d in documents]
    for triple in triples:
        texts = [_join((doc.sentences[i].text for i in idx), lang)
                 for doc, idx, lang in zip(documents, triple.members, langs)]
        positions = [",".join(str(i) for i in idx) for idx in triple.members]
        props: list[tuple[str, str]] = [("x-score", f"{triple.score:.4f}"),
                                        ("x-bead", "-".join(str(len(idx)) for idx in triple.members))]
        props += [(f"x-document-{lang}", doc.name) for doc, lang in zip(documents, langs)]
        props += [(f"x-position-{lang}", pos) for lang, pos in zip(langs, positions)]
        yield TranslationUnit(
            tuid=_tuid(*(d.name for d in documents), *positions, *texts),
            segs=tuple(zip(langs, texts)),
            props=tuple(props),
        )

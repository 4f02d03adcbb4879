"""Run the real CAT tool: OmegaT 3.6 headless on a throwaway project (no test here).

The project holds the source lines (one segment per line: text filter on line
breaks, no sentence segmentation) and the TMX in ``tm/auto``, whose exact matches
OmegaT applies on load. A Groovy hook writes what OmegaT assigned to every segment.
A translation counts as right only if it is the text of a ``<tuv>`` whose language
OmegaT matches to the project's target language (the part of ``xml:lang`` before
the first non-word character, any case): OmegaT also fills a segment from a TU that
lacks the target language, with another language's text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from needs import OMEGAT_JAR
from tmx.read import iter_tus

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{src}</source_lang>
    <target_lang>{tgt}</target_lang>
    <source_tok>{src_tok}</source_tok>
    <target_tok>{tgt_tok}</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""
FILTERS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<filters>
  <filter className="org.omegat.filters2.text.TextFilter" enabled="true">
    <files sourceFilenameMask="*.txt" targetFilenamePattern="${filename}" sourceEncoding="UTF-8" targetEncoding="UTF-8"/>
    <option name="segmentOn" value="BREAKS"/>
  </filter>
</filters>
"""
# One line per segment: source TAB translation (\N when none), with \\, \t, \n escaped.
DUMP = r"""
if (eventType.toString() != "LOAD") return
def esc = { s -> s == null ? "\\N" : s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") }
new File(System.getProperty("aligner.omegat.dump")).withWriter("UTF-8") { w ->
  project.allEntries.each { ste ->
    def info = project.getTranslationInfo(ste)
    w << esc(ste.srcText) << "\t" << (info.isTranslated() ? esc(info.translation) : "\\N") << "\n"
  }
}
"""


def _tokenizer(lang: str) -> str:
    return "org.omegat.tokenizer." + ("LuceneEnglishTokenizer" if _primary(lang) == "en" else "DefaultTokenizer")


def _primary(lang: str) -> str:
    return re.split(r"\W", lang, maxsplit=1, flags=re.ASCII)[0].lower()


def _unescape(field: str) -> str | None:
    if field == "\\N":
        return None
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), field)


@dataclass(frozen=True)
class OmegatResult:
    segments: int
    right: int  # translated with the text of a target-language <tuv> of that source
    wrong_language: int  # translated, but not with such a text
    untranslated: int
    load_errors: tuple[str, ...]


def run_omegat(src: str, tgt: str, sources: list[str], tmx_path: Path, work: Path) -> OmegatResult:
    """Translate ``sources`` in a new OmegaT project whose only memory is ``tmx_path``."""
    project = work / "omegat-project"
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (project / sub).mkdir(parents=True, exist_ok=True)
    (project / "omegat.project").write_text(
        PROJECT.format(src=src, tgt=tgt, src_tok=_tokenizer(src), tgt_tok=_tokenizer(tgt)), encoding="utf-8")
    (project / "omegat" / "filters.xml").write_text(FILTERS, encoding="utf-8")
    (project / "source" / "source.txt").write_text("\n".join(sources) + "\n", encoding="utf-8")
    shutil.copyfile(tmx_path, project / "tm" / "auto" / "memory.tmx")  # OmegaT loads only *.tmx
    script, dump = work / "dump.groovy", work / "dump.tsv"
    script.write_text(DUMP, encoding="utf-8")
    cmd = ["java", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
           f"-Daligner.omegat.dump={dump}", "-jar", str(OMEGAT_JAR), str(project),
           "--mode=console-translate", f"--config-dir={work / 'omegat-config'}",
           "--disable-project-locking", "--no-team", "--quiet", f"--script={script}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                         env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert out.returncode == 0 and "Finished" in out.stdout, (
        f"OmegaT console-translate failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    load_errors = tuple(line for line in out.stderr.splitlines() if "TF_TM_LOAD_ERROR" in line)

    right_texts: dict[str, set[str]] = {}
    for tu in iter_tus(tmx_path):
        langs = dict(tu.segs)
        source = next((text for lang, text in tu.segs if _primary(lang) == _primary(src)), None)
        if source is not None:
            right_texts.setdefault(source, set()).update(
                text for lang, text in langs.items() if _primary(lang) == _primary(tgt))
    right = wrong = untranslated = total = 0
    for line in dump.read_text(encoding="utf-8").splitlines():
        source, translation = (_unescape(f) for f in line.split("\t"))
        total += 1
        if translation is None:
            untranslated += 1
        elif translation in right_texts.get(source or "", set()):
            right += 1
        else:
            wrong += 1
    return OmegatResult(total, right, wrong, untranslated, load_errors)

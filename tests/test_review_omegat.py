"""OmegaT itself on the OmegaT layout: confirmed TUs in the main file match at 100%, an
unconfirmed exact match from ``penalty-NN/`` shows at 100 - NN in OmegaT's own fuzzy search.

OmegaT 3.6 headless (console-translate) runs a Groovy hook after loading the project that
asks OmegaT's FindMatches for every segment's matches and their scores, as the Fuzzy
Matches pane would show them. Needs the Debian/Ubuntu ``omegat`` package: without it the
test skips with the reason, and fails in CI, which installs it (tests/needs.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from aligner.formats import TmxOptions
from aligner.review.export import penalty, write_pair
from needs import OMEGAT_JAR as JAR
from needs import need_omegat
from test_review_export import ALIGNMENT, EN, SRC, STATUSES, TGT, TL

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat><project version="1.0">
<source_dir>__DEFAULT__</source_dir><target_dir>__DEFAULT__</target_dir><tm_dir>__DEFAULT__</tm_dir>
<glossary_dir>__DEFAULT__</glossary_dir><glossary_file>__DEFAULT__</glossary_file>
<dictionary_dir>__DEFAULT__</dictionary_dir>
<source_lang>en</source_lang><target_lang>tl</target_lang>
<source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
<target_tok>org.omegat.tokenizer.DefaultTokenizer</target_tok>
<sentence_seg>false</sentence_seg><support_default_translations>true</support_default_translations>
<remove_tags>false</remove_tags>
</project></omegat>
"""
FILTERS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<filters><filter className="org.omegat.filters2.text.TextFilter" enabled="true">
<files sourceFilenameMask="*.txt" targetFilenamePattern="${filename}" sourceEncoding="UTF-8" targetEncoding="UTF-8"/>
<option name="segmentOn" value="BREAKS"/></filter></filters>
"""
# After the project loads: every segment's matches as OmegaT scores them (tab-separated).
HOOK = """
import org.omegat.core.statistics.FindMatches
import org.omegat.core.events.IStopped
if (eventType.toString() != "LOAD") return
def finder = new FindMatches(project.getSourceTokenizer(), 10, false, false)
def never = { -> false } as IStopped
new File(System.getProperty("review.dump")).withWriter("UTF-8") { w ->
  project.allEntries.each { ste ->
    finder.search(project, ste.srcText, false, false, never).each { m ->
      w << [ste.srcText, m.translation, m.scores[0].score, m.projs.join("|")].join("\\t") << "\\n"
    }
  }
}
"""


def omegat_matches(tmp_path: Path, tm_files: dict[str, Path]) -> list[tuple[str, str, int, str]]:
    need_omegat()
    proj = tmp_path / "project"
    for sub in ("source", "target", "tm", "glossary", "dictionary", "omegat"):
        (proj / sub).mkdir(parents=True)
    (proj / "omegat.project").write_text(PROJECT, encoding="utf-8")
    (proj / "omegat" / "filters.xml").write_text(FILTERS, encoding="utf-8")
    (proj / "source" / "doc.txt").write_text("\n".join(EN) + "\n", encoding="utf-8")
    for rel, src in tm_files.items():
        dest = proj / "tm" / "review" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())
    hook = tmp_path / "hook.groovy"
    hook.write_text(HOOK, encoding="utf-8")
    dump = tmp_path / "matches.tsv"
    out = subprocess.run(
        ["java", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
         f"-Dreview.dump={dump}", "-jar", str(JAR), str(proj), "--mode=console-translate",
         f"--config-dir={tmp_path / 'config'}", "--disable-project-locking", "--no-team", "--quiet",
         f"--script={hook}"],
        capture_output=True, text=True, timeout=600, env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert out.returncode == 0 and dump.is_file(), f"OmegaT failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    rows = []
    for line in dump.read_text(encoding="utf-8").splitlines():
        source, tr, score, projs = line.split("\t")
        rows.append((source, tr, int(score), projs))
    return rows


def test_omegat_scores_exact_matches_from_penalty_folders_at_100_minus_nn(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    written = write_pair(out, "flood.en-tl.tmx", SRC, TGT, ALIGNMENT, STATUSES, TmxOptions("omegat"))
    rows = omegat_matches(tmp_path, {name: out / name for name in written.files})
    exact = {src: (tr, score, projs) for src, tr, score, projs in rows if tr == TL[EN.index(src)]}
    # Confirmed pairs: the main file, a 100% match.
    for i in (0, 4):
        tr, score, projs = exact[EN[i]]
        assert score == 100 and "penalty" not in projs, (EN[i], score, projs)
    # Unconfirmed: lowered by the folder's NN (0.87 -> penalty-20 -> 80%, 0.55 -> penalty-50 -> 50%).
    for i, nn in ((1, 20), (2, 50)):
        assert penalty(ALIGNMENT.beads[i].score) == nn
        tr, score, projs = exact[EN[i]]
        assert score == 100 - nn and f"penalty-{nn}" in projs, (EN[i], score, projs)
    # The related pair was never written, so OmegaT has no exact match for it.
    assert EN[3] not in exact

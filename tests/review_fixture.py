"""A small run folder made to order for the review app tests (no encoder, no shared data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aligner.review import rundata
from aligner.review.state import document_digest
from aligner.types import Alignment, Bead, Document, Sentence

EN = [("Floods", "heading"), ("The river flooded the town.", "sentence"), ("Schools closed for a week.", "sentence"),
      ("Aid arrived on Monday.", "sentence"), ("Only the English text says this.", "sentence"),
      ("Recovery", "heading"), ("The mayor thanked the volunteers.", "sentence"),
      ("Rebuilding will take a year.", "sentence"), ("Roads reopened in May.", "sentence")]
TL = [("Baha", "heading"), ("Binaha ng ilog ang bayan.", "sentence"), ("Sarado ang mga paaralan nang isang linggo.", "sentence"),
      ("Dumating ang tulong noong Lunes.", "sentence"), ("Pagbangon", "heading"),
      ("Nagpasalamat ang alkalde sa mga boluntaryo.", "sentence"), ("Isang taon ang muling pagtatayo.", "sentence"),
      ("Muling binuksan ang mga kalsada noong Mayo.", "sentence")]
# en -> tl: 0-0, 1-1, 2-2, 3-3, 4 gap, 5-4, 6-5, (7, 8) - (6, 7) as one 2-2 bead to split
BEADS = (Bead((0,), (0,), 0.95), Bead((1,), (1,), 0.91), Bead((2,), (2,), 0.62), Bead((3,), (3,), 0.35),
         Bead((4,), (), 0.0), Bead((5,), (4,), 0.88), Bead((6,), (5,), 0.83), Bead((7, 8), (6, 7), 0.58))
# English sentence i means the same as these Tagalog sentences (for the fake vectors).
MEANS = {0: 0, 1: 1, 2: 2, 3: 3, 4: None, 5: 4, 6: 5, 7: 6, 8: 7}


def doc(name: str, lang: str, items) -> Document:
    sents, pos = [], 0
    for text, kind in items:
        sents.append(Sentence(text, lang, pos, pos + len(text), kind))
        pos += len(text) + 1
    return Document(name, lang, "text", tuple(sents), "\n".join(t for t, _ in items))


SRC, TGT = doc("flood.en", "en", EN), doc("flood.tl", "tl", TL)


def make_run(out: Path, lang_codes: str = "trados") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    data = rundata.RunData((SRC, TGT), (rundata.RunPair(0, 1, "flood.en-tl.tmx", Alignment(BEADS, 9, 8, "parallel")),),
                           "e5-small", lang_codes, None, (document_digest(SRC), document_digest(TGT)))
    with open(out / rundata.RUN_FILE, "wb") as f:
        rundata.write(data, f)
    return out


def fake_vectors(view) -> tuple[np.ndarray, np.ndarray]:
    """Orthogonal meanings: each English sentence is most similar to its true Tagalog partner."""
    rng = np.random.default_rng(3)
    basis = np.linalg.qr(rng.normal(size=(16, 16)))[0]
    tgt = np.stack([basis[j] for j in range(len(TL))]).astype(np.float32)
    src = np.stack([basis[MEANS[i]] if MEANS[i] is not None else basis[15] for i in range(len(EN))])
    src = src + 0.1 * np.stack([basis[(MEANS[i] or 0) + 1] for i in range(len(EN))])
    src /= np.linalg.norm(src, axis=1, keepdims=True)
    return src.astype(np.float32), tgt


def fake_embed(texts):
    return np.ones((len(texts), 16), dtype=np.float32) / 4.0

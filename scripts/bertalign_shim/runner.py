"""Runs the installed Bertalign 2.0.1 on documents that ``scripts/bench_peers.py`` sends, with our
encoder's vectors. Started by bench_peers.py with the Python of Bertalign's own venv; this folder
is ``sys.path[0]``, so Bertalign's imports of torch, sentence_transformers and lingua find the
stand-ins here (see each module). Bertalign's own code runs unchanged, at its defaults.

Protocol (stdin/stdout, one document at a time): a JSON line ``{"src": [...], "tgt": [...],
"dim": d, "pad": true}``, then the float32 rows of the source vectors, the target vectors and
the vector of the text "PAD", raw, little-endian; the answer is a JSON line ``{"beads":
[[src ids], [tgt ids]], ...], "seconds": s}`` (s: Bertalign's construction and both passes,
vectors given).

Bertalign embeds every window of 1-4 consecutive sentences (``max_align - 1``). Embedding them all
costs about ten times the text; here layer 1 is our sentence vectors, exactly, and a window of k
sentences gets the normalised sum of its sentences' vectors (what our parallel mode scores its
candidate beads with). Window lengths are the UTF-8 byte lengths of the joined lines, as
Bertalign computes them; windows that start before the first line are its "PAD" text.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
from bertalign import Bertalign
from bertalign.encoder import Encoder


class GivenVectors(Encoder):
    """Hands Bertalign the vectors of the next document side instead of running a model."""

    def __init__(self) -> None:  # no model to load
        self.model_name = "aligner's default encoder (given vectors)"
        self.queue: list[np.ndarray] = []
        self.pad = np.zeros(0, dtype=np.float32)

    def transform(self, sents, num_overlaps):
        vecs = self.queue.pop(0)
        n, dim = vecs.shape
        if n != len(sents):
            raise ValueError(f"Bertalign split {len(sents)} lines where {n} vectors were given")
        nbytes = np.array([len(s.encode("utf-8")) for s in sents], dtype=np.int64)
        csum = np.vstack([np.zeros((1, dim)), np.cumsum(vecs, axis=0, dtype=np.float64)])
        blen = np.concatenate([[0], np.cumsum(nbytes)])
        out = np.zeros((num_overlaps, n, dim), dtype=np.float32)
        lens = np.zeros((num_overlaps, n), dtype=np.int64)
        for k in range(1, num_overlaps + 1):
            for p in range(n):
                if p < k - 1:
                    out[k - 1, p], lens[k - 1, p] = self.pad, 3
                    continue
                v = csum[p + 1] - csum[p + 1 - k]
                out[k - 1, p] = v / max(np.linalg.norm(v), 1e-12)
                lens[k - 1, p] = blen[p + 1] - blen[p + 1 - k] + (k - 1)  # joined with spaces
        out[0] = vecs  # one sentence: our vector exactly
        return out, lens


def _read(stream, n: int, dim: int) -> np.ndarray:
    raw = stream.read(n * dim * 4)
    if len(raw) != n * dim * 4:
        raise EOFError("truncated vectors")
    return np.frombuffer(raw, dtype="<f4").reshape(n, dim).copy()


def main() -> int:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr  # anything Bertalign prints stays off the protocol
    inp = sys.stdin.buffer
    enc = GivenVectors()
    while True:
        line = inp.readline()
        if not line:
            return 0
        req = json.loads(line)
        src, tgt, dim = req["src"], req["tgt"], req["dim"]
        sv, tv = _read(inp, len(src), dim), _read(inp, len(tgt), dim)
        enc.pad = _read(inp, 1, dim)[0]
        enc.queue = [sv, tv]
        t = time.perf_counter()
        aligner = Bertalign("\n".join(src), "\n".join(tgt), is_split=True, model=enc)
        beads = aligner.align_sents()
        secs = time.perf_counter() - t
        out.write(json.dumps({"beads": [[list(map(int, a)), list(map(int, b))] for a, b in beads],
                              "seconds": secs}) + "\n")
        out.flush()


if __name__ == "__main__":
    raise SystemExit(main())

"""Cheap cross-lingual evidence beside the sentence vector, for comparable text.

Real comparable pairs are loose (one side adds a date, a street, a clause), so
their vector margin alone often loses to an on-topic neighbour. Four signals
that cost almost nothing help tell them apart:

- shared numbers (Devanagari digits normalised; Bikram Sambat dates are *not*
  converted, a year that differs is simply not shared);
- shared names across scripts: Devanagari is transliterated with
  ``indic_transliteration`` and compared with Latin tokens by a normalised
  edit distance over a coarse phonetic key;
- clause-level similarity: the best clause-to-clause cosine of two long
  sentences, so an added clause does not drown the shared one;
- the neighbours' alignment: a pair next to a kept pair, in the same order.

Only distinctive numbers and names count (those in few sentences of each
side), so "Lenin" or "1917" in every other sentence proves nothing.
Each signal becomes a bonus in margin units, added before calibration.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from aligner.align.config import EvidenceConfig

EmbedFn = Callable[[list[str]], np.ndarray]

_DEVA_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DEVA_WORD = re.compile(r"[\u0900-\u097F]+")
_LATIN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CLAUSE_SPLIT = re.compile(r"[,;:।॥()\u2013\u2014]+")
_NE_SUFFIXES = sorted(
    ["को", "का", "की", "ले", "लाई", "मा", "बाट", "सँग", "हरू", "हरु", "द्वारा", "तिर", "देखि", "सम्म", "मै", "नै", "्को"],
    key=len, reverse=True,
)
_DIGRAPHS = [("sh", "s"), ("ch", "c"), ("bh", "b"), ("ph", "p"), ("th", "t"), ("dh", "d"),
             ("kh", "k"), ("gh", "g"), ("jh", "j"), ("ts", "c"), ("x", "ks")]
_SINGLE = str.maketrans({"v": "b", "w": "b", "f": "p", "z": "s", "q": "k", "y": "i"})
# Capitalised function words that start Tagalog and English sentences.
_LATIN_STOP = frozenset(
    "ang ang mga si sa noong nang ng ito siya sila kanyang ayon dahil pagkatapos habang bilang "
    "the this that these those his her their its in on at after before when while during as "
    "and but for from with by of to was were is are he she they it".split()
    # Month names match across languages but say less than the numbers beside them.
    + "enero pebrero marso abril mayo hunyo hulyo agosto setyembre oktubre nobyembre disyembre "
    "january february march april may june july august september october november december".split()
)
_DEVA_MONTHS = frozenset(
    "जनवरी फेब्रुअरी फेब्रुअरी मार्च अप्रिल मे जुन जुलाई अगस्ट अगस्त सेप्टेम्बर सेप्टेम्बर अक्टोबर अक्टूबर अक्टोवर "
    "नोभेम्बर नोभेम्बर डिसेम्बर".split()
)


def normalise_digits(text: str) -> str:
    return text.translate(_DEVA_DIGITS)


_MONTHS = {
    **{m: k for k, m in enumerate("january february march april may june july august september october november december".split(), 1)},
    **{m: k for k, m in enumerate("enero pebrero marso abril mayo hunyo hulyo agosto setyembre oktubre nobyembre disyembre".split(), 1)},
    **{m: k for k, m in enumerate("जनवरी फेब्रुअरी मार्च अप्रिल मे जुन जुलाई अगस्ट सेप्टेम्बर अक्टोबर नोभेम्बर डिसेम्बर".split(), 1)},
    "अक्टूबर": 10, "अक्टोवर": 10, "अगस्त": 8, "फेब्रुअरी": 2,
}
_TOKEN = re.compile(r"\d+|[\u0900-\u0963\u0971-\u097F]+|[^\W\d_]+")


def numbers(text: str) -> frozenset[str]:
    """Numbers of two or more digits (single digits are too common to prove anything),
    plus day-month dates as ``d/m`` so "21 January", "January 21" and "जनवरी 21" agree."""
    norm = normalise_digits(text)
    found = {m.group().replace(",", "") for m in _NUMBER.finditer(norm)}
    out = {n for n in found if len(n.replace(".", "")) >= 2}
    tokens = _TOKEN.findall(norm)
    for k, tok in enumerate(tokens):
        month = _MONTHS.get(tok.lower())
        if month is None:
            continue
        for near in tokens[max(k - 1, 0) : k] + tokens[k + 1 : k + 2]:
            if near.isdigit() and 1 <= int(near) <= 31 and len(near) <= 2:
                out.add(f"{int(near)}/{month}")
    return frozenset(out)


def _ascii_key(word: str) -> str:
    s = unicodedata.normalize("NFKD", word.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch) and ch.isalpha())
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = s.translate(_SINGLE).replace("h", "")
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=65536)
def _deva_key(word: str) -> str:
    # Imported on first use: it parses 88 scheme files (0.15-0.18 s), which texts with no
    # Devanagari never need.
    from indic_transliteration import sanscript

    for suf in _NE_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    latin = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.IAST)
    last = word[-1]
    if "\u0915" <= last <= "\u0939" or "\u0958" <= last <= "\u095F":
        latin = latin[:-1] if latin.endswith("a") else latin  # inherent vowel is not spoken
    return _ascii_key(latin)


def name_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """(key, start, end) of every word that may be a name, in text order."""
    out = []
    for m in _DEVA_WORD.finditer(text):
        if m.group() not in _DEVA_MONTHS:
            out.append((_deva_key(m.group()), m.start(), m.end()))
    for m in _LATIN_WORD.finditer(text):
        w = m.group()
        if w[0].isupper() and w.lower() not in _LATIN_STOP and not _DEVA_WORD.match(w):
            out.append((_ascii_key(w), m.start(), m.end()))
    return tuple(sorted(x for x in out if len(x[0]) >= 4))


@lru_cache(maxsize=262144)
def keys_match(a: str, b: str, distance: float) -> bool:
    """Whether two phonetic keys name the same thing, within ``distance`` edits per character."""
    if a == b:
        return True
    if a[0] != b[0] and not (a[0] in "aeiou" and b[0] in "aeiou"):
        return False
    allowed = int(distance * max(len(a), len(b))) if min(len(a), len(b)) >= 6 else 0
    return abs(len(a) - len(b)) <= allowed and _levenshtein(a, b) <= allowed


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@dataclass(frozen=True)
class SideFacts:
    """Per-sentence numbers and name keys of one document, with what is distinctive."""

    numbers: tuple[frozenset[str], ...]
    names: tuple[frozenset[str], ...]
    common_numbers: frozenset[str]
    common_names: frozenset[str]
    texts: tuple[str, ...] = ()
    spans: tuple[tuple[tuple[str, int, int], ...], ...] = ()


def facts(texts: Sequence[str], cfg: EvidenceConfig = EvidenceConfig()) -> SideFacts:
    """Remembered per document: a document in k pairs has its facts found once, not k times
    (on the corpus 4 documents in 5 pairs: 1,681 sentences read instead of 3,759, issue 14)."""
    return _facts(tuple(texts), cfg)


@lru_cache(maxsize=32)  # a run's documents; SideFacts is immutable, so sharing it is safe
def _facts(texts: tuple[str, ...], cfg: EvidenceConfig) -> SideFacts:
    nums = tuple(numbers(t) for t in texts)
    spans = tuple(tuple(sorted(name_spans(t), key=lambda x: x[1])) for t in texts)
    nams = tuple(frozenset(k for k, _, _ in sp) for sp in spans)
    return SideFacts(nums, nams, _common(nums, cfg.max_distinct), _common(nams, cfg.max_distinct),
                     tuple(texts), spans)


def _common(sets: Sequence[frozenset[str]], max_distinct: int) -> frozenset[str]:
    count: dict[str, int] = {}
    for s in sets:
        for x in s:
            count[x] = count.get(x, 0) + 1
    return frozenset(x for x, c in count.items() if c > max_distinct)


def shared_numbers(a: SideFacts, b: SideFacts, i: int, j: int) -> float:
    """Shared distinctive numbers: a two- or three-digit one counts half, a year fully, and a
    day-month date twice (it names one day, not a period; its day is not counted again)."""
    shared = (a.numbers[i] - a.common_numbers) & (b.numbers[j] - b.common_numbers)
    days = {x.split("/")[0] for x in shared if "/" in x}
    return sum(2.0 if "/" in x else 1.0 if len(x.replace(".", "")) >= 4 else 0.5
               for x in shared if x not in days)


def shared_names(a: SideFacts, b: SideFacts, i: int, j: int, cfg: EvidenceConfig = EvidenceConfig()) -> int:
    """Distinct source name keys that match some target name key."""
    left = a.names[i] - a.common_names
    right = b.names[j] - b.common_names
    return sum(1 for x in left if any(keys_match(x, y, cfg.name_distance) for y in right))


def shared_name_units(a: SideFacts, b: SideFacts, i: int, j: int, cfg: EvidenceConfig = EvidenceConfig()) -> int:
    """Shared names counted as people or places, not words: matched words separated by
    white space only ("Ludwig Feuerbach") are one name. The smaller count of the two sides."""
    left = a.names[i] - a.common_names
    right = b.names[j] - b.common_names
    hit_l = {x for x in left if any(keys_match(x, y, cfg.name_distance) for y in right)}
    hit_r = {y for y in right if any(keys_match(x, y, cfg.name_distance) for x in hit_l)}
    return min(_units(a.texts[i], a.spans[i], hit_l), _units(b.texts[j], b.spans[j], hit_r))


def _units(text: str, spans: Sequence[tuple[str, int, int]], hit: set[str]) -> int:
    units, last_end = 0, None
    for key, start, end in spans:
        if key not in hit:
            last_end = None
            continue
        if last_end is None or text[last_end:start].strip():
            units += 1
        last_end = end
    return units


def number_candidates(a: SideFacts, b: SideFacts) -> list[tuple[int, int]]:
    """Pairs sharing a distinctive number: found through an index, so linear in length."""
    where: dict[str, list[int]] = {}
    for j, nums in enumerate(b.numbers):
        for x in nums - b.common_numbers:
            where.setdefault(x, []).append(j)
    out: set[tuple[int, int]] = set()
    for i, nums in enumerate(a.numbers):
        for x in nums - a.common_numbers:
            out.update((i, j) for j in where.get(x, ()))
    return sorted(out)


def clauses(text: str, cfg: EvidenceConfig = EvidenceConfig()) -> list[str]:
    """Comma/semicolon/danda clauses of a long sentence, short bits glued to their neighbour."""
    if len(text) < cfg.long_sentence:
        return []
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(text) if p.strip()]
    out: list[str] = []
    for p in parts:
        if out and (len(out[-1]) < cfg.min_clause or len(p) < cfg.min_clause):
            out[-1] = f"{out[-1]}, {p}"
        else:
            out.append(p)
    return out if len(out) > 1 else []


def clause_margin(
    src_texts: Sequence[str], tgt_texts: Sequence[str], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
    src_mean: np.ndarray, tgt_mean: np.ndarray, pairs_i: np.ndarray, pairs_j: np.ndarray,
    embed: EmbedFn, knn_mean: Callable[[np.ndarray, np.ndarray], np.ndarray], cfg: EvidenceConfig = EvidenceConfig(),
) -> tuple[np.ndarray, int]:
    """Best ratio margin between a clause of one sentence and the whole other sentence.

    Clauses of only the sentences in these pairs are embedded. Each clause gets
    its own k-NN denominator against the other document, since a short clause
    sits close to many sentences and a raw cosine would flatter it.
    ``src_mean``/``tgt_mean`` are the sentences' own denominators.
    Returns (margin per pair, characters embedded).
    """
    need_s = {int(i): clauses(src_texts[i], cfg) for i in set(pairs_i.tolist())}
    need_t = {int(j): clauses(tgt_texts[j], cfg) for j in set(pairs_j.tolist())}
    s_cl = sorted({c for cs in need_s.values() for c in cs})
    t_cl = sorted({c for cs in need_t.values() for c in cs})
    cos = np.einsum("ij,ij->i", src_vecs[pairs_i], tgt_vecs[pairs_j]).astype(np.float64)
    out = cos / np.maximum((src_mean[pairs_i] + tgt_mean[pairs_j]) / 2.0, 1e-9)
    if not s_cl and not t_cl:
        return out, 0
    texts = s_cl + t_cl
    vecs = np.asarray(embed(texts), dtype=np.float32)
    sv, tv = vecs[: len(s_cl)], vecs[len(s_cl) :]
    s_den = knn_mean(sv, tgt_vecs) if len(s_cl) else np.zeros(0)
    t_den = knn_mean(tv, src_vecs) if len(t_cl) else np.zeros(0)
    s_row = {t: k for k, t in enumerate(s_cl)}
    t_row = {t: k for k, t in enumerate(t_cl)}
    for p, (i, j) in enumerate(zip(pairs_i.tolist(), pairs_j.tolist())):
        a = np.stack([src_vecs[i]] + [sv[s_row[c]] for c in need_s[i]])
        ad = np.array([src_mean[i]] + [s_den[s_row[c]] for c in need_s[i]])
        b = np.stack([tgt_vecs[j]] + [tv[t_row[c]] for c in need_t[j]])
        bd = np.array([tgt_mean[j]] + [t_den[t_row[c]] for c in need_t[j]])
        m = (a @ b.T) / np.maximum((ad[:, None] + bd[None, :]) / 2.0, 1e-9)
        # Clause against whole sentence only: the denominators were measured that way,
        # and two short clauses look alike more often than they mean the same.
        best = max(float(m[0, 1:].max(initial=0.0)), float(m[1:, 0].max(initial=0.0)))
        out[p] = max(out[p], best - cfg.clause_penalty)
    return out, sum(len(t) for t in texts)


def corroborated(n_facts: np.ndarray, vector_conf: np.ndarray, vector_floor: float) -> np.ndarray:
    """Whether pairs have two independent signals: two shared facts, or one fact and vectors
    already likely right on their own (``vector_floor``). Both inputs are known before any
    clause is embedded, so this also says which pairs loosely related documents can keep."""
    f, v = np.asarray(n_facts), np.asarray(vector_conf)
    return (f >= 2) | ((f >= 1) & (v >= vector_floor))


def clause_can_matter(ci: np.ndarray, cj: np.ndarray, keepable: np.ndarray, n: int, m: int) -> np.ndarray:
    """Candidates whose clause margin can change what is kept, when only ``keepable`` pairs can be.

    A clause margin only raises its own pair. That matters for a keepable pair,
    and for a pair sharing a sentence with one: raised, it may become that
    sentence's best partner and take the keepable pair's place. Any other pair
    could at most become an anchor that corroboration then drops; on the corpus
    skipping those left every kept pair and gap score as it was, and cut the
    clause tokens from 28,800 to 395 (they were a third of a cold run, issue 14).
    """
    src, tgt = np.zeros(n, dtype=bool), np.zeros(m, dtype=bool)
    src[ci[keepable]] = True
    tgt[cj[keepable]] = True
    return src[ci] | tgt[cj]


def bonus(n_numbers: np.ndarray, n_names: np.ndarray, cfg: EvidenceConfig = EvidenceConfig()) -> np.ndarray:
    """Margin bonus for shared distinctive numbers and names, two of each at most."""
    return cfg.number_bonus * np.minimum(n_numbers, 2) + cfg.name_bonus * np.minimum(n_names, 2)

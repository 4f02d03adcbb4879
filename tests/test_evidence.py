from __future__ import annotations

import numpy as np
import pytest

from aligner.align import evidence as ev
from aligner.align.config import EvidenceConfig


def test_devanagari_digits_are_normalised_and_single_digits_ignored() -> None:
    assert ev.numbers("लेनिनको जन्म २२ अप्रिल १८७० मा") == {"22", "1870", "22/4"}
    assert ev.numbers("3 bata, 1,000 tao") == {"1000"}


def test_names_match_across_scripts() -> None:
    tl = "Si Vladimir Ilyich Ulyanov ay ipinanganak sa Simbirsk"
    ne = "भ्लादिमिर उल्यानोभको जन्म सिम्बिस्र्क शहरमा भएको थियो"
    a, b = ev.facts([tl]), ev.facts([ne])
    assert ev.shared_names(a, b, 0, 0) == 3  # Vladimir, Ulyanov, Simbirsk


def test_unrelated_names_do_not_match() -> None:
    a = ev.facts(["Lumipat siya sa Alemanya noong 1900"])
    b = ev.facts(["स्टालिनले पार्टीको नेतृत्व लिए"])
    assert ev.shared_names(a, b, 0, 0) == 0
    assert ev.shared_numbers(a, b, 0, 0) == 0


def test_common_numbers_and_names_prove_nothing() -> None:
    src = [f"Lenin noong 1917 bahagi {i}" for i in range(EvidenceConfig().max_distinct + 1)]
    tgt = ["लेनिन 1917"]
    a, b = ev.facts(src), ev.facts(tgt)
    assert ev.shared_numbers(a, b, 0, 0) == 0  # 1917 is in every source sentence
    assert ev.shared_names(a, b, 0, 0) == 0


def test_a_documents_facts_are_found_once_per_config() -> None:
    texts = ["Lenin noong 1917 sa Simbirsk", "लेनिनको जन्म २२ अप्रिल १८७० मा"]
    first = ev.facts(texts)
    assert ev.facts(list(texts)) is first and ev.facts(tuple(texts)) is first  # same texts, any sequence
    assert first.numbers == (frozenset({"1917"}), frozenset({"22", "1870", "22/4"})) and not first.common_numbers
    strict = ev.facts(texts, EvidenceConfig(max_distinct=0))  # another config is found apart
    assert strict is not first and strict.common_numbers == {"1917", "22", "1870", "22/4"}


def test_number_candidates_come_from_an_index() -> None:
    a = ev.facts(["isa 1887", "wala", "1903 at 1905"])
    b = ev.facts(["१९०५ मा", "1887 मा"])
    assert ev.number_candidates(a, b) == [(0, 1), (2, 0)]


def test_clauses_split_long_sentences_only() -> None:
    assert ev.clauses("Maikli, oo.") == []
    long = "Pagkatapos ng kanyang destyero sa Siberya, naglakbay siya sa Kanlurang Europa; doon siya naging prominenteng teorista ng partido"
    parts = ev.clauses(long)
    assert len(parts) == 3 and parts[0].startswith("Pagkatapos")


def test_clause_margin_finds_the_shared_clause() -> None:
    eye = np.eye(4, dtype=np.float32)
    src = ["Ipinanganak siya sa isang maliit na bayan sa tabi ng ilog, at doon siya nag-aral hanggang labing-walo"]
    tgt = ["He was born in a small town by the river."]
    first, second = ev.clauses(src[0])
    table = {first: eye[0], second: eye[1]}

    def embed(texts: list[str]) -> np.ndarray:
        return np.stack([table[t] for t in texts])

    def knn_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.full(len(a), 0.5)

    sv = np.array([[0.6, 0.8, 0, 0]], dtype=np.float32)
    tv = eye[0][None, :]
    means = np.array([0.5])
    m, chars = ev.clause_margin(src, tgt, sv, tv, means, means, np.array([0]), np.array([0]), embed, knn_mean)
    # the clause matches exactly: cos 1 over a neighbourhood of 0.5, less the partial-match penalty
    assert m[0] == pytest.approx(2.0 - EvidenceConfig().clause_penalty)
    assert chars == len(first) + len(second)


def test_dates_agree_across_languages_and_word_orders() -> None:
    en = ev.numbers("Lenin died on 21 January.")
    tl = ev.numbers("Enero 21, 1924")
    ne = ev.numbers("सन् १९२४ जनवरी २१ मा")
    assert "21/1" in en and "21/1" in tl and "21/1" in ne
    assert ev.numbers("Abril 22") & ev.numbers("22 अप्रिल") == {"22", "22/4"}


def test_month_names_alone_are_not_names() -> None:
    a, b = ev.facts(["Manipestong Oktubre"]), ev.facts(["The October Revolution"])
    assert ev.shared_names(a, b, 0, 0) == 0


def test_a_multi_word_name_is_one_fact() -> None:
    a = ev.facts(["Binasa niya sina Hegel, Ludwig Feuerbach, at Aristoteles"])
    b = ev.facts(["See Engels, Ludwig Feuerbach and the End of Classical German Philosophy"])
    assert ev.shared_names(a, b, 0, 0) == 2  # two words...
    assert ev.shared_name_units(a, b, 0, 0) == 1  # ...one person
    c = ev.facts(["Dmitry Pisarev, Nikolay Dobrolyubov"])
    d = ev.facts(["द्रोब्रोल्युबोभ र पिसारेभ"])
    assert ev.shared_name_units(c, d, 0, 0) == 2  # separated by a word: two people


def test_a_day_month_date_counts_twice_and_its_day_not_again() -> None:
    a = ev.facts(["Lenin died on 21 January."])
    b = ev.facts(["सन् १९२४ जनवरी २१ मा"])
    assert ev.shared_numbers(a, b, 0, 0) == 2.0
    c, d = ev.facts(["noong 1902"]), ev.facts(["as far back as 1902"])
    assert ev.shared_numbers(c, d, 0, 0) == 1.0


def test_one_shared_fact_confirms_only_vectors_that_already_lean_right() -> None:
    from aligner.align.config import ComparableConfig

    floor = ComparableConfig().corroborated_vector_conf
    facts = np.array([2.0, 1.0, 1.0, 0.5, 0.0])
    vector_conf = np.array([0.0, floor, floor - 0.01, 0.99, 0.99])
    assert ev.corroborated(facts, vector_conf, floor).tolist() == [True, True, False, False, False]

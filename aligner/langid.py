"""Language identification from script plus function words.

Good enough to tell the project's languages apart (Tagalog, Nepali, English) and to
say "und" rather than guess when the evidence is thin. No model, so it is fast,
offline and deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from aligner.errors import ConfigError

_WORD = re.compile(r"[^\W\d_]+")

# Frequent, short, language-specific words. Only a few dozen are needed: in running
# text they make up a large share of the tokens.
_LATIN_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in is that it was for on are as with his they be at by this "
        "had from not but have which were an their has its would who been there".split()
    ),
    "tl": frozenset(
        "ang ng mga sa na si ay at ni kay noong nang para hindi siya ito kanyang "
        "niya din rin pa ko mo ka kami tayo sila ano bilang dahil upang naging".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine zu den von mit sich des auf für dem "
        "im auch es als wir wird".split()
    ),
    "fr": frozenset(
        "le la les et est des une un du que qui dans pour pas sur au ne se ce il "
        "avec sont nous aux".split()
    ),
    "es": frozenset(
        "el la los las y es que en del por con una para se no su al lo como más "
        "pero sus le ya".split()
    ),
}

# Nepali and Hindi share Devanagari; their postpositions and copulas differ.
_DEVANAGARI_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "ne": frozenset(
        "छ छन् हो थियो थिए गरेको भएको र पनि मा को का की लाई ले बाट सँग गर्न "
        "यो त्यो उनी उनको तथा भने हुन्छ गरे".split()
    ),
    "hi": frozenset(
        "है हैं था थे और में से के की को ने पर यह वह भी इस कि एक लिए".split()
    ),
}

_SCRIPT_LANG = {
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "THAI": "th",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
    "BENGALI": "bn",
    "TAMIL": "ta",
}

_MIN_HITS = 2
_SAMPLE = 20000


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def detect(text: str) -> str:
    """Guess the ISO 639-1 code of ``text``; "und" when unsure.

    The script picks the family; function-word hits pick the language. Only the
    first 20k characters are read, which is plenty and keeps big files cheap.
    """
    sample = text[:_SAMPLE]
    scripts: Counter[str] = Counter()
    for ch in sample:
        if ch.isalpha():
            scripts[_script(ch)] += 1
    if not scripts:
        return "und"
    script, _ = scripts.most_common(1)[0]
    if script in _SCRIPT_LANG:
        return _SCRIPT_LANG[script]
    if script == "DEVANAGARI":
        return _by_function_words(sample, _DEVANAGARI_FUNCTION_WORDS, default="ne", fold=False)
    if script == "LATIN":
        return _by_function_words(sample, _LATIN_FUNCTION_WORDS, default="und", fold=True)
    return "und"


def _by_function_words(
    sample: str, table: dict[str, frozenset[str]], *, default: str, fold: bool
) -> str:
    words = sample.split() if not fold else _WORD.findall(sample.lower())
    if not fold:
        words = [w.strip("।॥,.;:!?()\"'“”‘’") for w in words]
    hits = {lang: sum(1 for w in words if w in vocab) for lang, vocab in table.items()}
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
    best, best_hits = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best_hits < _MIN_HITS or best_hits == runner_up:
        return default
    return best


# Names for the coverage sentence; unknown codes fall back to the code itself.
LANGUAGE_NAMES: dict[str, str] = {
    "tl": "Tagalog",
    "fil": "Filipino",
    "ne": "Nepali",
    "en": "English",
    "hi": "Hindi",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "ru": "Russian",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def check_code(code: str) -> str:
    """The canonical BCP-47 form of a language code a user gave (``EN`` -> ``en``, ``npi`` -> ``ne``).

    A typo such as ``--lang np`` or ``--lang nepali`` would otherwise segment
    with the wrong rules and write a TMX no CAT tool matches; the IANA
    registry (through ``langcodes``) says which codes exist.
    """
    from tmx.errors import LanguageCodeError
    from tmx.langcodes import to_bcp47

    try:
        tag = to_bcp47(code)
    except LanguageCodeError as exc:
        raise ConfigError(str(exc)) from None
    if tag in LANGUAGE_NAMES:  # registered codes all: no need to load the registry (0.05 s a run)
        return tag
    import langcodes

    if not langcodes.tag_is_valid(tag):
        raise ConfigError(f"unknown language code '{code}'; use an ISO 639 code such as en, tl or ne "
                          "(optionally with a region, e.g. en-US)")
    return tag

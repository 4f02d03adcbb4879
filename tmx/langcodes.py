"""Language codes: BCP-47 inside, each CAT tool's dialect on output.

OmegaT matches a ``<tuv>`` by primary subtag only and treats ``fil`` as a
different language from ``tl``; Trados wants a full locale such as ``fil-PH``.
"""

from __future__ import annotations

import re
from typing import Literal

from tmx.errors import LanguageCodeError

Preset = Literal["omegat", "trados", "memoq", "bcp47"]
# memoQ maps TMX languages in its import dialog and reads BCP-47 tags as written.
PRESETS: tuple[str, ...] = ("omegat", "trados", "memoq", "bcp47")

_CODE_RE = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")

# ISO 639-3/639-2 codes (as in FLORES) to their ISO 639-1 form, which BCP-47 prefers.
_THREE_TO_TWO = {
    "eng": "en", "tgl": "tl", "npi": "ne", "nep": "ne", "deu": "de", "ger": "de",
    "fra": "fr", "fre": "fr", "spa": "es", "hin": "hi", "ita": "it", "por": "pt",
    "nld": "nl", "rus": "ru", "jpn": "ja", "zho": "zh", "kor": "ko", "ara": "ar",
    "ben": "bn", "ind": "id", "zsm": "ms", "msa": "ms", "vie": "vi", "tha": "th",
    "urd": "ur", "tam": "ta", "tel": "te", "mar": "mr", "tur": "tr", "pol": "pl",
    "ukr": "uk", "swh": "sw", "swa": "sw", "ceb": "ceb", "fil": "fil",
}
# Scripts a language is written in by default (IANA Suppress-Script), dropped from tags.
_DEFAULT_SCRIPT = {
    "en": "Latn", "tl": "Latn", "fil": "Latn", "de": "Latn", "fr": "Latn", "es": "Latn",
    "it": "Latn", "pt": "Latn", "nl": "Latn", "pl": "Latn", "tr": "Latn", "id": "Latn",
    "vi": "Latn", "sw": "Latn", "hi": "Deva", "ne": "Deva", "mr": "Deva", "ru": "Cyrl",
    "uk": "Cyrl", "ar": "Arab", "ur": "Arab", "bn": "Beng", "ta": "Taml", "te": "Telu",
    "th": "Thai", "ja": "Jpan", "ko": "Kore",
}
# Trados locales for bare language codes.
_TRADOS_LOCALE = {
    "en": "en-US", "tl": "fil-PH", "fil": "fil-PH", "ne": "ne-NP", "de": "de-DE",
    "fr": "fr-FR", "es": "es-ES", "it": "it-IT", "pt": "pt-PT", "nl": "nl-NL",
    "hi": "hi-IN", "ja": "ja-JP", "zh": "zh-CN", "ko": "ko-KR", "ru": "ru-RU",
    "ar": "ar-SA", "bn": "bn-BD", "id": "id-ID", "ms": "ms-MY", "vi": "vi-VN",
    "th": "th-TH", "ur": "ur-PK", "ta": "ta-IN", "te": "te-IN", "mr": "mr-IN",
    "tr": "tr-TR", "pl": "pl-PL", "uk": "uk-UA", "sw": "sw-KE",
}


def to_bcp47(lang: str) -> str:
    """Canonical BCP-47 for codes as people write them (``eng_Latn``, ``EN_us``, ``npi``)."""
    code = lang.strip()
    if not _CODE_RE.match(code):
        raise LanguageCodeError(
            f"'{lang}' is not a language code; use a BCP-47 tag such as en, tl, ne or en-US"
        )
    parts = re.split(r"[-_]", code)
    primary = parts[0].lower()
    primary = _THREE_TO_TWO.get(primary, primary)
    out = [primary]
    for sub in parts[1:]:
        if len(sub) == 4 and sub.isalpha():
            script = sub.title()
            if _DEFAULT_SCRIPT.get(primary) != script:
                out.append(script)
        elif (len(sub) == 2 and sub.isalpha()) or (len(sub) == 3 and sub.isdigit()):
            out.append(sub.upper())
        else:
            out.append(sub.lower())
    return "-".join(out)


def convert(lang: str, preset: Preset) -> str:
    """The code a CAT tool expects in ``xml:lang``/``srclang`` for ``lang``."""
    if preset not in PRESETS:
        raise LanguageCodeError(f"unknown language-code preset '{preset}'; choose one of {', '.join(PRESETS)}")
    tag = to_bcp47(lang)
    if preset in ("bcp47", "memoq"):
        return tag
    parts = tag.split("-")
    primary = parts[0]
    if preset == "omegat":
        return "tl" if primary == "fil" else primary
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha() or (len(p) == 3 and p.isdigit())), None)
    trados_primary = "fil" if primary == "tl" else primary
    if region is not None:
        return f"{trados_primary}-{region}"
    locale = _TRADOS_LOCALE.get(primary)
    if locale is None:
        raise LanguageCodeError(
            f"no Trados locale known for '{lang}'; pass the language with a region, e.g. {primary}-XX"
        )
    return locale

import pytest

from tmx.errors import LanguageCodeError
from tmx.langcodes import convert, to_bcp47


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("eng_Latn", "en"), ("tgl_Latn", "tl"), ("npi_Deva", "ne"), ("EN_us", "en-US"),
     ("sr-latn-rs", "sr-Latn-RS"), ("ne-Latn", "ne-Latn"), ("fil", "fil"), ("es-419", "es-419")],
)
def test_to_bcp47_canonicalises_codes_people_write(raw, tag):
    assert to_bcp47(raw) == tag


@pytest.mark.parametrize(
    ("lang", "omegat", "trados", "bcp47"),
    [("en", "en", "en-US", "en"), ("tl", "tl", "fil-PH", "tl"), ("ne", "ne", "ne-NP", "ne"),
     ("en-GB", "en", "en-GB", "en-GB"), ("fil-PH", "tl", "fil-PH", "fil-PH"), ("npi", "ne", "ne-NP", "ne")],
)
def test_presets_give_each_tool_its_codes(lang, omegat, trados, bcp47):
    assert convert(lang, "omegat") == omegat
    assert convert(lang, "trados") == trados
    assert convert(lang, "bcp47") == bcp47


def test_bad_codes_and_presets_raise_actionable_errors():
    with pytest.raises(LanguageCodeError, match="not a language code"):
        to_bcp47("en us")
    with pytest.raises(LanguageCodeError, match="unknown language-code preset"):
        convert("en", "wordfast")
    with pytest.raises(LanguageCodeError, match="with a region"):
        convert("xq", "trados")

"""Whatever text the aligner hands over, the file is valid and reads back as
the cleaned text: NFC, no XML-illegal characters, no edge whitespace."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_tmx_support import write_checked
from tmx.model import TranslationUnit
from tmx.read import iter_tus
from tmx.text import clean_segment, remove_illegal

texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any code point, including controls and U+FFFE
        st.sampled_from(list("&<>\"'] \t\r\n\u00a0\u0301\u0915\u094d\ufeff")),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=5))
def test_any_text_round_trips_as_its_cleaned_form(tmp_path, pairs):
    units = [TranslationUnit(f"u{i}", (("en", a), ("ne", b)), (("x-note", c),)) for i, (a, b, c) in enumerate(pairs)]
    path = tmp_path / "prop.tmx"
    stats = write_checked(path, units, srclang="en", langs=["en", "ne"])
    expected = [u for u in units if all(clean_segment(t)[0] for _, t in u.segs)]
    assert stats.written == len(expected)
    back = list(iter_tus(path))
    assert [u.segs for u in back] == [tuple((lang, clean_segment(t)[0]) for lang, t in u.segs) for u in expected]
    assert [u.props for u in back] == [(("x-note", remove_illegal(u.props[0][1])[0]),) for u in expected]
    for u in back:
        assert all(unicodedata.is_normalized("NFC", t) and t == t.strip() for _, t in u.segs)

"""The validity check the TMX tests rely on catches what CAT tools reject (lxml's DTD and XSD)."""

from __future__ import annotations

import pytest

from test_tmx_support import tmx_errors, write_checked
from tmx.model import TranslationUnit

HEADER = ('<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
          'adminlang="en" srclang="en" datatype="plaintext"/>')


def tmx(header: str = HEADER, tuv: str = '<tuv xml:lang="en"><seg>Hi</seg></tuv>') -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            f'<tmx version="1.4">{header}<body><tu>{tuv}</tu></body></tmx>\n')


def test_a_file_we_write_is_valid(tmp_path):
    path = tmp_path / "ok.tmx"
    write_checked(path, [TranslationUnit("1", (("en", "Hi & <bye>"), ("ne", "नमस्ते")))],
                  srclang="en", langs=["en", "ne"])
    assert tmx_errors(path) == []


@pytest.mark.parametrize(("text", "schema"), [
    (tmx(tuv='<tuv lang="en"><seg>Hi</seg></tuv>'), "XSD"),  # deprecated lang: the DTD still allows it
    (tmx(header=HEADER.replace(' segtype="sentence"', "")), "DTD"),
    (tmx(tuv='<tuv xml:lang="en"><seg>a</seg><seg>b</seg></tuv>'), "DTD"),
    (tmx(tuv='<tuv xml:lang="not a tag"><seg>Hi</seg></tuv>'), "XSD"),
])
def test_what_cat_tools_reject_is_reported(tmp_path, text, schema):
    path = tmp_path / "bad.tmx"
    path.write_text(text, encoding="utf-8")
    assert any(e.startswith(schema) for e in tmx_errors(path)), tmx_errors(path)

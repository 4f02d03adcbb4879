"""tmx/ is a TMX library of its own: importing and using it loads nothing of aligner/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

USE = """
import io, sys
from tmx import langcodes, merge, model, parse, read, stats, text, validate, write
from tmx.errors import LanguageCodeError, TmxError
buf = io.BytesIO()
tu = model.TranslationUnit("1", (("en", "Yes."), ("tl", "Oo.")))
write.write_tmx(buf, [tu], srclang="en", langs=["en", "tl"], tool=("othertool", "2.0"), creationdate="20260101T000000Z")
assert b'creationtool="othertool" creationtoolversion="2.0"' in buf.getvalue(), buf.getvalue()[:400]
try:
    langcodes.convert("xx", "trados")
except LanguageCodeError:
    pass
else:
    raise AssertionError("no Trados locale for xx")
loaded = sorted(m for m in sys.modules if m == "aligner" or m.startswith("aligner."))
assert not loaded, loaded
print("ok")
"""


def test_tmx_imports_and_writes_without_aligner():
    out = subprocess.run([sys.executable, "-c", USE], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "ok\n"


def test_aligner_errors_are_tmx_errors_mapped_to_exit_codes():
    from aligner import errors
    from tmx import errors as tmx_errors

    assert errors.TmxError is tmx_errors.TmxError  # one TmxError, wherever it is raised
    assert errors.exit_code(tmx_errors.TmxError("x")) == 5
    assert errors.exit_code(tmx_errors.LanguageCodeError("x")) == 3
    assert errors.exit_code(errors.EncoderError("x")) == 4
    assert all(issubclass(cls, Exception) for cls in errors.USER_ERRORS)

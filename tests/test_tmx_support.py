"""Shared helpers for the TMX tests (no tests here).

Validity is checked with lxml's own validators against the LISA TMX 1.4 DTD and
OmegaT's TMX 1.4 XSD, both shipped in ``tests/data/tmx`` (provenance in
``tests/data/README.md``): no external binary, no network, no ``../shared``. The
XSD is stricter than the DTD on ``xml:lang`` (it must be a language tag), which is
what OmegaT reads. The FLORES dev lines come from the slice in ``tests/data/flores``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from aligner.formats import TOOL
from evaldata import BAD_NE_ROWS, read_lines
from tmx.write import write_tmx

DATA = Path(__file__).resolve().parent / "data"
SCHEMAS = DATA / "tmx"
FLORES = DATA / "flores" / "dev"
FLORES_LINES = 250  # the slice: lines 1-250 of FLORES-200 dev
# npi_Deva.dev rows in the slice that are not translations of the English row (0-based rows 210
# and 241; the list of the whole dev split is scripts/evaldata.py's)
BAD_NEPALI_ROWS = frozenset(r for r in BAD_NE_ROWS if r < FLORES_LINES)


@cache
def _dtd() -> etree.DTD:
    return etree.DTD(str(SCHEMAS / "tmx14.dtd"))


@cache
def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "tmx14.xsd")))


def tmx_errors(path: Path) -> list[str]:
    """Every DTD and XSD complaint about ``path``; empty when it is valid TMX 1.4b."""
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    tree = etree.parse(str(path), parser)
    errors = []
    dtd, xsd = _dtd(), _xsd()
    if not dtd.validate(tree):
        errors += [f"DTD: line {e.line}: {e.message}" for e in dtd.error_log]
    if not xsd.validate(tree):
        errors += [f"XSD: line {e.line}: {e.message}" for e in xsd.error_log]
    return errors


def assert_valid_tmx(path: Path) -> None:
    """Fail loudly, with every message, if ``path`` is not valid against the DTD and the XSD."""
    errors = tmx_errors(path)
    assert not errors, f"{path} is not valid TMX 1.4b:\n" + "\n".join(errors[:20])


def write_checked(path: Path, tus, **kwargs):
    """write_tmx (as the aligner, unless ``tool`` says otherwise), then prove the file is valid TMX 1.4b."""
    kwargs.setdefault("tool", TOOL)
    stats = write_tmx(path, tus, **kwargs)
    assert_valid_tmx(path)
    return stats


def flores_lines(code: str) -> list[str]:
    return read_lines(FLORES / f"{code}.dev")

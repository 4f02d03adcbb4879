"""From a file on disk to a segmented ``Document``: decode, clean by source kind, segment."""

from aligner.ingest.blocks import Block, BlockBuilder, Cleaned
from aligner.ingest.decode import decode, read_source
from aligner.ingest.document import (
    DEFAULT_MANIFEST,
    document_from_text,
    guess_kind,
    presplit_lines,
    read_document,
    read_documents,
    read_inputs,
    read_manifest,
    read_presplit,
)
from aligner.ingest.registry import KINDS, clean, source_kind

__all__ = [
    "DEFAULT_MANIFEST",
    "KINDS",
    "Block",
    "BlockBuilder",
    "Cleaned",
    "clean",
    "decode",
    "document_from_text",
    "guess_kind",
    "presplit_lines",
    "read_document",
    "read_documents",
    "read_inputs",
    "read_manifest",
    "read_presplit",
    "read_source",
    "source_kind",
]

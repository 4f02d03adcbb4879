"""aligner: sentence alignment and translation memories for languages other tools ignore."""

__version__ = "0.1.0"

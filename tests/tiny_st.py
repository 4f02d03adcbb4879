"""A tiny random-weight sentence-transformers model built on the spot (no hub, no download).

For the ``st:PATH`` backend's tests: a one-layer BERT with a 16-dimensional mean-pooled
output over a vocabulary of a few words and letters, saved as a sentence-transformers folder.
Needs torch and the [st] extra (tests call ``needs.need_sentence_transformers`` first).
"""

from __future__ import annotations

import os
from pathlib import Path

WORDS = "the cat sat on mat ang pusa sa banig rain is expected tomorrow".split()
MAX_SEQ_LENGTH = 32


def build_tiny_model(root: Path) -> str:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import modules as models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    raw = root / "raw"
    raw.mkdir()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *"abcdefghijklmnopqrstuvwxyz.", "##s"]
    (raw / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=64)
    BertModel(config).save_pretrained(raw)
    BertTokenizerFast(vocab_file=str(raw / "vocab.txt"), do_lower_case=True).save_pretrained(raw)
    word = models.Transformer(str(raw), max_seq_length=MAX_SEQ_LENGTH)
    dim = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pool = models.Pooling(dim(), pooling_mode="mean")
    out = root / "tiny-st"
    SentenceTransformer(modules=[word, pool], device="cpu").save(str(out))
    return str(out)

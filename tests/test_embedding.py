"""The ONNX embedder agrees with sentence-transformers, and model files are hash-checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from service.config import Settings
from service.embedding import Embedder, MiniLMEmbedder, ModelIntegrityError, verify_sha256
from service.model_export import ONNX_FILE, ONNX_SHA256, ensure_onnx_model

TEXTS = [
    "Qatar is mediating between Hamas and Israel.",
    "x",
    "A much longer passage about negotiations in Doha and Gaza, " * 30,  # past 256 tokens
]


def test_onnx_vectors_match_sentence_transformers(minilm: Embedder) -> None:
    reference = MiniLMEmbedder().embed(TEXTS)
    vectors = minilm.embed(TEXTS)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() > 0.9999
    assert minilm.embed([]).shape == (0, 384)


def test_a_tampered_model_file_is_replaced(tmp_path: Path) -> None:
    cached = Settings(_env_file=None).model_cache_dir / ONNX_FILE  # type: ignore[call-arg]
    ensure_onnx_model(cached.parent)
    copy = tmp_path / ONNX_FILE
    shutil.copy(cached, copy)
    with copy.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02")
    with pytest.raises(ModelIntegrityError):
        verify_sha256(copy, ONNX_SHA256)
    ensure_onnx_model(tmp_path)  # re-exports over the damaged file
    verify_sha256(copy, ONNX_SHA256)

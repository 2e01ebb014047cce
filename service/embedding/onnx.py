"""all-MiniLM-L6-v2 on ONNX Runtime (int8 or fp32, see service.embedding.export), faster.

Each text is embedded alone, the model on one thread, a few texts of a call side by side;
mean pooling and normalisation follow sentence-transformers. The int8 model quantizes
its activations with one scale for the whole input, so a text embedded in a padded
batch got a vector that depended on the other texts of the batch (a cosine of
0.984-0.993 with its vector alone): the same passage ranked differently depending on
what it had been embedded with. Alone, a vector depends on its text only, and on two
cores this is also faster than padded batches on two threads (64 passages of 150 words:
0.87 against 1.25 s; 160 sentences: 0.34 against 0.43 s; docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from service.core.machine import available_cores
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

    def __init__(self, model_path: Path, name: str = MINILM_INT8, workers: int | None = None):
        self.name = name
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one text on one core; a call runs a few side by side
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(minilm_model_dir() / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._workers = workers or available_cores()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        token_ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        if len(token_ids) == 1 or self._workers == 1:
            return np.vstack([self._embed_one(ids) for ids in token_ids])
        # Threads of this call's own: a question's few texts never wait behind an ingest's.
        with ThreadPoolExecutor(min(self._workers, len(token_ids))) as pool:
            return np.vstack(list(pool.map(self._embed_one, token_ids)))

    def _embed_one(self, token_ids: list[int]) -> Vectors:
        ids = np.asarray([token_ids], dtype=np.int64)
        feeds = {
            "input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.zeros_like(ids),
        }
        hidden = self._session.run(None, feeds)[0]
        pooled = hidden.mean(axis=1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vector: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return vector

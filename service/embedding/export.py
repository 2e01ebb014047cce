"""Produce the ONNX forms of all-MiniLM-L6-v2 from the verified safetensors, reproducibly.

Two models, each made once per machine (at the first start, or `python -m
service export-model`); making them needs PyTorch, serving them only
onnxruntime:
- fp32: the plain export, vectors equal to sentence-transformers' (cosine 0.99999).
- int8 (the default): exported with eager attention so that onnxruntime's BERT
  optimizer can fuse attention, layer norms and GELU; then its weights are
  quantized to int8 per channel (dynamic quantization, activations quantized at
  run time; `reduce_range` keeps AVX2 machines without VNNI from saturating).
  About 2x faster than PyTorch on these 2-core machines, vectors within cosine
  0.988 of the fp32 ones, and the same rgb_dev recall (bench/results/bench.md).
With torch 2.13.0, opset 17 and the pinned onnxruntime/onnx every step is
byte-for-byte repeatable, so each result is checked against a pinned sha256
like the weights it comes from.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.core.errors import ModelIntegrityError
from service.embedding.embedders import (
    MINILM_SHA256,
    minilm_model_dir,
    verify_sha256,
)

log = logging.getLogger(__name__)

ONNX_FILE = "all-MiniLM-L6-v2.onnx"
ONNX_SHA256 = "49039e87206a7a63ac3eb6c5701e452438a2b038bd18f4bbc5cdc562422c5f0b"
INT8_FILE = "all-MiniLM-L6-v2-int8.onnx"
INT8_SHA256 = "1b933c983bfb3b6e91154e77175d2b85fc9ed073b70a14a3805605fab5811387"
_AXES = {0: "batch", 1: "tokens"}
_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def ensure_onnx_model(cache_dir: Path, *, quantized: bool = True) -> Path:
    """The verified model in `cache_dir` (int8 unless not `quantized`), made first if need be."""
    name, sha256, make = (
        (INT8_FILE, INT8_SHA256, _make_int8) if quantized else (ONNX_FILE, ONNX_SHA256, _make_fp32)
    )
    path = cache_dir / name
    if path.is_file():
        try:
            verify_sha256(path, sha256)
            return path
        except ModelIntegrityError:
            log.warning("%s does not match its pinned hash; making it again", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Made next to the target and renamed, so a concurrent reader never sees half a file.
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        partial = Path(scratch) / name
        make(Path(scratch), partial)
        verify_sha256(partial, sha256)
        partial.replace(path)
    log.info("made %s", path)
    return path


def _make_fp32(_: Path, target: Path) -> None:
    _export(target, attention="sdpa")


def _make_int8(scratch: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    exported, fused = scratch / "eager.onnx", scratch / "fused.onnx"
    _export(exported, attention="eager")
    model = optimizer.optimize_model(
        str(exported), model_type="bert", num_heads=12, hidden_size=384, opt_level=1
    )
    model.save_model_to_file(str(fused))
    quantize_dynamic(
        fused,
        target,
        per_channel=True,
        reduce_range=True,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Attention"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def _export(target: Path, attention: str) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from transformers import AutoModel

    source = minilm_model_dir()
    verify_sha256(source / "model.safetensors", MINILM_SHA256)
    model = AutoModel.from_pretrained(str(source), attn_implementation=attention).eval()

    class Encoder(torch.nn.Module):
        def __init__(self, bert: Callable[..., Any]) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            out = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    with warnings.catch_warnings():  # tracer warnings about shape checks are expected
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Encoder(model),
            (example, example, torch.zeros_like(example)),
            str(target),
            input_names=_INPUTS,
            output_names=["last_hidden_state"],
            dynamic_axes={name: _AXES for name in [*_INPUTS, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )

